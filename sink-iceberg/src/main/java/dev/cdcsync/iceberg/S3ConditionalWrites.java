package dev.cdcsync.iceberg;

import java.io.IOException;
import org.apache.iceberg.aws.s3.S3FileIO;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Creates an S3 object only if none exists, atomically: a conditional put ({@code If-None-Match:
 * *}), which S3 and compatible stores (MinIO, S3Proxy) honour. Iceberg's {@code
 * S3OutputFile.create()} checks and then writes, so two writers could both succeed.
 */
final class S3ConditionalWrites {

  private static final int PRECONDITION_FAILED = 412;
  private static final int CONFLICT = 409;
  private static final int NOT_IMPLEMENTED = 501;

  private S3ConditionalWrites() {}

  /**
   * @throws FileExistsException if the object exists, or another writer is creating it right now
   */
  static void createIfAbsent(S3FileIO io, String location, byte[] content) throws IOException {
    int schemeEnd = location.indexOf("://");
    int bucketEnd = location.indexOf('/', schemeEnd + 3);
    if (schemeEnd < 0 || bucketEnd < 0) {
      throw new IOException("Cannot create state file: not an S3 object location: " + location);
    }
    PutObjectRequest request =
        PutObjectRequest.builder()
            .bucket(location.substring(schemeEnd + 3, bucketEnd))
            .key(location.substring(bucketEnd + 1))
            .ifNoneMatch("*")
            .build();
    try {
      io.client(location).putObject(request, RequestBody.fromBytes(content));
    } catch (S3Exception e) {
      if (e.statusCode() == PRECONDITION_FAILED || e.statusCode() == CONFLICT) {
        throw new FileExistsException(location, e);
      }
      if (e.statusCode() == NOT_IMPLEMENTED) {
        throw new IOException(
            "Cannot create state file "
                + location
                + ": the object store does not support"
                + " conditional writes (If-None-Match), which keep two instances of a pipeline"
                + " from both taking over; use a store that does (AWS S3, MinIO) or set pipeline"
                + " option 'state.location' to another location",
            e);
      }
      throw new IOException("Cannot create state file " + location + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("Cannot create state file " + location + ": " + e.getMessage(), e);
    }
  }

  /** The state file to be created exists already. */
  static final class FileExistsException extends java.nio.file.FileAlreadyExistsException {
    FileExistsException(String location, Throwable cause) {
      super(location, null, "it exists (or another instance is creating it)");
      initCause(cause);
    }
  }
}
