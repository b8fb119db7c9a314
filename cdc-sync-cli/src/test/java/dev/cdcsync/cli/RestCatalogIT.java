package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
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
  private static final String TRANSACTION_COMMIT = "POST /v1/transactions/commit";
  private static final String TABLE_COMMIT = "POST /v1/namespaces/[^/]+/tables/[^/]+";

  @TempDir Path work;

  @Test
  void snapshotsAndStreamsIntoARestCatalog() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase(SOURCE);
    server.execute(
        SOURCE,
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, qty INT)",
        "CREATE TABLE orders (id INT PRIMARY KEY, item INT)",
        "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)",
        "INSERT INTO orders VALUES (1, 1)");
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
        // A transaction over both tables: one multi-table commit makes it visible in both.
        long transactions = rest.requests(TRANSACTION_COMMIT);
        long tableUpdates = rest.requests(TABLE_COMMIT);
        server.executeInTransaction(
            SOURCE, "INSERT INTO items VALUES (6, 'six', 6)", "INSERT INTO orders VALUES (2, 6)");
        awaitTableRows(cdcSync, catalog, "orders", 2);
        assertThat(rest.requests(TRANSACTION_COMMIT)).isGreaterThan(transactions);
        assertThat(rest.requests(TABLE_COMMIT)).isEqualTo(tableUpdates);
        assertThat(checkpointOf(catalog, "items")).isEqualTo(checkpointOf(catalog, "orders"));
        server.execute(SOURCE, "DELETE FROM items WHERE id = 6");
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

  private static void awaitTableRows(
      CdcSyncProcess cdcSync, RESTCatalog catalog, String table, int rows) {
    await(table + " has " + rows + " rows")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .failFast("cdc-sync exited", () -> assertThat(cdcSync.isAlive()).isTrue())
        .until(() -> IcebergRows.list(catalog, "public", table).size() == rows);
  }

  private static String checkpointOf(RESTCatalog catalog, String table) {
    return catalog
        .loadTable(TableIdentifier.of(Namespace.of("public"), table))
        .currentSnapshot()
        .summary()
        .get("cdc-sync.checkpoint-id");
  }

  private static Map<String, Object> item(int id, String name, int qty) {
    return Map.of("id", id, "name", name, "qty", qty);
  }
}
