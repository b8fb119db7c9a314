package dev.cdcsync.iceberg.testing;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * Hands tests a real S3-compatible server: MinIO through Testcontainers when a Docker engine is
 * reachable, otherwise S3Proxy (jclouds' in-memory blob store behind a real S3 HTTP API) in this
 * JVM on 127.0.0.1 and a free port. One server per JVM, stopped when the JVM exits; tests isolate
 * themselves with their own buckets or prefixes. Never skips: a server that cannot start fails the
 * test.
 */
public final class TestObjectStores {

  private static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-04-22T22-12-26Z";
  private static final String REGION = "us-east-1";

  private static TestObjectStore s3;

  private TestObjectStores() {}

  public static synchronized TestObjectStore s3() {
    if (s3 == null) {
      String accessKey = "cdc-sync-test";
      // Random, so a test can check that the secret never reaches a log.
      String secretKey = "secret-" + UUID.randomUUID();
      s3 = dockerAvailable() ? minio(accessKey, secretKey) : s3Proxy(accessKey, secretKey);
      System.out.println(
          "[test object store] S3 at " + s3.endpoint() + " (" + s3.provenance() + ")");
    }
    return s3;
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  private static TestObjectStore minio(String accessKey, String secretKey) {
    GenericContainer<?> container =
        new GenericContainer<>(MINIO_IMAGE)
            .withCommand("server", "/data")
            .withEnv("MINIO_ROOT_USER", accessKey)
            .withEnv("MINIO_ROOT_PASSWORD", secretKey)
            .withExposedPorts(9000)
            .waitingFor(
                Wait.forHttp("/minio/health/live")
                    .forPort(9000)
                    .withStartupTimeout(Duration.ofMinutes(2)));
    container.start();
    Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
    return new TestObjectStore(
        "http://" + container.getHost() + ":" + container.getMappedPort(9000),
        REGION,
        accessKey,
        secretKey,
        true,
        Map.of(),
        "MinIO " + MINIO_IMAGE + " through Testcontainers");
  }

  private static TestObjectStore s3Proxy(String accessKey, String secretKey) {
    try {
      BlobStoreContext context =
          ContextBuilder.newBuilder("transient")
              .credentials(accessKey, secretKey)
              .overrides(new Properties())
              .build(BlobStoreContext.class);
      String endpoint = "http://127.0.0.1:" + freePort();
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(context.getBlobStore())
              .endpoint(URI.create(endpoint))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
              .build();
      proxy.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.onSpinWait();
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(proxy, context)));
      // S3Proxy 3.0 does not verify the CRC trailers of aws-chunked uploads that AWS SDK 2.30+
      // sends
      // by default (it answers 400 "x-amz-content-sha256 does not match"); as with many older
      // S3-compatible stores, checksums are then sent only where an operation requires them.
      System.setProperty("aws.requestChecksumCalculation", "WHEN_REQUIRED");
      System.setProperty("aws.responseChecksumValidation", "WHEN_REQUIRED");
      return new TestObjectStore(
          endpoint,
          REGION,
          accessKey,
          secretKey,
          false,
          Map.of(
              "AWS_REQUEST_CHECKSUM_CALCULATION", "when_required",
              "AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required"),
          "S3Proxy "
              + S3Proxy.class.getPackage().getImplementationVersion()
              + " with the jclouds transient blob store, in this JVM");
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start S3Proxy for the tests", e);
    }
  }

  private static void stop(S3Proxy proxy, BlobStoreContext context) {
    try {
      proxy.stop();
    } catch (Exception e) {
      // The JVM is exiting.
    }
    context.close();
  }

  private static int freePort() throws java.io.IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
