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
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cdc-sync's chunked initial load (invariant 6): killed with -9 while it loads and while writes
 * change the tables, it resumes with the chunks not committed yet, and every table ends equal to
 * its source: one split in many chunks by an integer key, one by a uuid key, one by a text key
 * (collation C), one by a date key (a BC date among them), one by a timestamp key, one by a
 * timestamptz key, one by a bytea key, one by the first column of a composite key (values
 * repeating more often than a chunk holds rows), one of 2 MB rows, one without a key (read whole),
 * an empty one.
 */
class PostgresInitialLoadIT {

  private static final int ROWS = 50_000;

  /** Kept when a test fails: each start's log ({@code cdc-sync-*.out}) and the warehouse. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path work;

  @ParameterizedTest
  @ValueSource(strings = {"upsert", "append"})
  void aKilledLoadResumesWithTheChunksNotCommittedAndEndsEqualToTheSource(String mode)
      throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "load_pg_" + mode;
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT, balance BIGINT)",
        "INSERT INTO accounts SELECT i, 'owner ' || i, 100 FROM generate_series(1, " + ROWS + ") i",
        "CREATE TABLE notes (code TEXT COLLATE \"C\" PRIMARY KEY, body TEXT)",
        "INSERT INTO notes SELECT 'n' || i, repeat('x', 50) FROM generate_series(1, 2000) i",
        "CREATE TABLE nothing (id INT PRIMARY KEY)",
        "CREATE TABLE tokens (id UUID PRIMARY KEY, n BIGINT)",
        "INSERT INTO tokens SELECT md5(i::text)::uuid, i FROM generate_series(1, 5000) i",
        // A composite key whose first column repeats more often than a chunk holds rows.
        "CREATE TABLE lines (tenant INT, id INT, line_no BIGINT UNIQUE NOT NULL, qty BIGINT,"
            + " PRIMARY KEY (tenant, id))",
        "INSERT INTO lines SELECT t, i, t * 10000000 + i, 0"
            + " FROM generate_series(1, 3) t, generate_series(1, 1500) i",
        // Split by a date key (a BC one among them) and by a timestamp key.
        "CREATE TABLE days (day DATE PRIMARY KEY, n BIGINT UNIQUE NOT NULL, qty BIGINT)",
        "INSERT INTO days SELECT date '1990-01-01' + i, i, 0 FROM generate_series(1, 3000) i",
        "INSERT INTO days VALUES (date '0044-03-15 BC', -1, 0)",
        "CREATE TABLE ticks (at TIMESTAMP(6) PRIMARY KEY, n BIGINT UNIQUE NOT NULL, qty BIGINT)",
        "INSERT INTO ticks SELECT timestamp '2024-01-01' + i * interval '1.25 second', i, 0"
            + " FROM generate_series(1, 3000) i",
        // Split by bytes: values of several lengths, one the start of another.
        "CREATE TABLE digests (id BYTEA PRIMARY KEY, n BIGINT UNIQUE NOT NULL, qty BIGINT)",
        "INSERT INTO digests SELECT substring(sha256(i::text::bytea) FROM 1 FOR 8 + i % 9), i, 0"
            + " FROM generate_series(1, 3000) i",
        "INSERT INTO digests VALUES ('\\xab', -1, 0), ('\\xab00', -2, 0), ('\\x', -3, 0)",
        // Split in UTC, whatever the session's time zone.
        "CREATE TABLE moments (at TIMESTAMPTZ PRIMARY KEY, n BIGINT UNIQUE NOT NULL, qty BIGINT)",
        "INSERT INTO moments SELECT timestamptz '2024-03-31 00:00:00+02' + i * interval '7 second',"
            + " i, 0 FROM generate_series(1, 3000) i",
        // Rows of 2 MB each.
        "CREATE TABLE blobs (id INT PRIMARY KEY, body TEXT)",
        "INSERT INTO blobs SELECT i, repeat(md5(i::text), 65536) FROM generate_series(1, 12) i",
        // No key: read whole, and a change log in both modes.
        "CREATE TABLE events (kind TEXT, n BIGINT)",
        "ALTER TABLE events REPLICA IDENTITY FULL",
        "INSERT INTO events SELECT 'old', i FROM generate_series(1, 3000) i");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            List.of(
                "tables: " + database + ".public.\\.*",
                "slot.name: slot_" + database,
                "scan.incremental.snapshot.chunk.size: 1000",
                "scan.snapshot.readers: 2"),
            concat(PipelineFiles.hadoopSink(warehouse), List.of("write.mode: " + mode)),
            "200ms",
            List.of());

    Writes writes = new Writes(server, database);
    Thread writer = new Thread(writes, "writes");
    long committedAtKill;
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      writer.start();
      await("the first chunks are committed")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(50))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> committedRows(warehouse) > 0);
      cdcSync.kill();
      committedAtKill = committedRows(warehouse);
    }
    long loadCommitsAtKill = loadCommits(warehouse).size();
    assertThat(committedAtKill).as("killed in the middle of the load").isLessThan(ROWS);
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
          List.of(
              "accounts",
              "notes",
              "nothing",
              "tokens",
              "lines",
              "blobs",
              "days",
              "ticks",
              "moments",
              "digests")) {
        String key =
            switch (table) {
              case "notes" -> "code";
              case "lines" -> "line_no";
              case "days", "ticks", "moments", "digests" -> "n";
              default -> "id";
            };
        awaitEqual(
            cdcSync,
            table + " equals the source",
            sourceRows(server, database, table, key),
            () ->
                mode.equals("upsert")
                    ? IcebergRows.rows(warehouse, "public", table, key)
                    : ChangeLogs.replay(IcebergRows.list(warehouse, "public", table), key));
      }
      // Only inserts reach it: its change log holds each source row once.
      List<String> expectedEvents = new ArrayList<>();
      sourceRows(server, database, "events", "n")
          .values()
          .forEach(row -> expectedEvents.add(row.get("kind") + " " + row.get("n")));
      await("events holds each row once")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(
                          IcebergRows.list(warehouse, "public", "events").stream()
                              .map(row -> row.get("kind") + " " + row.get("n"))
                              .toList())
                      .containsExactlyInAnyOrderElementsOf(expectedEvents));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    if (mode.equals("upsert")) {
      // Loaded again on request (its Iceberg rows lost by hand) while the slot keeps the changes
      // made before, during and after it; the stream then goes on from the slot's position.
      IcebergRows.table(warehouse, "public", "accounts")
          .newDelete()
          .deleteFromRowFilter(Expressions.alwaysTrue())
          .commit();
      server.execute(
          database,
          "UPDATE accounts SET balance = -5 WHERE id <= 100",
          "DELETE FROM accounts WHERE id BETWEEN 200 AND 300",
          "INSERT INTO tokens VALUES (gen_random_uuid(), -1)");
      loadAgain(pipeline, "public.accounts");
      assertThat(IcebergRows.rows(warehouse, "public", "accounts", "id"))
          .isEqualTo(sourceRows(server, database, "accounts", "id"));
      server.execute(
          database,
          "UPDATE accounts SET balance = -6 WHERE id <= 50",
          "INSERT INTO accounts VALUES (999999, 'after', 1)");
      try (CdcSyncProcess cdcSync =
          CdcSyncProcess.start(
              work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
        for (String table : List.of("accounts", "tokens")) {
          awaitEqual(
              cdcSync,
              table + " equals the source after the load again",
              sourceRows(server, database, table, "id"),
              () -> IcebergRows.rows(warehouse, "public", table, "id"));
        }
        assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      }
      // The resumed runs appended their chunks to a table holding only the load's rows: no
      // equality deletes, as in the first run.
      List<Snapshot> loadCommits = loadCommits(warehouse);
      assertThat(loadCommits).hasSizeGreaterThan((int) loadCommitsAtKill);
      assertThat(loadCommits)
          .allSatisfy(
              snapshot ->
                  assertThat(snapshot.summary()).doesNotContainKey("added-equality-deletes"));
    }
  }

  /** Waits until what {@code actual} reads equals {@code expected}, while cdc-sync runs. */
  private void awaitEqual(
      CdcSyncProcess cdcSync,
      String description,
      Map<Object, Map<String, Object>> expected,
      Callable<Map<Object, Map<String, Object>>> actual) {
    await(description)
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              Map<Object, Map<String, Object>> rows;
              try {
                rows = actual.call();
              } catch (AssertionError e) {
                // A change log that cannot be replayed: where to look, with this start's log.
                throw new AssertionError(
                    e.getMessage()
                        + "\n(the logs of every start and the warehouse are kept in "
                        + work
                        + ")\n"
                        + cdcSync.describe(),
                    e);
              }
              assertThat(rows).isEqualTo(expected);
            });
  }

  /** Runs {@code cdc-sync snapshot --table}, which must load the table again and exit 0. */
  private void loadAgain(Path pipeline, String table) throws Exception {
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work,
            Map.of(),
            "snapshot",
            pipeline.toString(),
            "--table",
            table,
            "--progress-interval",
            "0")) {
      assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /** The commits to table accounts during the load that left it holding only the load's rows. */
  private static List<Snapshot> loadCommits(Path warehouse) {
    List<Snapshot> commits = new ArrayList<>();
    for (Snapshot snapshot : IcebergRows.table(warehouse, "public", "accounts").snapshots()) {
      if (snapshot.summary().containsKey("cdc-sync.initial-load")) {
        commits.add(snapshot);
      }
    }
    return commits;
  }

  /**
   * {@code scan.startup.mode: snapshot}: the tables are loaded and committed, the process exits 0,
   * and no replication slot is left behind; a second run has nothing left to do and exits 0 too,
   * and a run after option {@code tables} took in another table loads that table alone; {@code
   * cdc-sync snapshot --table} loads one again. A user that may only read the tables will do:
   * nothing of logical replication is checked or made.
   */
  @Test
  void snapshotModeLoadsCommitsAndExits() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "load_pg_once";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner TEXT, balance BIGINT)",
        "INSERT INTO accounts SELECT i, 'owner ' || i, i FROM generate_series(1, 5000) i",
        "CREATE TABLE others (id BIGINT PRIMARY KEY, note TEXT)",
        "INSERT INTO others SELECT i, 'note ' || i FROM generate_series(1, 300) i",
        // A user that may read the tables and nothing else: no replication, no publication.
        "DROP ROLE IF EXISTS only_reads",
        "CREATE ROLE only_reads LOGIN PASSWORD 'reads'",
        "GRANT SELECT ON accounts, others TO only_reads");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            "only_reads",
            "reads",
            database,
            List.of(
                "tables: " + database + ".public.accounts",
                "slot.name: slot_" + database,
                "scan.startup.mode: snapshot",
                "scan.incremental.snapshot.chunk.size: 700"),
            PipelineFiles.hadoopSink(warehouse),
            "1s",
            List.of());
    for (int run = 1; run <= 2; run++) {
      try (CdcSyncProcess cdcSync =
          CdcSyncProcess.start(
              work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
        assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      }
      assertThat(IcebergRows.rows(warehouse, "public", "accounts", "id"))
          .isEqualTo(sourceRows(server, database, "accounts", "id"));
    }
    assertThat(IcebergRows.exists(warehouse, "public", "others")).isFalse();
    // Option tables takes in another table: the next run loads it alone.
    List<Snapshot> accountsCommits = new ArrayList<>();
    IcebergRows.table(warehouse, "public", "accounts").snapshots().forEach(accountsCommits::add);
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            .replace(
                "tables: " + database + ".public.accounts",
                "tables: " + database + ".public.\\.*"));
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output())
          .contains("joined option 'tables' since the last load: public.others");
    }
    assertThat(IcebergRows.rows(warehouse, "public", "others", "id"))
        .isEqualTo(sourceRows(server, database, "others", "id"));
    assertThat(IcebergRows.table(warehouse, "public", "accounts").snapshots())
        .as("accounts is not loaded again")
        .hasSameSizeAs(accountsCommits);
    // Loaded again on request, after changes: its rows replace those Iceberg holds.
    server.execute(
        database,
        "DELETE FROM accounts WHERE id > 4000",
        "UPDATE accounts SET balance = -1 WHERE id <= 10");
    loadAgain(pipeline, "public.accounts");
    assertThat(IcebergRows.rows(warehouse, "public", "accounts", "id"))
        .isEqualTo(sourceRows(server, database, "accounts", "id"));
    assertThat(IcebergRows.rows(warehouse, "public", "others", "id"))
        .isEqualTo(sourceRows(server, database, "others", "id"));
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'slot_"
                    + database
                    + "'")) {
      result.next();
      assertThat(result.getLong(1)).as("replication slots left").isZero();
    }
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_publication")) {
      result.next();
      assertThat(result.getLong(1)).as("publications made").isZero();
    }
    // Streaming after such a load would miss the changes since (no slot kept them): refused.
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            .replace("scan.startup.mode: snapshot", "scan.startup.mode: initial")
            .replace("username: only_reads", "username: " + server.username())
            .replace("password: reads", "password: " + server.password()));
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains("were loaded with scan.startup.mode snapshot, without a replication slot");
    }
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  private static long committedRows(Path warehouse) {
    if (!IcebergRows.exists(warehouse, "public", "accounts")) {
      return 0;
    }
    Table table = IcebergRows.table(warehouse, "public", "accounts");
    if (table.currentSnapshot() == null) {
      return 0;
    }
    return Long.parseLong(table.currentSnapshot().summary().getOrDefault("total-records", "0"));
  }

  private static Map<Object, Map<String, Object>> sourceRows(
      TestDatabaseServer server, String database, String table, String key) throws Exception {
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          Object value = result.getObject(i);
          // As Iceberg's reader gives them.
          if (value instanceof byte[] bytes) {
            value = ByteBuffer.wrap(bytes);
          } else if (value instanceof java.sql.Date) {
            value = result.getObject(i, LocalDate.class);
          } else if (value instanceof Timestamp) {
            value =
                result.getMetaData().getColumnTypeName(i).equals("timestamptz")
                    ? result.getObject(i, OffsetDateTime.class)
                    : result.getObject(i, LocalDateTime.class);
          }
          row.put(result.getMetaData().getColumnName(i), value);
        }
        rows.put(row.get(key), row);
      }
    }
    return rows;
  }

  /** Updates, inserts and deletes on the tables, in small transactions, until stopped. */
  private static final class Writes implements Runnable {
    private final TestDatabaseServer server;
    private final String database;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Random random = new Random(11);

    Writes(TestDatabaseServer server, String database) {
      this.server = server;
      this.database = database;
    }

    void stop() {
      running.set(false);
    }

    @Override
    public void run() {
      long next = ROWS + 1;
      try (Connection connection = server.connect(database)) {
        connection.setAutoCommit(false);
        while (running.get()) {
          try (Statement statement = connection.createStatement()) {
            long id = 1 + random.nextInt(ROWS);
            statement.executeUpdate(
                "UPDATE accounts SET balance = balance + 1, owner = 'w"
                    + id
                    + "' WHERE id = "
                    + id);
            statement.executeUpdate(
                "DELETE FROM accounts WHERE id = " + (1 + random.nextInt(ROWS)));
            statement.executeUpdate(
                "INSERT INTO accounts VALUES (" + next + ", 'new', " + next + ")");
            next++;
            statement.executeUpdate(
                "UPDATE notes SET body = 'changed "
                    + next
                    + "' WHERE code = 'n"
                    + (1 + random.nextInt(2000))
                    + "'");
            statement.executeUpdate("INSERT INTO notes VALUES ('m" + next + "', 'new')");
            statement.executeUpdate(
                "UPDATE tokens SET n = n + 1 WHERE id = md5('"
                    + (1 + random.nextInt(5000))
                    + "')::uuid");
            statement.executeUpdate(
                "DELETE FROM tokens WHERE id = md5('" + (1 + random.nextInt(5000)) + "')::uuid");
            statement.executeUpdate(
                "INSERT INTO tokens VALUES (md5('new " + next + "')::uuid, " + next + ")");
            statement.executeUpdate("INSERT INTO events VALUES ('new', " + next + ")");
            for (String table : List.of("days", "ticks", "moments", "digests")) {
              statement.executeUpdate(
                  "UPDATE " + table + " SET qty = qty + 1 WHERE n = " + (1 + random.nextInt(3000)));
              statement.executeUpdate(
                  "DELETE FROM " + table + " WHERE n = " + (1 + random.nextInt(3000)));
            }
            statement.executeUpdate(
                "INSERT INTO days VALUES (date '2100-01-01' + " + next + ", " + next + ", 0)");
            statement.executeUpdate(
                "INSERT INTO digests VALUES (sha256('new " + next + "'::bytea), " + next + ", 0)");
            statement.executeUpdate(
                "INSERT INTO moments VALUES (timestamptz '2030-01-01 00:00:00-05' + "
                    + next
                    + " * interval '0.001 second', "
                    + next
                    + ", 0)");
            statement.executeUpdate(
                "INSERT INTO ticks VALUES (timestamp '2030-01-01' + "
                    + next
                    + " * interval '0.001 second', "
                    + next
                    + ", 0)");
            int tenant = 1 + random.nextInt(3);
            statement.executeUpdate(
                "UPDATE lines SET qty = qty + 1 WHERE tenant = "
                    + tenant
                    + " AND id = "
                    + (1 + random.nextInt(1500)));
            statement.executeUpdate(
                "DELETE FROM lines WHERE tenant = "
                    + tenant
                    + " AND id = "
                    + (1 + random.nextInt(1500)));
            statement.executeUpdate(
                "INSERT INTO lines VALUES ("
                    + tenant
                    + ", "
                    + next
                    + ", "
                    + (tenant * 10_000_000L + next)
                    + ", 0)");
          }
          connection.commit();
          Thread.sleep(2);
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }
  }
}
