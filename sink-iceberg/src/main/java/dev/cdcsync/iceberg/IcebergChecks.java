package dev.cdcsync.iceberg;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.StateStorage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.ResolvingFileIO;

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
          // A hadoop catalog whose warehouse directory does not exist yet: the first run creates it.
          checks.add(PreflightCheck.passed("catalog", "the " + type + " catalog answers (it has no namespace yet)"));
        }
      } else {
        checks.add(PreflightCheck.passed("catalog", "the " + type + " catalog was created"));
      }
      close(catalog);
    } catch (RuntimeException e) {
      checks.add(PreflightCheck.failed("catalog", "cannot reach the " + type + " catalog: " + e.getMessage()
          + "; check the sink's catalog.properties.* options"));
    }
    String warehouse = options.optional(IcebergSinkFactory.WAREHOUSE).orElse(null);
    if (warehouse != null) {
      checks.add(probeWarehouse(options, warehouse));
    }
    checks.add(probeState(state));
    return checks;
  }

  private static PreflightCheck probeWarehouse(Configuration options, String warehouse) {
    Map<String, String> properties = options.withPrefix(IcebergSinkFactory.CATALOG_PREFIX);
    String probe = warehouse.replaceAll("/+$", "") + "/.cdc-sync-probe-" + UUID.randomUUID();
    try (FileIO io = CatalogUtil.loadFileIO(
        properties.getOrDefault("io-impl", ResolvingFileIO.class.getName()), properties, new org.apache.hadoop.conf.Configuration())) {
      try (OutputStream out = io.newOutputFile(probe).create()) {
        out.write(1);
      }
      io.deleteFile(probe);
      return PreflightCheck.passed("warehouse", "can write to " + warehouse);
    } catch (IOException | RuntimeException e) {
      return PreflightCheck.failed("warehouse", "cannot write to " + warehouse + ": " + e.getMessage()
          + "; check the location and the rights (or credentials) of the user running cdc-sync");
    }
  }

  private static PreflightCheck probeState(StateStorage state) {
    String probe = ".probe-" + UUID.randomUUID();
    try {
      state.create(probe, new byte[] {1});
      state.delete(probe);
      return PreflightCheck.passed("state store", "can write to " + state.location());
    } catch (IOException | RuntimeException e) {
      return PreflightCheck.failed("state store", "cannot write to " + state.location() + ": " + e.getMessage()
          + "; set pipeline option state.location to a writable place");
    }
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
