package dev.cdcsync.iceberg.testing;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * A running S3-compatible server for tests.
 *
 * @param endpoint e.g. {@code http://127.0.0.1:41234}
 * @param atomicConditionalWrites whether a put with {@code If-None-Match: *} is atomic against
 *     concurrent puts (as on S3 and MinIO), not just checked before writing
 * @param sdkEnvironment AWS SDK settings the server needs, as environment variables
 * @param provenance what the server is and where it came from, for test logs
 */
public record TestObjectStore(
    String endpoint,
    String region,
    String accessKeyId,
    String secretAccessKey,
    boolean atomicConditionalWrites,
    Map<String, String> sdkEnvironment,
    String provenance) {

  public TestObjectStore {
    sdkEnvironment = Map.copyOf(sdkEnvironment);
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(provenance, "provenance");
  }

  /** Iceberg S3FileIO settings without credentials (those come from the AWS default chain). */
  public Map<String, String> fileIoProperties() {
    return Map.of("s3.endpoint", endpoint, "s3.path-style-access", "true");
  }

  /**
   * The AWS environment variables a process needs to reach this server: credentials, region, and
   * SDK settings the server needs ({@link #sdkEnvironment}).
   */
  public Map<String, String> environment() {
    Map<String, String> environment = new java.util.HashMap<>(sdkEnvironment);
    environment.put("AWS_ACCESS_KEY_ID", accessKeyId);
    environment.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
    environment.put("AWS_REGION", region);
    return Map.copyOf(environment);
  }

  /** S3FileIO settings that carry the credentials too, for tests in this JVM. */
  public Map<String, String> fileIoPropertiesWithCredentials() {
    return Map.of(
        "s3.endpoint", endpoint,
        "s3.path-style-access", "true",
        "s3.access-key-id", accessKeyId,
        "s3.secret-access-key", secretAccessKey,
        "client.region", region);
  }

  /** A client of this server, for test set-up and checks; the caller closes it. */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint))
        .forcePathStyle(true)
        .region(Region.of(region))
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /** Creates a bucket unless it exists. */
  public void createBucket(String bucket) {
    try (S3Client client = client()) {
      client.createBucket(request -> request.bucket(bucket));
    } catch (BucketAlreadyOwnedByYouException e) {
      // Another test of this JVM made it.
    }
  }
}
