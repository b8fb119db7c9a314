package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL pipeline whose sink is an Iceberg JDBC catalog kept in another database of the same
 * PostgreSQL server, read back through Iceberg's own {@link JdbcCatalog}.
 */
class JdbcCatalogIT {

  private static final String SOURCE = "jdbc_catalog_src";
  private static final String CATALOG_DATABASE = "jdbc_catalog_meta";

  @TempDir Path work;

  @Test
  void snapshotsStreamsAndResumesIntoAJdbcCatalogOnPostgres() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase(SOURCE);
    server.createDatabase(CATALOG_DATABASE);
    server.execute(
        SOURCE,
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, qty INT)",
        "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
    Path warehouse = work.resolve("warehouse");
    String catalogUri =
        "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + CATALOG_DATABASE;
    Path file =
        PipelineFiles.writeWithSink(
            work.resolve("jdbc.yaml"),
            server,
            server.username(),
            server.password(),
            SOURCE,
            PipelineFiles.postgresTables(SOURCE),
            List.of(
                "catalog.properties.type: jdbc",
                "catalog.properties.uri: " + catalogUri,
                "catalog.properties.jdbc.user: " + server.username(),
                "catalog.properties.jdbc.password: " + server.password(),
                "catalog.properties.warehouse: " + warehouse.toUri()),
            "300ms",
            List.of("state.location: " + work.resolve("state")));
    Catalog catalog = jdbcCatalog(catalogUri, server, warehouse);

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitItems(
          cdcSync,
          catalog,
          Map.of(1, item(1, "one", 1), 2, item(2, "two", 2), 3, item(3, "three", 3)));
      server.execute(
          SOURCE,
          "INSERT INTO items VALUES (4, 'four', 4)",
          "UPDATE items SET qty = 20 WHERE id = 2",
          "DELETE FROM items WHERE id = 3");
      awaitItems(
          cdcSync,
          catalog,
          Map.of(1, item(1, "one", 1), 2, item(2, "two", 20), 4, item(4, "four", 4)));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    // The tables live in the catalog database, not in a hadoop warehouse's version files.
    assertThat(catalogTables(server)).containsExactly("cdc_sync|public|items");
    assertThat(warehouse.resolve("public/items/metadata/version-hint.text")).doesNotExist();
    // The shipped jar opens the JDBC catalog with the PostgreSQL driver it bundles.
    try (CdcSyncProcess show =
        CdcSyncProcess.startShadedJar(work, "show", file.toString(), "public.items")) {
      assertThat(show.waitFor(60)).as(show.describe()).isEqualTo(ExitCodes.OK);
      assertThat(show.output()).contains("four").contains("two").doesNotContain("three");
    }

    // Restart: no second snapshot of the source, only the new change.
    server.execute(SOURCE, "INSERT INTO items VALUES (5, 'five', 5)");
    long snapshotsBefore = countSnapshots(catalog);
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", file.toString(), "--progress-interval", "1")) {
      awaitItems(
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
    assertThat(countSnapshots(catalog)).isEqualTo(snapshotsBefore + 1);
  }

  /** Iceberg's JDBC catalog, as another engine would open it (tables are kept per catalog name). */
  static Catalog jdbcCatalog(String uri, TestDatabaseServer server, Path warehouse) {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.setConf(new org.apache.hadoop.conf.Configuration());
    catalog.initialize(
        "cdc_sync",
        Map.of(
            CatalogProperties.URI,
            uri,
            "jdbc.user",
            server.username(),
            "jdbc.password",
            server.password(),
            CatalogProperties.WAREHOUSE_LOCATION,
            warehouse.toUri().toString()));
    return catalog;
  }

  private static List<String> catalogTables(TestDatabaseServer server) throws Exception {
    List<String> tables = new java.util.ArrayList<>();
    try (Connection connection = server.connect(CATALOG_DATABASE);
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT catalog_name, table_namespace, table_name FROM iceberg_tables ORDER BY 1, 2, 3")) {
      while (rows.next()) {
        tables.add(rows.getString(1) + "|" + rows.getString(2) + "|" + rows.getString(3));
      }
    }
    return tables;
  }

  private static long countSnapshots(Catalog catalog) {
    long count = 0;
    for (Snapshot ignored : IcebergRows.table(catalog, "public", "items").snapshots()) {
      count++;
    }
    return count;
  }

  private static Map<String, Object> item(int id, String name, int qty) {
    return Map.of("id", id, "name", name, "qty", qty);
  }

  static void awaitItems(
      CdcSyncProcess cdcSync, Catalog catalog, Map<Integer, Map<String, Object>> expected) {
    await("items equals the source")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () ->
                assertThat(IcebergRows.rows(catalog, "public", "items", "id"))
                    .isEqualTo(new TreeMap<>(expected)));
  }
}
