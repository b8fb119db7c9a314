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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills during schema evolution: columns are added and widened while rows change and the
 * pipeline is killed again and again; at the end the Iceberg table equals the source, new
 * columns and their values included.
 *
 * <p>On PostgreSQL, changes logged before a type change and read again after a kill once came out
 * as garbage (see {@code PostgresReplayAcrossDdlIT}); this test guards the whole path.
 */
class SchemaEvolutionCrashIT {

  @TempDir Path work;

  @Test
  void mariadbTableEqualsTheSourceAfterKillsAroundSchemaChanges() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    run(
        server,
        "evolve_crash_maria",
        PipelineFiles.binlogTables("evolve_crash_maria", 5451),
        "evolve_crash_maria",
        "ALTER TABLE items MODIFY v BIGINT");
  }

  @Test
  void postgresTableEqualsTheSourceAfterKillsAroundSchemaChanges() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    run(
        server,
        "evolve_crash_pg",
        PipelineFiles.postgresTables("evolve_crash_pg"),
        "public",
        "ALTER TABLE items ALTER COLUMN v TYPE BIGINT");
  }

  private void run(
      TestDatabaseServer server,
      String database,
      List<String> sourceLines,
      String namespace,
      String widen)
      throws Exception {
    server.createDatabase(database);
    server.execute(database, "CREATE TABLE items (id INT PRIMARY KEY, v INT)");
    StringBuilder preload = new StringBuilder("INSERT INTO items VALUES (0, 0)");
    for (int i = 1; i < 2_000; i++) {
      preload.append(", (").append(i).append(", ").append(i).append(')');
    }
    server.execute(database, preload.toString());
    Path warehouse = work.resolve("warehouse");
    Path file = PipelineFiles.write(work, server, database, sourceLines, warehouse, "300ms");

    AtomicBoolean running = new AtomicBoolean(true);
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread workload =
        new Thread(
            () -> {
              Random random = new Random(3);
              try (Connection connection = server.connect(database);
                  Statement statement = connection.createStatement()) {
                for (int tx = 0; running.get(); tx++) {
                  if (tx == 40) {
                    statement.execute("ALTER TABLE items ADD COLUMN w INT");
                  } else if (tx == 120) {
                    statement.execute(widen);
                  } else {
                    int id = random.nextInt(2_500);
                    String w = tx > 40 ? ", w = " + tx : "";
                    if (statement.executeUpdate(
                            "UPDATE items SET v = v + 1" + w + " WHERE id = " + id)
                        == 0) {
                      statement.execute(
                          "INSERT INTO items (id, v) VALUES (" + id + ", " + tx + ")");
                    }
                  }
                  Thread.sleep(20);
                }
              } catch (Exception e) {
                failure.set(e);
              }
            },
            "schema-workload");
    Random random = new Random(11);
    try (CdcSyncProcess first =
        CdcSyncProcess.start(work, Map.of(), "run", file.toString(), "--progress-interval", "0")) {
      await("the snapshot is committed")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(first.isAlive()).as(first::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, namespace, "items", "id").size() >= 2_000);
      workload.start();
      Thread.sleep(500 + random.nextInt(1_000));
      first.kill();
    }
    try {
      for (int kill = 2; kill <= 6; kill++) {
        try (CdcSyncProcess cdcSync =
            CdcSyncProcess.start(
                work, Map.of(), "run", file.toString(), "--progress-interval", "0")) {
          Thread.sleep(1_500 + random.nextInt(2_000));
          assertThat(cdcSync.isAlive())
              .as("cdc-sync before kill %d%n%s", kill, cdcSync.describe())
              .isTrue();
          cdcSync.kill();
        }
      }
    } finally {
      running.set(false);
      workload.join();
    }
    assertThat(failure.get()).isNull();

    Map<Object, Map<String, Object>> expected = sourceRows(server, database);
    assertThat(expected.get(0)).containsOnlyKeys("id", "v", "w");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", file.toString(), "--progress-interval", "0")) {
      await("items equal the source")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () ->
                  assertThat(IcebergRows.rows(warehouse, namespace, "items", "id"))
                      .as(cdcSync::describe)
                      .isEqualTo(expected));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private static Map<Object, Map<String, Object>> sourceRows(
      TestDatabaseServer server, String database) throws Exception {
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, v, w FROM items")) {
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", result.getInt(1));
        row.put("v", result.getLong(2));
        int w = result.getInt(3);
        row.put("w", result.wasNull() ? null : w);
        rows.put(result.getInt(1), row);
      }
    }
    return rows;
  }
}
