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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start modes that stream without loading the tables, against the real servers: MariaDB from
 * the oldest binlog kept, from a binlog file and position, after a GTID position and from a time;
 * PostgreSQL from an existing replication slot's confirmed position or a WAL position after it.
 * Each pipeline starts without a checkpoint; the Iceberg table then holds exactly the rows the
 * changes from that point made.
 */
class StartupModesIT {

  @TempDir Path work;

  @Test
  void mariaDbStreamsFromTheOldestBinlogKept() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "start_earliest";
    server.createDatabase(database);
    // A binlog of its own, the oldest one kept: the test server's earlier binlogs go (MariaDB
    // purges a binlog once its crash-recovery checkpoint moved on, a moment after the rotation).
    server.execute(database, "FLUSH BINARY LOGS");
    String current = binlogPosition(server, database)[0];
    await("the older binlogs purged")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              server.execute(database, "PURGE BINARY LOGS TO '" + current + "'");
              return single(server, database, "SHOW BINARY LOGS").equals(current);
            });
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))",
        "INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')",
        "UPDATE items SET name = 'TWO' WHERE id = 2",
        "DELETE FROM items WHERE id = 3");

    Map<Object, String> rows =
        run(
            server,
            database,
            5941,
            List.of("scan.startup.mode: earliest-offset"),
            Map.of(1, "one", 2, "TWO"));
    assertThat(rows).isEqualTo(Map.of(1, "one", 2, "TWO"));
  }

  @Test
  void mariaDbStreamsFromABinlogFileAndPosition() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "start_position";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))",
        "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    String[] position = binlogPosition(server, database);
    server.execute(
        database,
        "INSERT INTO items VALUES (3, 'three')",
        "UPDATE items SET name = 'ONE' WHERE id = 1");

    // Rows 1 and 2 were written before the position: only row 1's update and row 3 follow it.
    run(
        server,
        database,
        5942,
        List.of(
            "scan.startup.mode: specific-offset",
            "scan.startup.specific-offset.file: " + position[0],
            "scan.startup.specific-offset.pos: " + position[1]),
        Map.of(1, "ONE", 3, "three"));
  }

  @Test
  void mariaDbStreamsAfterAGtidPosition() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "start_gtid";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))",
        "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    String gtids = single(server, database, "SELECT @@gtid_binlog_pos");
    server.execute(
        database,
        "INSERT INTO items VALUES (4, 'four')",
        "DELETE FROM items WHERE id = 2",
        "INSERT INTO items VALUES (2, 'two again')");

    run(
        server,
        database,
        5943,
        List.of(
            "scan.startup.mode: specific-offset",
            "scan.startup.specific-offset.gtid-set: " + gtids),
        Map.of(2, "two again", 4, "four"));
  }

  @Test
  void mariaDbStreamsFromTheFirstTransactionAtATime() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "start_timestamp";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))",
        "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    // Binlog times have second precision: the time lies in a later second than those rows.
    long written = System.currentTimeMillis();
    await("the next second")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> System.currentTimeMillis() / 1000 > written / 1000);
    long time = System.currentTimeMillis();
    server.execute(
        database,
        "INSERT INTO items VALUES (3, 'three')",
        "UPDATE items SET name = 'ONE' WHERE id = 1");

    run(
        server,
        database,
        5944,
        List.of("scan.startup.mode: timestamp", "scan.startup.timestamp-millis: " + time),
        Map.of(1, "ONE", 3, "three"));
  }

  @Test
  void postgresStreamsFromTheSlotsConfirmedPosition() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "start_committed";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT)",
        "INSERT INTO items VALUES (1, 'one'), (2, 'two')",
        // A slot kept with its publication, as an earlier pipeline (or a DBA) leaves them.
        "CREATE PUBLICATION slot_start_committed FOR TABLE items",
        "SELECT pg_create_logical_replication_slot('slot_start_committed', 'pgoutput')",
        "INSERT INTO items VALUES (3, 'three')",
        "UPDATE items SET name = 'ONE' WHERE id = 1");

    Path warehouse = work.resolve("warehouse-" + database);
    Path file =
        PipelineFiles.write(
            work,
            server,
            database,
            List.of(
                "tables: " + database + ".public.items",
                "slot.name: slot_start_committed",
                "scan.startup.mode: committed-offset"),
            warehouse,
            "300ms");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(cdcSync, warehouse, "public", Map.of(1, "ONE", 3, "three"));
      server.execute(database, "INSERT INTO items VALUES (5, 'five')");
      awaitRows(cdcSync, warehouse, "public", Map.of(1, "ONE", 3, "three", 5, "five"));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.describe())
          .contains("from replication slot slot_start_committed at its confirmed position");
    }

    // Without the slot, the start is refused by its checks, naming it.
    server.execute(database, "SELECT pg_drop_replication_slot('slot_start_committed')");
    Path again =
        PipelineFiles.write(
            work,
            server,
            database + "_again",
            List.of(
                "tables: " + database + ".public.items",
                "slot.name: slot_start_committed",
                "scan.startup.mode: committed-offset"),
            work.resolve("warehouse-again"),
            "300ms");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", again.toString())) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isNotZero();
      assertThat(cdcSync.describe())
          .contains(
              "there is no slot slot_start_committed, and scan.startup.mode committed-offset"
                  + " streams from an existing one");
    }
    // validate says so before a start.
    try (CdcSyncProcess validate =
        CdcSyncProcess.start(work, Map.of(), "validate", again.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isNotEqualTo(ExitCodes.OK);
      assertThat(validate.output() + validate.errors())
          .as(validate.describe())
          .contains(
              "there is no slot slot_start_committed, and scan.startup.mode committed-offset"
                  + " streams from an existing one");
    }
  }

  @Test
  void postgresStreamsTheTransactionsCommittedAfterAWalPosition() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "start_lsn";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT)",
        "INSERT INTO items VALUES (1, 'one'), (2, 'two')",
        "CREATE PUBLICATION slot_start_lsn FOR TABLE items",
        "SELECT pg_create_logical_replication_slot('slot_start_lsn', 'pgoutput')",
        // In the slot, but before the position: not streamed.
        "INSERT INTO items VALUES (3, 'three')");
    String lsn = single(server, database, "SELECT pg_current_wal_insert_lsn()");
    server.execute(
        database,
        "UPDATE items SET name = 'ONE' WHERE id = 1",
        "INSERT INTO items VALUES (4, 'four')");

    Path warehouse = work.resolve("warehouse-" + database);
    List<String> source =
        List.of(
            "tables: " + database + ".public.items",
            "slot.name: slot_start_lsn",
            "scan.startup.mode: specific-offset",
            "scan.startup.specific-offset.lsn: " + lsn);
    Path file = PipelineFiles.write(work, server, database, source, warehouse, "300ms");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(cdcSync, warehouse, "public", Map.of(1, "ONE", 4, "four"));
      server.execute(database, "INSERT INTO items VALUES (5, 'five')");
      awaitRows(cdcSync, warehouse, "public", Map.of(1, "ONE", 4, "four", 5, "five"));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.describe())
          .contains(
              "committed after WAL position " + lsn + " from replication slot slot_start_lsn");
    }

    // The slot has confirmed past that position since: a new pipeline from it is refused.
    Path again =
        PipelineFiles.write(
            work, server, database + "_again", source, work.resolve("warehouse-again"), "300ms");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", again.toString())) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isNotZero();
      assertThat(cdcSync.describe())
          .contains("Cannot start from WAL position " + lsn + " of PostgreSQL at")
          .contains("replication slot slot_start_lsn has confirmed ");
    }
  }

  /**
   * Runs a MariaDB pipeline of {@code database}'s items from its start mode until Iceberg holds
   * {@code expected} (id to name), then streams one more change and stops it.
   */
  private Map<Object, String> run(
      TestDatabaseServer server,
      String database,
      int serverId,
      List<String> startOptions,
      Map<Object, String> expected)
      throws Exception {
    Path warehouse = work.resolve("warehouse-" + database);
    List<String> source = new ArrayList<>(PipelineFiles.binlogTables(database, serverId));
    source.addAll(startOptions);
    Path file = PipelineFiles.write(work, server, database, source, warehouse, "300ms");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(cdcSync, warehouse, database, expected);
      server.execute(database, "INSERT INTO items VALUES (100, 'later')");
      Map<Object, String> later = new TreeMap<>(expected);
      later.put(100, "later");
      awaitRows(cdcSync, warehouse, database, later);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.describe()).contains("without loading the tables' rows");
    }
    return expected;
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync, Path warehouse, String namespace, Map<Object, String> expected) {
    await("the rows in Iceberg")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              Map<Object, String> names = new TreeMap<>();
              IcebergRows.rows(warehouse, namespace, "items", "id")
                  .forEach((id, row) -> names.put(id, String.valueOf(row.get("name"))));
              assertThat(names).as(cdcSync.describe()).isEqualTo(new TreeMap<>(expected));
            });
  }

  /** SHOW MASTER STATUS: the current binlog file and position. */
  private static String[] binlogPosition(TestDatabaseServer server, String database)
      throws Exception {
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW MASTER STATUS")) {
      assertThat(result.next()).isTrue();
      return new String[] {result.getString(1), result.getString(2)};
    }
  }

  private static String single(TestDatabaseServer server, String database, String query)
      throws Exception {
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      assertThat(result.next()).isTrue();
      return result.getString(1);
    }
  }
}
