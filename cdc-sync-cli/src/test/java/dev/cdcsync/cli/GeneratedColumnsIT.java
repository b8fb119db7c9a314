package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated columns, the same after the snapshot and after streaming: MySQL and MariaDB log their
 * values, so they arrive; PostgreSQL (before 18) publishes none, so they are left out, never a
 * column that is there for snapshot rows and null (or dropped) once changes stream.
 */
class GeneratedColumnsIT {

  @TempDir Path work;

  @Test
  void postgresStoredGeneratedColumnsAreLeftOutOfSnapshotAndStreamAlike() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "generated_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, price INT, doubled INT GENERATED ALWAYS AS (price * 2) STORED)",
        "INSERT INTO items (id, price) VALUES (1, 10)");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.write(
            work,
            server,
            "generated_pg",
            PipelineFiles.postgresTables(database),
            warehouse,
            "1s",
            List.of("schema.change.behavior: evolve"));
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitPrices(cdcSync, warehouse, Map.of(1, 10));
      server.execute(
          database,
          "INSERT INTO items (id, price) VALUES (2, 7)",
          "UPDATE items SET price = 11 WHERE id = 1");
      awaitPrices(cdcSync, warehouse, Map.of(1, 11, 2, 7));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output()).contains("generated column(s) doubled are left out");
    }
    assertThat(IcebergRows.table(warehouse, "public", "items").schema().columns())
        .extracting(column -> column.name())
        .containsExactly("id", "price");
  }

  private static void awaitPrices(
      CdcSyncProcess cdcSync, Path warehouse, Map<Integer, Integer> prices) {
    await("items holds the prices")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              Map<Object, Map<String, Object>> rows =
                  IcebergRows.rows(warehouse, "public", "items", "id");
              assertThat(rows.keySet()).as(cdcSync.describe()).isEqualTo(prices.keySet());
              prices.forEach(
                  (id, price) ->
                      assertThat(rows.get(id)).isEqualTo(Map.of("id", id, "price", price)));
            });
  }

  @Test
  void mariaDbVirtualAndStoredGeneratedColumnsArriveFromSnapshotAndStream() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "generated_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, price INT, doubled INT AS (price * 2) STORED,"
            + " tripled INT AS (price * 3) VIRTUAL)",
        "INSERT INTO items (id, price) VALUES (1, 10)");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.write(
            work,
            server,
            "generated_maria",
            List.of("tables: " + database + ".items", "server-id: 5611"),
            warehouse,
            "1s",
            List.of("schema.change.behavior: evolve"));
    runAndCompare(server, database, pipeline, warehouse, database);
  }

  private void runAndCompare(
      TestDatabaseServer server, String database, Path pipeline, Path warehouse, String namespace)
      throws Exception {
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitRows(cdcSync, warehouse, namespace, Map.of(1, 20));
      server.execute(
          database,
          "INSERT INTO items (id, price) VALUES (2, 7)",
          "UPDATE items SET price = 11 WHERE id = 1");
      awaitRows(cdcSync, warehouse, namespace, Map.of(1, 22, 2, 14));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync, Path warehouse, String namespace, Map<Integer, Integer> doubled) {
    await("items holds the generated values")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              Map<Object, Map<String, Object>> rows =
                  IcebergRows.rows(warehouse, namespace, "items", "id");
              assertThat(rows.keySet()).as(cdcSync.describe()).isEqualTo(doubled.keySet());
              doubled.forEach(
                  (id, value) ->
                      assertThat(rows.get(id).get("doubled"))
                          .as("row %s: %s", id, rows.get(id))
                          .isEqualTo(value));
            });
  }
}
