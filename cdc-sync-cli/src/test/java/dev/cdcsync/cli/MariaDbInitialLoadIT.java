package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cdc-sync's chunked initial load of a MariaDB source: killed with -9 while it loads and while
 * writes change the tables, it resumes with the chunks not committed yet (under new snapshots),
 * the stream from the load's start leaves out the changes the loaded rows already show, and every
 * table ends equal to its source, each change once. Tables split by a BIGINT key,
 * by a BIGINT UNSIGNED key beyond a long's range, by the DECIMAL first column of a composite key
 * (values repeating more often than a chunk holds rows), by a BINARY(16) and by a VARBINARY key;
 * one of 2 MB rows, one without a key (read whole), an empty one.
 *
 * <p>Append mode only: its change log, replayed, must equal the source and fails on any change
 * applied twice or lost, which is what the stream's hand-over decides; upsert tables take the same
 * events (the sink's side of a resumed load is covered by {@code PostgresInitialLoadIT}). And
 * {@code scan.startup.mode: snapshot}, into an upsert table.
 */
class MariaDbInitialLoadIT {

  private static final int ROWS = 25_000;

  /** Above a long's range: keys of table big are BIG_BASE + a small number. */
  private static final String BIG_BASE_TEXT = "18446744073709000000";

  private static final long BIG_BASE = Long.parseUnsignedLong(BIG_BASE_TEXT);

  @TempDir Path work;

  @Test
  void aKilledLoadResumesWithTheChunksNotCommittedAndEndsEqualToTheSource() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "load_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(64), balance BIGINT)",
        "INSERT INTO accounts SELECT seq, CONCAT('owner ', seq), 100 FROM seq_1_to_" + ROWS,
        "CREATE TABLE nothing (id INT PRIMARY KEY)",
        // Keys a long cannot hold.
        "CREATE TABLE big (id BIGINT UNSIGNED PRIMARY KEY, n BIGINT)",
        "INSERT INTO big SELECT " + BIG_BASE_TEXT + " + seq, seq FROM seq_1_to_5000",
        // A composite key whose DECIMAL first column repeats more often than a chunk holds rows.
        "CREATE TABLE prices (price DECIMAL(10, 2), id INT, qty BIGINT, PRIMARY KEY (price, id))",
        "INSERT INTO prices SELECT seq % 3, seq, 0 FROM seq_1_to_4500",
        // Binary keys, fixed (one ending in zero bytes) and varying in length (one the start of
        // another).
        "CREATE TABLE digests (id BINARY(16) PRIMARY KEY, n BIGINT UNIQUE NOT NULL, qty BIGINT)",
        "INSERT INTO digests SELECT UNHEX(MD5(seq)), seq, 0 FROM seq_1_to_3000",
        "INSERT INTO digests VALUES (x'01', -1, 0)",
        "CREATE TABLE tags (id VARBINARY(32) PRIMARY KEY, n BIGINT UNIQUE NOT NULL, qty BIGINT)",
        "INSERT INTO tags SELECT SUBSTRING(UNHEX(SHA2(seq, 256)), 1, 8 + seq % 9), seq, 0"
            + " FROM seq_1_to_3000",
        "INSERT INTO tags VALUES (x'AB', -1, 0), (x'AB00', -2, 0)",
        // Rows of 2 MB each.
        "CREATE TABLE blobs (id INT PRIMARY KEY, body LONGTEXT)",
        "INSERT INTO blobs SELECT seq, REPEAT(MD5(seq), 65536) FROM seq_1_to_12",
        // No key: read whole.
        "CREATE TABLE events (kind VARCHAR(10), n BIGINT)",
        "INSERT INTO events SELECT 'old', seq FROM seq_1_to_3000");
    Path warehouse = work.resolve("warehouse");
    List<String> source = new ArrayList<>(PipelineFiles.binlogTables(database, 5431));
    source.addAll(
        List.of("scan.incremental.snapshot.chunk.size: 1000", "scan.snapshot.readers: 2"));
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            source,
            concat(PipelineFiles.hadoopSink(warehouse), List.of("write.mode: append")),
            "200ms",
            List.of());

    Writes writes = new Writes(server, database, MariaDbInitialLoadIT::loadTestRound, 2);
    Thread writer = new Thread(writes, "writes");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      writer.start();
      await("the first chunks are committed")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> committedRows(warehouse, database, "accounts") > 0);
      cdcSync.kill();
    }
    assertThat(committedRows(warehouse, database, "accounts"))
        .as("killed in the middle of the load")
        .isLessThan(ROWS);
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      await("the second start goes on with the load")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> cdcSync.output().contains("resuming: only the chunks not committed yet"));
      Thread.sleep(new Random().nextInt(1_500));
      cdcSync.kill();
    }
    writes.stop();
    writer.join();
    assertThat(writes.failure.get()).isNull();

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      for (String table :
          List.of("accounts", "nothing", "big", "prices", "blobs", "digests", "tags")) {
        awaitEqual(cdcSync, server, warehouse, database, table);
      }
      // Only inserts reach it: its change log holds each source row once.
      awaitEachRowOnce(server, warehouse, database, "events");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /**
   * {@code scan.startup.mode: snapshot}: the tables are loaded and committed and the process exits
   * 0, with a user that may only read them; a second run has nothing left to do. A later start in
   * mode {@code initial} streams from where the load began: the changes made since arrive once.
   */
  @Test
  void snapshotModeLoadsCommitsAndExitsAndAStreamingStartGoesOnFromTheLoad() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "load_maria_once";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(64), balance BIGINT)",
        "INSERT INTO accounts SELECT seq, CONCAT('owner ', seq), 100 FROM seq_1_to_5000",
        // A user that may read the tables and nothing else: no replication rights.
        "DROP USER IF EXISTS only_reads",
        "CREATE USER only_reads IDENTIFIED BY 'reads'",
        "GRANT SELECT ON " + database + ".* TO only_reads");
    Path warehouse = work.resolve("warehouse");
    List<String> source = new ArrayList<>(PipelineFiles.binlogTables(database, 5432));
    source.addAll(
        List.of("scan.startup.mode: snapshot", "scan.incremental.snapshot.chunk.size: 700"));
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            "only_reads",
            "reads",
            database,
            source,
            PipelineFiles.hadoopSink(warehouse),
            "1s",
            List.of());
    for (int run = 1; run <= 2; run++) {
      try (CdcSyncProcess cdcSync =
          CdcSyncProcess.start(
              work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
        assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      }
      assertThat(texts(IcebergRows.list(warehouse, database, "accounts"), "id"))
          .isEqualTo(sourceRows(server, database, "accounts", "id"));
    }
    server.execute(
        database,
        "UPDATE accounts SET balance = balance + 1 WHERE id <= 100",
        "DELETE FROM accounts WHERE id > 4900",
        "INSERT INTO accounts VALUES (6000, 'new', 1)");
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            .replace("scan.startup.mode: snapshot", "scan.startup.mode: initial")
            .replace("username: only_reads", "username: " + server.username())
            .replace("password: reads", "password: " + server.password()));
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      Map<String, Map<String, String>> expected = sourceRows(server, database, "accounts", "id");
      await("accounts equals the source")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () ->
                  assertThat(texts(IcebergRows.list(warehouse, database, "accounts"), "id"))
                      .isEqualTo(expected));
      assertThat(cdcSync.output()).contains("where its load began");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /**
   * Tables that join the capture, option {@code tables} widened between two runs: their rows from
   * before are loaded under snapshots taken then while the stream waits at its stored position,
   * and every change made while cdc-sync was stopped or loading arrives once, in the joined tables
   * and in the one captured before, also after a kill -9 in the middle of the joined tables' load.
   */
  @Test
  void tablesJoiningTheCaptureAreLoadedAndEveryChangeArrivesOnce() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "join_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(64), balance BIGINT)",
        "INSERT INTO accounts SELECT seq, CONCAT('owner ', seq), 100 FROM seq_1_to_3000",
        "CREATE TABLE later (id INT PRIMARY KEY, owner VARCHAR(64), balance BIGINT)",
        "INSERT INTO later SELECT seq, CONCAT('owner ', seq), 100 FROM seq_1_to_6000",
        "CREATE TABLE notes (kind VARCHAR(10), n BIGINT)",
        "INSERT INTO notes SELECT 'old', seq FROM seq_1_to_500");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            List.of(
                "tables: " + database + ".accounts",
                "server-id: 5433",
                "scan.incremental.snapshot.chunk.size: 1000",
                "scan.snapshot.readers: 2"),
            concat(PipelineFiles.hadoopSink(warehouse), List.of("write.mode: append")),
            "200ms",
            List.of());
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      awaitEqual(cdcSync, server, warehouse, database, "accounts");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }

    Writes writes =
        new Writes(
            server,
            database,
            (next, random) ->
                List.of(
                    "UPDATE accounts SET balance = balance + 1 WHERE id = "
                        + (1 + random.nextInt(3000)),
                    "DELETE FROM accounts WHERE id = " + (1 + random.nextInt(3000)),
                    "INSERT INTO accounts VALUES (" + next + ", 'new', 1)",
                    "UPDATE later SET balance = balance + 1 WHERE id = "
                        + (1 + random.nextInt(6000)),
                    "DELETE FROM later WHERE id = " + (1 + random.nextInt(6000)),
                    "INSERT INTO later VALUES (" + next + ", 'new', 1)",
                    "INSERT INTO notes VALUES ('new', " + next + ")"),
            10);
    Thread writer = new Thread(writes, "writes");
    writer.start();
    // Changes while cdc-sync is stopped, then option tables takes in the other tables.
    await("writes while cdc-sync is stopped")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> writes.rounds.get() >= 20 || writes.failure.get() != null);
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            .replace("tables: " + database + ".accounts", "tables: " + database + ".\\.*"));
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      await("the first chunks of the joined tables are committed")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(
              () ->
                  IcebergRows.exists(warehouse, database, "later")
                      && IcebergRows.table(warehouse, database, "later").currentSnapshot() != null);
      assertThat(cdcSync.output())
          .contains("joined the capture (option 'tables') since the last run");
      cdcSync.kill();
    }
    writes.stop();
    writer.join();
    assertThat(writes.failure.get()).isNull();

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      for (String table : List.of("accounts", "later")) {
        awaitEqual(cdcSync, server, warehouse, database, table);
      }
      awaitEachRowOnce(server, warehouse, database, "notes");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /**
   * A table renamed into option {@code tables} while the pipeline runs is loaded (its rows are in
   * no binlog event the pipeline reads) while its changes go on; killed in the middle of that
   * load, the next run goes on with the chunks not committed. Its change log holds each change
   * once.
   */
  @Test
  void aTableRenamedIntoTheCaptureWhileRunningIsLoadedAndEveryChangeArrivesOnce() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "rename_maria";
    int rows = 90_000;
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(64), balance BIGINT)",
        "INSERT INTO accounts SELECT seq, CONCAT('owner ', seq), 100 FROM seq_1_to_300",
        "CREATE TABLE staging (id BIGINT PRIMARY KEY, owner VARCHAR(64), balance BIGINT)",
        "INSERT INTO staging SELECT seq, CONCAT('owner ', seq), 100 FROM seq_1_to_" + rows);
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            List.of(
                "tables: " + database + ".accounts," + database + ".orders",
                "server-id: 5437",
                "scan.incremental.snapshot.chunk.size: 2000",
                "scan.snapshot.readers: 1"),
            concat(PipelineFiles.hadoopSink(warehouse), List.of("write.mode: append")),
            "200ms",
            List.of());
    Writes writes =
        new Writes(
            server,
            database,
            (next, random) ->
                List.of(
                    "UPDATE orders SET balance = balance + 1 WHERE id = "
                        + (1 + random.nextInt(rows)),
                    "DELETE FROM orders WHERE id = " + (1 + random.nextInt(rows)),
                    "INSERT INTO orders VALUES (" + next + ", 'new', 1)",
                    "UPDATE accounts SET balance = balance + 1 WHERE id = "
                        + (1 + random.nextInt(300))),
            5);
    Thread writer = new Thread(writes, "writes");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      awaitEqual(cdcSync, server, warehouse, database, "accounts");
      server.execute(database, "RENAME TABLE staging TO orders");
      writer.start();
      await("orders' first chunks are committed")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> committedRows(warehouse, database, "orders") > 0);
      cdcSync.kill();
      assertThat(cdcSync.output())
          .contains("Table rename_maria.orders of")
          .contains("joined option 'tables' by a rename (from rename_maria.staging)")
          .doesNotContain("Loaded table(s) [rename_maria.orders]");
    }
    assertThat(committedRows(warehouse, database, "orders")).as("killed mid-load").isLessThan(rows);

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      await("the load of orders ends")
          .atMost(Duration.ofSeconds(120))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> cdcSync.output().contains("Loaded every table of"));
      writes.stop();
      writer.join();
      assertThat(writes.failure.get()).isNull();
      assertThat(writes.rounds.get()).isPositive();
      assertThat(cdcSync.output()).contains("resuming: only the chunks not committed yet");
      awaitEqual(cdcSync, server, warehouse, database, "orders");
      awaitEqual(cdcSync, server, warehouse, database, "accounts");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /**
   * A table of a database not captured before joins (the schema history holds every database's
   * tables), leaves the capture again, loses a row meanwhile, and comes back: its load replaces
   * the rows Iceberg kept. Then it is loaded again on request ({@code cdc-sync snapshot}).
   */
  @Test
  void aTableOfAnotherDatabaseJoinsAndATableTakenInAgainIsReplaced() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "rejoin_maria";
    String other = "rejoin_maria_other";
    server.createDatabase(database);
    server.createDatabase(other);
    server.execute(database, "CREATE TABLE a (id INT PRIMARY KEY, owner VARCHAR(64))");
    server.execute(
        other,
        "CREATE TABLE t (id INT PRIMARY KEY, owner VARCHAR(64))",
        "INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    Path warehouse = work.resolve("warehouse");
    String alone = "tables: " + database + ".a";
    String both = "tables: " + database + ".a, " + other + ".t";
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            List.of(alone, "server-id: 5435", "scan.incremental.snapshot.chunk.size: 4000"),
            PipelineFiles.hadoopSink(warehouse),
            "200ms",
            List.of());
    // Nothing to load again before the first run, which loads every table.
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "snapshot", pipeline.toString(), "--table", database + ".a")) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors()).contains("this pipeline has no initial load stored");
    }
    int marker = 0;
    for (String tables : List.of(alone, both, alone, both)) {
      Files.writeString(pipeline, Files.readString(pipeline).replaceAll("tables: .*", tables));
      try (CdcSyncProcess cdcSync =
          CdcSyncProcess.start(
              work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
        // A committed change stores what option tables selects now.
        server.execute(database, "INSERT INTO a VALUES (" + ++marker + ", 'marker')");
        awaitSame(cdcSync, server, warehouse, database, "a");
        if (tables.equals(both)) {
          awaitSame(cdcSync, server, warehouse, other, "t");
          server.execute(other, "UPDATE t SET owner = 'changed' WHERE id = 2");
          awaitSame(cdcSync, server, warehouse, other, "t");
        }
        if (marker == 4) {
          assertThat(cdcSync.output()).contains("replaced the rows it held");
        }
        assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      }
      if (marker == 3) {
        server.execute(other, "DELETE FROM t WHERE id = 1", "INSERT INTO t VALUES (3, 'three')");
      }
    }

    // Loaded again on request, killed in the middle and run again: rows lost in Iceberg (all of
    // them, by hand) come back, and the changes made before, during and after it arrive once the
    // pipeline runs again (the stream leaves out those the loaded rows show).
    IcebergRows.table(warehouse, other, "t")
        .newDelete()
        .deleteFromRowFilter(Expressions.alwaysTrue())
        .commit();
    server.execute(
        other,
        "UPDATE t SET owner = 'before' WHERE id = 2",
        "INSERT INTO t SELECT seq, CONCAT('new ', seq) FROM seq_4_to_12000");
    server.execute(database, "INSERT INTO a VALUES (100, 'before')");
    for (int attempt = 1; attempt <= 2; attempt++) {
      try (CdcSyncProcess cdcSync =
          CdcSyncProcess.start(
              work,
              Map.of(),
              "snapshot",
              pipeline.toString(),
              "--table",
              other + ".t",
              "--progress-interval",
              "0")) {
        if (attempt == 1) {
          await("the first chunk loaded again is committed")
              .atMost(Duration.ofSeconds(60))
              .pollInterval(Duration.ofMillis(20))
              .until(() -> cdcSync.output().contains("replaced the rows it held"));
          cdcSync.kill();
        } else {
          assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
          assertThat(cdcSync.output()).contains("resuming: only the chunks not committed yet");
        }
      }
    }
    assertThat(texts(IcebergRows.list(warehouse, other, "t"), "id"))
        .isEqualTo(sourceRows(server, other, "t", "id"));
    server.execute(
        other, "UPDATE t SET owner = 'after' WHERE id = 3", "DELETE FROM t WHERE id = 4");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      awaitSame(cdcSync, server, warehouse, other, "t");
      awaitSame(cdcSync, server, warehouse, database, "a");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "snapshot", pipeline.toString(), "--table", database + ".nope")) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains("Cannot load table " + database + ".nope of")
          .contains("option 'tables' does not select it");
    }
  }

  /**
   * A schema history told to keep only the captured tables' definitions cannot read the changes a
   * table made before it joined: the start is refused, naming the table and the option.
   */
  @Test
  void aTableTheSchemaHistoryDoesNotKnowCannotJoin() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "join_maria_narrow";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE kept (id INT PRIMARY KEY)",
        "CREATE TABLE other (id INT PRIMARY KEY)",
        "INSERT INTO kept VALUES (1)",
        "INSERT INTO other VALUES (1)");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            List.of(
                "tables: " + database + ".kept",
                "server-id: 5434",
                "debezium.schema.history.internal.store.only.captured.tables.ddl: true"),
            PipelineFiles.hadoopSink(warehouse),
            "200ms",
            List.of());
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      await("kept is loaded")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> IcebergRows.list(warehouse, database, "kept").size() == 1);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            .replace("tables: " + database + ".kept", "tables: " + database + ".\\.*"));
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains("Cannot capture table(s) " + database + ".other of MariaDB at")
          .contains("schema.history.internal.store.only.captured.tables.ddl");
    }
  }

  /** Waits until the upsert table equals the source table. */
  private static void awaitSame(
      CdcSyncProcess cdcSync,
      TestDatabaseServer server,
      Path warehouse,
      String database,
      String table)
      throws Exception {
    awaitRows(cdcSync, server, warehouse, database, table, rows -> texts(rows, "id"));
  }

  /** Waits until the append table's change log, replayed, equals the source table. */
  private static void awaitEqual(
      CdcSyncProcess cdcSync,
      TestDatabaseServer server,
      Path warehouse,
      String database,
      String table)
      throws Exception {
    awaitRows(cdcSync, server, warehouse, database, table, rows -> replay(rows, "id"));
  }

  /** Waits until the table's rows, as {@code view} reads them, equal the source table's. */
  private static void awaitRows(
      CdcSyncProcess cdcSync,
      TestDatabaseServer server,
      Path warehouse,
      String database,
      String table,
      Function<List<Map<String, Object>>, Map<String, Map<String, String>>> view)
      throws Exception {
    Map<String, Map<String, String>> expected = sourceRows(server, database, table, "id");
    await(table + " equals the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () ->
                assertThat(view.apply(IcebergRows.list(warehouse, database, table)))
                    .isEqualTo(expected));
  }

  /** Waits until a keyless table that only inserts reach holds each source row (kind, n) once. */
  private static void awaitEachRowOnce(
      TestDatabaseServer server, Path warehouse, String database, String table) throws Exception {
    List<String> expected = new ArrayList<>();
    sourceRows(server, database, table, "n")
        .values()
        .forEach(row -> expected.add(row.get("kind") + " " + row.get("n")));
    await(table + " holds each row once")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        IcebergRows.list(warehouse, database, table).stream()
                            .map(row -> row.get("kind") + " " + row.get("n"))
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(expected));
  }

  /** Updates, inserts and deletes on every table of the first test but the empty one. */
  private static List<String> loadTestRound(long next, Random random) {
    long id = 1 + random.nextInt(ROWS);
    int price = random.nextInt(3);
    return List.of(
        "UPDATE accounts SET balance = balance + 1, owner = 'w" + id + "' WHERE id = " + id,
        "DELETE FROM accounts WHERE id = " + (1 + random.nextInt(ROWS)),
        "INSERT INTO accounts VALUES (" + next + ", 'new', " + next + ")",
        "UPDATE big SET n = n + 1 WHERE id = "
            + Long.toUnsignedString(BIG_BASE + 1 + random.nextInt(5000)),
        "DELETE FROM big WHERE id = " + Long.toUnsignedString(BIG_BASE + 1 + random.nextInt(5000)),
        "INSERT INTO big VALUES ("
            + Long.toUnsignedString(BIG_BASE + 10_000 + next)
            + ", "
            + next
            + ")",
        "UPDATE prices SET qty = qty + 1 WHERE price = "
            + price
            + " AND id = "
            + (1 + random.nextInt(4500)),
        "DELETE FROM prices WHERE id = " + (1 + random.nextInt(4500)),
        "INSERT INTO prices VALUES (" + price + ", " + next + ", 0)",
        "INSERT INTO events VALUES ('new', " + next + ")",
        "UPDATE digests SET qty = qty + 1 WHERE n = " + (1 + random.nextInt(3000)),
        "DELETE FROM digests WHERE n = " + (1 + random.nextInt(3000)),
        "INSERT INTO digests VALUES (UNHEX(MD5(CONCAT('new', " + next + "))), " + next + ", 0)",
        "UPDATE tags SET qty = qty + 1 WHERE n = " + (1 + random.nextInt(3000)),
        "DELETE FROM tags WHERE n = " + (1 + random.nextInt(3000)),
        "INSERT INTO tags VALUES (UNHEX(SHA2(CONCAT('new', " + next + "), 256)), " + next + ", 0)");
  }

  /** Rows by key, each value as text (the source's and Iceberg's Java types differ). */
  private static Map<String, Map<String, String>> texts(
      List<Map<String, Object>> rows, String key) {
    Map<String, Map<String, String>> texts = new TreeMap<>();
    for (Map<String, Object> row : rows) {
      Map<String, String> text = new LinkedHashMap<>();
      row.forEach((column, value) -> text.put(column, text(value)));
      texts.put(text.get(key), text);
    }
    return texts;
  }

  /** A value as text; bytes (the source's byte[], Iceberg's ByteBuffer) in hex. */
  private static String text(Object value) {
    if (value instanceof ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      value = bytes;
    }
    return value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(value);
  }

  /**
   * The rows an append table's change log leaves, replayed in commit order; fails on a change that
   * cannot follow the one before it (an insert of a live key, an update or delete of a gone one,
   * an account's balance not one more than before): a change applied twice or lost.
   */
  private static Map<String, Map<String, String>> replay(
      List<Map<String, Object>> log, String key) {
    List<Map<String, Object>> ordered = new ArrayList<>(log);
    ordered.sort(Comparator.comparing(row -> (Long) row.get("_cdc_seq")));
    List<Map<String, Object>> changes = new ArrayList<>();
    for (Map<String, Object> change : ordered) {
      Map<String, Object> row = new LinkedHashMap<>(change);
      row.remove("_cdc_seq");
      row.remove("_cdc_ts_ms");
      changes.add(row);
    }
    Map<String, Map<String, String>> live = new TreeMap<>();
    for (Map<String, Object> change : changes) {
      String operation = (String) change.remove("_cdc_op");
      Map<String, String> row = texts(List.of(change), key).values().iterator().next();
      String id = row.get(key);
      Map<String, String> before = live.get(id);
      switch (operation) {
        case "+I" -> {
          assertThat(before).as("insert of live key %s: %s", id, change).isNull();
          live.put(id, row);
        }
        case "+U" -> {
          assertThat(before).as("update of gone key %s: %s", id, change).isNotNull();
          if (row.containsKey("balance")) {
            assertThat(Long.parseLong(row.get("balance")))
                .as("balance of %s after %s", id, before)
                .isEqualTo(Long.parseLong(before.get("balance")) + 1);
          }
          live.put(id, row);
        }
        case "-D" -> {
          assertThat(before).as("delete of gone key %s: %s", id, change).isNotNull();
          live.remove(id);
        }
        default -> throw new AssertionError("Unexpected operation " + operation);
      }
    }
    return live;
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static long committedRows(Path warehouse, String database, String name) {
    if (!IcebergRows.exists(warehouse, database, name)) {
      return 0;
    }
    Table table = IcebergRows.table(warehouse, database, name);
    if (table.currentSnapshot() == null) {
      return 0;
    }
    return Long.parseLong(table.currentSnapshot().summary().getOrDefault("total-records", "0"));
  }

  private static Map<String, Map<String, String>> sourceRows(
      TestDatabaseServer server, String database, String table, String key) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          row.put(result.getMetaData().getColumnName(i), result.getObject(i));
        }
        rows.add(row);
      }
    }
    return texts(rows, key);
  }

  /** One round of writes, given a fresh number: the statements of one transaction. */
  private interface Round {
    List<String> statements(long next, Random random);
  }

  /** Rounds of writes, each in a transaction of its own, until stopped. */
  private static final class Writes implements Runnable {
    private final TestDatabaseServer server;
    private final String database;
    private final Round round;
    private final long pauseMillis;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong rounds = new AtomicLong();
    private final Random random = new Random(11);

    /** @param pauseMillis the pause after each round */
    Writes(TestDatabaseServer server, String database, Round round, long pauseMillis) {
      this.server = server;
      this.database = database;
      this.round = round;
      this.pauseMillis = pauseMillis;
    }

    void stop() {
      running.set(false);
    }

    @Override
    public void run() {
      long next = 100_000;
      try (Connection connection = server.connect(database)) {
        connection.setAutoCommit(false);
        while (running.get()) {
          try (Statement statement = connection.createStatement()) {
            for (String sql : round.statements(next++, random)) {
              statement.executeUpdate(sql);
            }
          }
          connection.commit();
          rounds.incrementAndGet();
          Thread.sleep(pauseMillis);
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }
  }
}
