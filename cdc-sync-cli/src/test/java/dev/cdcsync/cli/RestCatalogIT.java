package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL pipeline whose sink is an Iceberg REST catalog: a real REST server (Iceberg's
 * servlet on Jetty, backed by a JDBC catalog in PostgreSQL), read back through a {@link RESTCatalog}.
 */
class RestCatalogIT {

  private static final String SOURCE = "rest_catalog_src";
  private static final String BACKEND_DATABASE = "rest_catalog_backend";

  @TempDir Path work;

  @Test
  void snapshotsAndStreamsIntoARestCatalog() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase(SOURCE);
    server.execute(
        SOURCE,
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, qty INT)",
        "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
    Path warehouse = work.resolve("warehouse");

    try (IcebergRestServer rest =
            IcebergRestServer.startWithJdbcBackend(server, BACKEND_DATABASE, warehouse);
        RESTCatalog catalog = rest.client()) {
      Path file =
          PipelineFiles.writeWithSink(
              work.resolve("rest.yaml"),
              server,
              server.username(),
              server.password(),
              SOURCE,
              PipelineFiles.postgresTables(SOURCE),
              List.of("catalog.properties.type: rest", "catalog.properties.uri: " + rest.uri()),
              "300ms",
              List.of("state.location: " + work.resolve("state")));

      try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
        JdbcCatalogIT.awaitItems(
            cdcSync,
            catalog,
            Map.of(1, item(1, "one", 1), 2, item(2, "two", 2), 3, item(3, "three", 3)));
        server.execute(
            SOURCE,
            "INSERT INTO items VALUES (4, 'four', 4)",
            "UPDATE items SET qty = 20 WHERE id = 2",
            "DELETE FROM items WHERE id = 3");
        JdbcCatalogIT.awaitItems(
            cdcSync,
            catalog,
            Map.of(1, item(1, "one", 1), 2, item(2, "two", 20), 4, item(4, "four", 4)));
        assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      }
      // The REST server placed the table in the backend's warehouse; commits carry the checkpoint.
      Table table = catalog.loadTable(TableIdentifier.of(Namespace.of("public"), "items"));
      assertThat(table.location()).startsWith(warehouse.toUri().toString().replaceFirst("/$", ""));
      assertThat(table.currentSnapshot().summary()).containsEntry("cdc-sync.pipeline", SOURCE);

      // Restart: the checkpoint read back through the REST catalog; no second snapshot.
      server.execute(SOURCE, "INSERT INTO items VALUES (5, 'five', 5)");
      try (CdcSyncProcess cdcSync =
          CdcSyncProcess.start(
              work, Map.of(), "run", file.toString(), "--progress-interval", "1")) {
        JdbcCatalogIT.awaitItems(
            cdcSync,
            catalog,
            Map.of(
                1,
                item(1, "one", 1),
                2,
                item(2, "two", 20),
                4,
                item(4, "four", 4),
                5,
                item(5, "five", 5)));
        assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
        assertThat(cdcSync.output()).contains(", 1 changes read");
      }
    }
  }

  private static Map<String, Object> item(int id, String name, int qty) {
    return Map.of("id", id, "name", name, "qty", qty);
  }
}
