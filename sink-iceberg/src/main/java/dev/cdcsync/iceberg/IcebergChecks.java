package dev.cdcsync.iceberg;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.StateStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.ResolvingFileIO;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** What a first run needs of the Iceberg side, checked for real and leaving nothing behind. */
final class IcebergChecks {

  private IcebergChecks() {}

  static List<PreflightCheck> check(Configuration options, StateStorage state) {
    List<PreflightCheck> checks = new ArrayList<>();
    String type = options.withPrefix(IcebergSinkFactory.CATALOG_PREFIX).get("type");
    Catalog catalog;
    try {
      catalog = IcebergSinkFactory.catalog(options);
      if (catalog instanceof SupportsNamespaces namespaces) {
        try {
          namespaces.listNamespaces();
          checks.add(PreflightCheck.passed("catalog", "the " + type + " catalog answers"));
        } catch (NoSuchNamespaceException e) {
          // A hadoop catalog whose warehouse directory does not exist yet: the first run creates
          // it.
          checks.add(
              PreflightCheck.passed(
                  "catalog", "the " + type + " catalog answers (it has no namespace yet)"));
        }
      } else {
        checks.add(PreflightCheck.passed("catalog", "the " + type + " catalog was created"));
      }
      close(catalog);
    } catch (RuntimeException e) {
      checks.add(
          PreflightCheck.failed(
              "catalog",
              "cannot reach the "
                  + type
                  + " catalog: "
                  + e.getMessage()
                  + "; check the sink's catalog.properties.* options"));
    }
    String warehouse = options.optional(IcebergSinkFactory.WAREHOUSE).orElse(null);
    if (warehouse != null) {
      checks.add(probeWarehouse(options, warehouse));
    }
    checks.add(probeState(state));
    return checks;
  }

  /**
   * Stops a start whose warehouse or state store cannot be written, as {@code validate} would:
   * permanently where retrying cannot help (a local path, refused rights), else for a retry.
   */
  static void requireWritable(Configuration options, StateStorage state) {
    String warehouse = options.optional(IcebergSinkFactory.WAREHOUSE).orElse(null);
    if (warehouse != null && isLocation(warehouse)) {
      writeWarehouseProbe(options, warehouse)
          .ifPresent(
              failure -> {
                throw storageFailure(
                    "Cannot write to warehouse "
                        + warehouse
                        + ": "
                        + reason(failure)
                        + "; check the location and the rights (or credentials) of the user running cdc-sync",
                    warehouse,
                    failure);
              });
    }
    writeStateProbe(state)
        .ifPresent(
            failure -> {
              throw storageFailure(
                  "Cannot write to the pipeline state store "
                      + state.location()
                      + ": "
                      + reason(failure)
                      + "; set pipeline option state.location to a writable place",
                  state.location(),
                  failure);
            });
  }

  private static PreflightCheck probeWarehouse(Configuration options, String warehouse) {
    return writeWarehouseProbe(options, warehouse)
        .map(
            failure ->
                PreflightCheck.failed(
                    "warehouse",
                    "cannot write to "
                        + warehouse
                        + ": "
                        + reason(failure)
                        + "; check the location and the rights (or credentials) of the user running cdc-sync"))
        .orElseGet(() -> PreflightCheck.passed("warehouse", "can write to " + warehouse));
  }

  private static PreflightCheck probeState(StateStorage state) {
    return writeStateProbe(state)
        .map(
            failure ->
                PreflightCheck.failed(
                    "state store",
                    "cannot write to "
                        + state.location()
                        + ": "
                        + reason(failure)
                        + "; set pipeline option state.location to a writable place"))
        .orElseGet(() -> PreflightCheck.passed("state store", "can write to " + state.location()));
  }

  /** Writes and removes a file in the warehouse; the failure, if any. */
  private static Optional<Exception> writeWarehouseProbe(Configuration options, String warehouse) {
    Map<String, String> properties = options.withPrefix(IcebergSinkFactory.CATALOG_PREFIX);
    String probe = warehouse.replaceAll("/+$", "") + "/.cdc-sync-probe-" + UUID.randomUUID();
    try (FileIO io =
        CatalogUtil.loadFileIO(
            properties.getOrDefault("io-impl", ResolvingFileIO.class.getName()),
            properties,
            ForklessLocalFileSystem.hadoopConfiguration())) {
      try (OutputStream out = io.newOutputFile(probe).create()) {
        out.write(1);
      }
      io.deleteFile(probe);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of(e);
    }
  }

  private static Optional<Exception> writeStateProbe(StateStorage state) {
    String probe = ".probe-" + UUID.randomUUID();
    try {
      state.create(probe, new byte[] {1});
      state.delete(probe);
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      return Optional.of(e);
    }
  }

  /**
   * Permanent where waiting cannot help: a local path (no directory there, no right to write, a
   * read-only file system) or a remote store refusing the credentials; else retriable (a store or
   * network that may come back).
   */
  private static RuntimeException storageFailure(
      String message, String location, Exception failure) {
    boolean local = location.startsWith("file:") || location.startsWith("/");
    boolean refused = false;
    for (Throwable cause = failure;
        cause != null;
        cause = cause.getCause() == cause ? null : cause.getCause()) {
      refused |=
          cause instanceof AccessDeniedException
              || cause instanceof AwsServiceException aws
                  && (aws.statusCode() == 401 || aws.statusCode() == 403);
    }
    return local || refused
        ? new PermanentPipelineException(message, failure)
        : new IllegalStateException(message, failure);
  }

  /** A location rather than a catalog's name for its warehouse (as REST catalogs take). */
  private static boolean isLocation(String warehouse) {
    return warehouse.startsWith("/") || warehouse.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*");
  }

  /** The innermost message: Iceberg and Hadoop wrap the one that says what is wrong in their own. */
  private static String reason(Throwable failure) {
    Throwable innermost = failure;
    while (innermost.getCause() != null
        && innermost.getCause() != innermost
        && innermost.getCause().getMessage() != null) {
      innermost = innermost.getCause();
    }
    String reason =
        innermost.getMessage() == null
            ? innermost.getClass().getSimpleName()
            : innermost.getMessage();
    return reason.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  private static void close(Catalog catalog) {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // only a check
      }
    }
  }
}
