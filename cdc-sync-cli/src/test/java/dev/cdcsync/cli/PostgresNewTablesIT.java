package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.expressions.Expressions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PostgreSQL tables that start to match option {@code tables} while the pipeline runs, or while it
 * is stopped, arrive in Iceberg with the rows they held before, and with every change made while
 * their rows were being loaded; a table loaded again on request while the pipeline runs too.
 */
class PostgresNewTablesIT {

  @TempDir Path work;

  @Test
  void tablesCreatedWhileRunningOrStoppedArriveWithTheirRows() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "new_tables_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE a (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO a VALUES (1, 'one'), (2, 'two')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.postgresTables(database), warehouse, "300ms");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitEqual(cdcSync, server, database, warehouse, "a");
      // Rows written before the table is in the publication, then changes while it is copied.
      server.execute(
          database,
          "CREATE TABLE b (id INT PRIMARY KEY, v TEXT, balance BIGINT)",
          "INSERT INTO b SELECT i, 'v' || i, 0 FROM generate_series(1, 20000) i",
          "CREATE TABLE c (id INT PRIMARY KEY, v TEXT)",
          "CREATE TABLE keyless (v TEXT)");
      AtomicBoolean writing = new AtomicBoolean(true);
      CompletableFuture<Integer> writer =
          CompletableFuture.supplyAsync(() -> write(server, database, writing, 20000));
      awaitOutput(cdcSync, "Loaded new table(s) [public.b");
      writing.set(false);
      assertThat(writer.get()).as("changes written while b was copied").isPositive();
      server.execute(database, "INSERT INTO c VALUES (1, 'first row of c')");

      awaitEqual(cdcSync, server, database, warehouse, "a");
      awaitEqual(cdcSync, server, database, warehouse, "b");
      awaitEqual(cdcSync, server, database, warehouse, "c");
      // c, empty when found, is loaded too: a row written before its load started is in it.
      assertThat(cdcSync.output())
          .contains("Loading new table(s) [public.b")
          .containsPattern("Loaded new table\\(s\\) \\[(public\\.b, )?public\\.c\\]")
          .doesNotContain("Copying the rows");
      assertThat(cdcSync.errors() + cdcSync.output())
          .contains(
              "Table \"public\".\"keyless\" matches option 'tables' but has no replica identity")
          .contains("ALTER TABLE \"public\".\"keyless\" REPLICA IDENTITY FULL;");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }

    // While stopped: a new table with rows, and b dropped and created again (a new table too).
    server.execute(
        database,
        "CREATE TABLE d (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO d SELECT i, 'd' || i FROM generate_series(1, 500) i",
        "INSERT INTO c VALUES (2, 'written while stopped')",
        "DROP TABLE keyless",
        "DROP TABLE b",
        "CREATE TABLE b (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO b VALUES (1, 'b again')");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitEqual(cdcSync, server, database, warehouse, "d");
      awaitEqual(cdcSync, server, database, warehouse, "c");
      await("the new b is copied")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () ->
                  assertThat(IcebergRows.rows(warehouse, "public", "b", "id").get(1))
                      .containsEntry("v", "b again"));
      assertThat(cdcSync.output())
          .doesNotContain("new table(s) [public.a")
          .doesNotContain("new table(s) [public.c");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /**
   * A table created while the pipeline runs is loaded in chunks; killed in the middle, the next run
   * loads only the chunks not committed. Changes made meanwhile arrive once: the upsert table ends
   * equal to the source, and the change log replays to it, each balance counting up by one.
   */
  @ParameterizedTest
  @ValueSource(strings = {"upsert", "append"})
  void aNewTableKilledInTheMiddleOfItsLoadGoesOnWithTheChunksNotCommitted(String mode)
      throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "new_table_crash_pg_" + mode;
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE a (id INT PRIMARY KEY, v TEXT)", "INSERT INTO a VALUES (1, 'one')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            List.of(
                "tables: " + database + ".public.\\.*",
                "slot.name: slot_" + database,
                "scan.incremental.snapshot.chunk.size: 2000",
                "scan.snapshot.readers: 1"),
            concat(PipelineFiles.hadoopSink(warehouse), List.of("write.mode: " + mode)),
            "300ms",
            List.of());

    AtomicBoolean writing = new AtomicBoolean(true);
    CompletableFuture<Integer> writer;
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(cdcSync, server, database, warehouse, "a", mode);
      // One transaction: the table is found with all its rows.
      server.executeInTransaction(
          database,
          "CREATE TABLE b (id INT PRIMARY KEY, v TEXT, balance BIGINT)",
          "INSERT INTO b SELECT i, 'v' || i, 0 FROM generate_series(1, " + NEW_ROWS + ") i");
      writer = CompletableFuture.supplyAsync(() -> write(server, database, writing, NEW_ROWS));
      killOnceBHasRows(cdcSync, warehouse);
      assertThat(cdcSync.output())
          .contains("Loading new table(s) [public.b]")
          .doesNotContain("Loaded new table(s) [public.b]");
    }
    assertThat(committedRows(warehouse, "b")).as("killed in the middle").isLessThan(NEW_ROWS);
    server.execute(database, "INSERT INTO a VALUES (2, 'two')");

    String output = resumeUntilEqual(file, server, database, warehouse, writing, writer, mode);
    assertThat(output).doesNotContain("Loading new table(s)");
  }

  private static final int NEW_ROWS = 200_000;

  /**
   * {@code cdc-sync snapshot --table} while the pipeline runs asks the running instance to load
   * the table again: its Iceberg rows (lost by hand here) are replaced by the load's, under
   * writes; killed in the middle, the next run goes on with the chunks not committed yet.
   */
  @Test
  void aTableLoadedAgainWhileThePipelineRunsIsReplacedAndSurvivesAKill() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "reload_running_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE a (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO a VALUES (1, 'one')",
        "CREATE TABLE b (id INT PRIMARY KEY, v TEXT, balance BIGINT)",
        "INSERT INTO b SELECT i, 'v' || i, 0 FROM generate_series(1, " + NEW_ROWS + ") i");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work,
            server,
            database,
            List.of(
                "tables: " + database + ".public.\\.*",
                "slot.name: slot_" + database,
                "scan.incremental.snapshot.chunk.size: 2000",
                "scan.snapshot.readers: 1"),
            warehouse,
            "300ms");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(cdcSync, server, database, warehouse, "b", "upsert");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    IcebergRows.table(warehouse, "public", "b")
        .newDelete()
        .deleteFromRowFilter(Expressions.alwaysTrue())
        .commit();

    AtomicBoolean writing = new AtomicBoolean(true);
    CompletableFuture<Integer> writer;
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      server.execute(database, "INSERT INTO a VALUES (2, 'two')");
      awaitRows(cdcSync, server, database, warehouse, "a", "upsert");
      try (CdcSyncProcess request =
          CdcSyncProcess.start(
              work, Map.of(), "snapshot", file.toString(), "--table", "public.b")) {
        assertThat(request.waitFor(60)).as(request.describe()).isEqualTo(ExitCodes.OK);
        assertThat(request.output()).contains("so it was asked to load public.b again");
      }
      writer = CompletableFuture.supplyAsync(() -> write(server, database, writing, NEW_ROWS));
      killOnceBHasRows(cdcSync, warehouse);
      assertThat(cdcSync.output())
          .contains("Loading table(s) [public.b] of")
          .doesNotContain("Loaded table(s) [public.b] again");
    }
    assertThat(committedRows(warehouse, "b")).as("killed in the middle").isLessThan(NEW_ROWS);

    resumeUntilEqual(file, server, database, warehouse, writing, writer, "upsert");
  }

  /** Kills cdc-sync once table b's first rows of a load are committed. */
  private static void killOnceBHasRows(CdcSyncProcess cdcSync, Path warehouse)
      throws InterruptedException {
    await("b's first chunks are committed")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(50))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .until(() -> committedRows(warehouse, "b") > 0);
    cdcSync.kill();
  }

  /**
   * Runs cdc-sync again after a kill in the middle of b's load: the load goes on with the chunks
   * not committed, then the writes stop and a and b end equal to the source. Returns the output.
   */
  private String resumeUntilEqual(
      Path file,
      TestDatabaseServer server,
      String database,
      Path warehouse,
      AtomicBoolean writing,
      CompletableFuture<Integer> writer,
      String mode)
      throws Exception {
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      await("b's load ends")
          .atMost(Duration.ofSeconds(180))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> cdcSync.output().contains("Loaded every table of"));
      writing.set(false);
      assertThat(writer.get()).as("changes written to b").isPositive();
      awaitRows(cdcSync, server, database, warehouse, "b", mode);
      awaitRows(cdcSync, server, database, warehouse, "a", mode);
      assertThat(cdcSync.output())
          .contains("resuming: only the chunks not committed yet")
          .doesNotContain("Copying the rows");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      return cdcSync.output();
    }
  }

  /**
   * PostgreSQL publishes only the changes a transaction makes after the table joined the
   * publication: the rows it inserted before reach Iceberg through the copy, which waits for it.
   */
  @Test
  void aTransactionWritingWhileItsTableJoinsThePublicationArrivesWhole() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "new_table_in_flight_pg";
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE a (id INT PRIMARY KEY, v TEXT)", "INSERT INTO a VALUES (1, 'one')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.postgresTables(database), warehouse, "300ms");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitEqual(cdcSync, server, database, warehouse, "a");
      server.execute(database, "CREATE TABLE b (id INT PRIMARY KEY, v TEXT)");
      try (Connection connection = server.connect(database);
          Statement statement = connection.createStatement()) {
        connection.setAutoCommit(false);
        statement.execute("INSERT INTO b SELECT i, 'before' FROM generate_series(1, 1000) i");
        awaitOutput(cdcSync, "Added new table \"public\".\"b\" to publication");
        statement.execute("INSERT INTO b SELECT i, 'after' FROM generate_series(1001, 2000) i");
        connection.commit();
      }
      awaitEqual(cdcSync, server, database, warehouse, "b");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void droppedTablesFollowTheSchemaChangeBehaviorAfterTheirLastChange() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    // lenient (the default): the drop is not applied, and the table's last change arrives first.
    String lenient = "dropped_lenient_pg";
    server.createDatabase(lenient);
    server.execute(
        lenient,
        "CREATE TABLE gone (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO gone VALUES (1, 'one')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, lenient, PipelineFiles.postgresTables(lenient), warehouse, "300ms");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitEqual(cdcSync, server, lenient, warehouse, "gone");
      server.execute(lenient, "INSERT INTO gone VALUES (2, 'last change')", "DROP TABLE gone");
      awaitOutput(
          cdcSync,
          "Table \"public\".\"gone\" was dropped",
          "Table public.gone: dropped in the source; not applied (pipeline.schema.change.behavior is lenient");
      // Not applied, so nothing commits before it: the last change lands with the next checkpoint.
      await("gone's last change is committed")
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(IcebergRows.rows(warehouse, "public", "gone", "id"))
                      .containsOnlyKeys(1, 2));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }

    // evolve: the table is dropped, also when dropped while the pipeline is stopped; one created
    // again under the name starts afresh with its rows.
    String evolve = "dropped_evolve_pg";
    server.createDatabase(evolve);
    server.execute(
        evolve,
        "CREATE TABLE gone (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO gone VALUES (1, 'one')");
    Path evolveWarehouse = work.resolve("evolve-warehouse");
    Path evolveFile =
        PipelineFiles.write(
            work,
            server,
            evolve,
            PipelineFiles.postgresTables(evolve),
            evolveWarehouse,
            "300ms",
            List.of("schema.change.behavior: evolve"));
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", evolveFile.toString())) {
      awaitEqual(cdcSync, server, evolve, evolveWarehouse, "gone");
      server.execute(evolve, "DROP TABLE gone");
      awaitDropped(cdcSync, evolveWarehouse);
      server.execute(
          evolve,
          "CREATE TABLE gone (id INT PRIMARY KEY, v TEXT)",
          "INSERT INTO gone VALUES (10, 'again')");
      awaitEqual(cdcSync, server, evolve, evolveWarehouse, "gone");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    server.execute(evolve, "DROP TABLE gone");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", evolveFile.toString())) {
      awaitDropped(cdcSync, evolveWarehouse);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private static void awaitOutput(CdcSyncProcess cdcSync, String... lines) {
    await("cdc-sync says " + String.join(" / ", lines))
        .atMost(Duration.ofSeconds(60))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(() -> assertThat(cdcSync.output()).as(cdcSync::describe).contains(lines));
  }

  private static void awaitDropped(CdcSyncProcess cdcSync, Path warehouse) {
    await("gone is dropped")
        .atMost(Duration.ofSeconds(60))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              assertThat(cdcSync.output())
                  .as(cdcSync::describe)
                  .contains("Table public.gone: dropped, as in the source");
              assertThat(IcebergRows.exists(warehouse, "public", "gone")).isFalse();
            });
  }

  @Test
  void aPublicationForAllTablesStreamsNewTablesFromTheirCreationWithoutACopy() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "all_tables_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE a (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO a VALUES (1, 'one')",
        "CREATE PUBLICATION slot_" + database + " FOR ALL TABLES");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.postgresTables(database), warehouse, "300ms");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitEqual(cdcSync, server, database, warehouse, "a");
      server.execute(
          database,
          "CREATE TABLE b (id INT PRIMARY KEY, v TEXT)",
          "INSERT INTO b SELECT i, 'v' || i FROM generate_series(1, 100) i",
          "UPDATE b SET v = 'changed' WHERE id = 5");
      awaitEqual(cdcSync, server, database, warehouse, "b");
      awaitOutput(cdcSync, "Capturing new table \"public\".\"b\"");
      assertThat(cdcSync.output()).doesNotContain("Loading new table(s)");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /**
   * Adds one to balances of b, inserts rows and deletes some until told to stop; returns how
   * many changes it made.
   */
  private static int write(
      TestDatabaseServer server, String database, AtomicBoolean writing, int rows) {
    Random random = new Random(11);
    int changes = 0;
    int nextId = rows + 1;
    try (Connection connection = server.connect(database);
        PreparedStatement update =
            connection.prepareStatement("UPDATE b SET balance = balance + 1 WHERE id = ?");
        PreparedStatement insert =
            connection.prepareStatement("INSERT INTO b VALUES (?, 'new', 0)");
        PreparedStatement delete = connection.prepareStatement("DELETE FROM b WHERE id = ?")) {
      while (writing.get() || changes < 50) {
        int id = 1 + random.nextInt(rows);
        switch (random.nextInt(4)) {
          case 0, 1 -> {
            update.setInt(1, id);
            update.executeUpdate();
          }
          case 2 -> {
            insert.setInt(1, nextId++);
            insert.executeUpdate();
          }
          default -> {
            delete.setInt(1, id);
            delete.executeUpdate();
          }
        }
        changes++;
        Thread.sleep(5);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return changes;
  }

  private static void awaitEqual(
      CdcSyncProcess cdcSync,
      TestDatabaseServer server,
      String database,
      Path warehouse,
      String table) {
    awaitRows(cdcSync, server, database, warehouse, table, "upsert");
  }

  /** Waits until the table equals the source: its rows, or those its change log replays to. */
  private static void awaitRows(
      CdcSyncProcess cdcSync,
      TestDatabaseServer server,
      String database,
      Path warehouse,
      String table,
      String mode) {
    await(table + " equals the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              assertThat(IcebergRows.exists(warehouse, "public", table)).isTrue();
              assertThat(
                      mode.equals("append")
                          ? ChangeLogs.replay(IcebergRows.list(warehouse, "public", table), "id")
                          : IcebergRows.rows(warehouse, "public", table, "id"))
                  .as(() -> table + " in Iceberg\n" + cdcSync.describe())
                  .isEqualTo(sourceRows(server, database, table));
            });
  }

  private static long committedRows(Path warehouse, String table) {
    if (!IcebergRows.exists(warehouse, "public", table)) {
      return 0;
    }
    Snapshot current = IcebergRows.table(warehouse, "public", table).currentSnapshot();
    return current == null
        ? 0
        : Long.parseLong(current.summary().getOrDefault("total-records", "0"));
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** Every column of the table's rows, by id. */
  private static Map<Object, Map<String, Object>> sourceRows(
      TestDatabaseServer server, String database, String table) throws Exception {
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM " + table)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          row.put(result.getMetaData().getColumnName(i), result.getObject(i));
        }
        rows.put(result.getObject("id"), row);
      }
    }
    return rows;
  }
}
