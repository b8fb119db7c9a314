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
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many pipelines, one catalog (docs/kubernetes.md, docs/scaling.md): two PostgreSQL pipelines on
 * two table groups of one database and a MariaDB pipeline write at once into one JDBC catalog over
 * one warehouse, two of them into one namespace. One is killed with SIGKILL; the others go on
 * committing meanwhile; its restart takes over at once and every table ends equal to its source.
 */
class FleetIT {

  private static final String PG = "fleet_pg";
  private static final String MARIA = "fleet_maria";
  private static final String CATALOG_DATABASE = "fleet_catalog";

  @TempDir Path work;

  @Test
  void threePipelinesShareOneCatalogAndOneIsKilledAndRestarted() throws Exception {
    TestDatabaseServer postgres = TestDatabases.postgres();
    TestDatabaseServer mariadb = TestDatabases.mariadb();
    postgres.createDatabase(PG);
    postgres.createDatabase(CATALOG_DATABASE);
    mariadb.createDatabase(MARIA);
    for (String table : List.of("a_orders", "a_items", "b_orders")) {
      postgres.execute(
          PG,
          "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, v BIGINT)",
          "INSERT INTO " + table + " SELECT g, g FROM generate_series(1, 100) g");
    }
    mariadb.execute(
        MARIA,
        "CREATE TABLE m_items (id BIGINT PRIMARY KEY, v BIGINT)",
        "INSERT INTO m_items VALUES (1, 1), (2, 2), (3, 3)");

    Path warehouse = work.resolve("warehouse");
    String catalogUri =
        "jdbc:postgresql://" + postgres.host() + ":" + postgres.port() + "/" + CATALOG_DATABASE;
    List<String> sink =
        List.of(
            "catalog.properties.type: jdbc",
            "catalog.properties.uri: " + catalogUri,
            "catalog.properties.jdbc.user: " + postgres.username(),
            "catalog.properties.jdbc.password: " + postgres.password(),
            "catalog.properties.warehouse: " + warehouse.toUri());
    Path groupA = pipeline(postgres, "fleet_a", List.of("tables: " + PG + ".public.a_\\.*"), sink);
    Path groupB = pipeline(postgres, "fleet_b", List.of("tables: " + PG + ".public.b_\\.*"), sink);
    Path maria = pipeline(mariadb, "fleet_m", PipelineFiles.binlogTables(MARIA, 5931), sink);
    Catalog catalog = JdbcCatalogIT.jdbcCatalog(catalogUri, postgres, warehouse);

    try (CdcSyncProcess b = CdcSyncProcess.start(work, Map.of(), "run", groupB.toString());
        CdcSyncProcess m = CdcSyncProcess.start(work, Map.of(), "run", maria.toString())) {
      CdcSyncProcess a = CdcSyncProcess.start(work, Map.of(), "run", groupA.toString());
      try {
        awaitEqual(List.of(a, b, m), catalog, postgres, mariadb);

        // Changes everywhere; A is killed while they stream in.
        change(postgres, mariadb, 1);
        a.kill();
        change(postgres, mariadb, 2);
        // The others go on committing without it.
        await("B and the MariaDB pipeline commit while A is down")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .failFast("a pipeline exited", () -> assertThat(b.isAlive() && m.isAlive()).isTrue())
            .untilAsserted(
                () -> {
                  assertThat(iceberg(catalog, "public", "b_orders"))
                      .isEqualTo(source(postgres, PG, "b_orders"));
                  assertThat(iceberg(catalog, MARIA, "m_items"))
                      .isEqualTo(source(mariadb, MARIA, "m_items"));
                });
      } finally {
        a.close();
      }

      try (CdcSyncProcess restarted =
          CdcSyncProcess.start(work, Map.of(), "run", groupA.toString())) {
        change(postgres, mariadb, 3);
        awaitEqual(List.of(restarted, b, m), catalog, postgres, mariadb);
        // Killed and reaped on this host: its successor did not wait for the lease.
        assertThat(restarted.describe()).doesNotContain("waiting until it stops");
        for (CdcSyncProcess process : List.of(restarted, b, m)) {
          assertThat(process.terminate(60)).as(process.describe()).isEqualTo(ExitCodes.OK);
        }
      }
      assertThat(b.describe() + m.describe()).doesNotContain("failed (");
    }
  }

  private Path pipeline(
      TestDatabaseServer server, String name, List<String> source, List<String> sink)
      throws Exception {
    return PipelineFiles.writeWithSink(
        work.resolve(name + ".yaml"),
        server,
        server.username(),
        server.password(),
        name,
        source,
        sink,
        "300ms",
        List.of());
  }

  /** Round {@code round} of changes: an insert, an update and a delete in every source table. */
  private static void change(TestDatabaseServer postgres, TestDatabaseServer mariadb, int round)
      throws Exception {
    for (String table : List.of("a_orders", "a_items", "b_orders")) {
      postgres.execute(
          PG,
          "INSERT INTO " + table + " VALUES (" + (1000 + round) + ", " + round + ")",
          "UPDATE " + table + " SET v = v + 1000 WHERE id % 10 = " + round,
          "DELETE FROM " + table + " WHERE id = " + (10 + round));
    }
    mariadb.execute(
        MARIA,
        "INSERT INTO m_items VALUES (" + (1000 + round) + ", " + round + ")",
        "UPDATE m_items SET v = v + 1000 WHERE id = 1",
        "DELETE FROM m_items WHERE id = " + (round + 1));
  }

  private static void awaitEqual(
      List<CdcSyncProcess> processes,
      Catalog catalog,
      TestDatabaseServer postgres,
      TestDatabaseServer mariadb) {
    await("every table equals its source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .failFast(
            "a pipeline exited",
            () -> assertThat(processes.stream().allMatch(CdcSyncProcess::isAlive)).isTrue())
        .untilAsserted(
            () -> {
              for (String table : List.of("a_orders", "a_items", "b_orders")) {
                assertThat(iceberg(catalog, "public", table))
                    .as(table)
                    .isEqualTo(source(postgres, PG, table));
              }
              assertThat(iceberg(catalog, MARIA, "m_items"))
                  .isEqualTo(source(mariadb, MARIA, "m_items"));
            });
  }

  private static Map<Long, Long> iceberg(Catalog catalog, String namespace, String table) {
    Map<Long, Long> rows = new TreeMap<>();
    IcebergRows.rows(catalog, namespace, table, "id")
        .forEach(
            (id, row) -> rows.put(((Number) id).longValue(), ((Number) row.get("v")).longValue()));
    return rows;
  }

  private static Map<Long, Long> source(TestDatabaseServer server, String database, String table)
      throws Exception {
    Map<Long, Long> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, v FROM " + table)) {
      while (result.next()) {
        rows.put(result.getLong(1), result.getLong(2));
      }
    }
    return rows;
  }
}
