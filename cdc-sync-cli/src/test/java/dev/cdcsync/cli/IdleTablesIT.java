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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Captured tables that stay quiet while the database is busy elsewhere: the pipeline's position
 * must still move on, so that PostgreSQL can release its WAL and a restart does not start from a
 * binlog position the server may have purged.
 */
class IdleTablesIT {

  @TempDir Path work;

  @Test
  void aPostgresSlotFollowsTheWalWhileTheCapturedTablesAreQuiet() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "idle_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cdc_idle') THEN"
            + " CREATE ROLE cdc_idle WITH LOGIN REPLICATION PASSWORD 'idle-pw'; END IF; END $$",
        "GRANT CREATE ON DATABASE " + database + " TO cdc_idle",
        "CREATE TABLE quiet (id INT PRIMARY KEY)",
        "ALTER TABLE quiet OWNER TO cdc_idle",
        "CREATE TABLE busy (id INT, filler TEXT)",
        "INSERT INTO quiet VALUES (1)");
    Path warehouse = work.resolve("warehouse");
    // As a user with only the rights the README asks for: the heartbeat's WAL message needs no
    // more.
    Path pipeline =
        PipelineFiles.write(
            work.resolve("idle_pg.yaml"),
            server,
            "cdc_idle",
            "idle-pw",
            "idle_pg",
            List.of("tables: " + database + ".public.quiet", "slot.name: slot_idle_pg"),
            warehouse,
            "1s",
            List.of());

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitQuietRow(cdcSync, warehouse, "public", 1);
      for (int i = 0; i < 20; i++) {
        server.execute(
            database,
            "INSERT INTO busy SELECT g, repeat('x', 500) FROM generate_series(1, 5000) AS g");
      }
      long written = slotLag(server, database);
      assertThat(written)
          .as("WAL written to the busy table beyond the slot")
          .isGreaterThan(20_000_000L);
      await("the slot follows the WAL")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () ->
                  assertThat(slotLag(server, database))
                      .as(cdcSync.describe())
                      .isLessThan(1_000_000L));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    // Resuming from a position the heartbeats moved on: nothing after it is skipped.
    server.execute(database, "INSERT INTO quiet VALUES (2)");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitQuietRow(cdcSync, warehouse, "public", 2);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void aBinlogPositionFollowsTheServerWhileTheCapturedTablesAreQuiet() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "idle_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE quiet (id INT PRIMARY KEY)",
        "CREATE TABLE busy (id INT, filler TEXT)",
        "INSERT INTO quiet VALUES (1)");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.write(
            work,
            server,
            "idle_maria",
            List.of("tables: " + database + ".quiet", "server-id: 5601"),
            warehouse,
            "1s");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitQuietRow(cdcSync, warehouse, database, 1);
      for (int i = 0; i < 20; i++) {
        server.execute(database, "INSERT INTO busy VALUES (" + i + ", REPEAT('x', 500))");
      }
      String[] serverPosition = binlogPosition(server, database);
      // The position a restart would begin from: the last checkpoint's.
      await("the checkpointed position reaches the server's")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () -> {
                String status = status(pipeline);
                Matcher file =
                    Pattern.compile("\\\\?\"file\\\\?\":\\\\?\"([^\"\\\\]+)").matcher(status);
                Matcher pos = Pattern.compile("\\\\?\"pos\\\\?\":(\\d+)").matcher(status);
                assertThat(file.find() && pos.find()).as(status).isTrue();
                assertThat(file.group(1)).as(status).isEqualTo(serverPosition[0]);
                assertThat(Long.parseLong(pos.group(1)))
                    .as(status)
                    .isGreaterThanOrEqualTo(Long.parseLong(serverPosition[1]) - 1_000);
              });
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    server.execute(database, "INSERT INTO quiet VALUES (2)");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitQuietRow(cdcSync, warehouse, database, 2);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private void awaitQuietRow(CdcSyncProcess cdcSync, Path warehouse, String namespace, int rows) {
    await("quiet's rows are committed")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> assertThat(IcebergRows.rows(warehouse, namespace, "quiet", "id")).hasSize(rows));
  }

  private String status(Path pipeline) throws Exception {
    try (CdcSyncProcess status =
        CdcSyncProcess.start(work, Map.of(), "status", pipeline.toString())) {
      assertThat(status.waitFor(60)).as(status.describe()).isEqualTo(ExitCodes.OK);
      return status.output();
    }
  }

  private static long slotLag(TestDatabaseServer server, String database) throws Exception {
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots"
                    + " WHERE slot_name = 'slot_idle_pg'")) {
      assertThat(result.next()).as("slot slot_idle_pg exists").isTrue();
      return result.getLong(1);
    }
  }

  private static String[] binlogPosition(TestDatabaseServer server, String database)
      throws Exception {
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW MASTER STATUS")) {
      assertThat(result.next()).isTrue();
      return new String[] {result.getString(1), Long.toString(result.getLong(2))};
    }
  }
}
