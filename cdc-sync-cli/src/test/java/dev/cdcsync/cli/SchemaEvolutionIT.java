package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Columns added, dropped and widened in the source while rows flow, under each behavior. */
class SchemaEvolutionIT {

  @TempDir Path work;

  @Test
  void postgresLenientAddsAndWidensColumnsAndKeepsDroppedOnes() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "evolve_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT)",
        "INSERT INTO t VALUES (1, 1, 'x')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.postgresTables(database), warehouse, "300ms");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(
          cdcSync, warehouse, "public", Map.of(1, row(1, 1, "x", null)), List.of("id", "a", "b"));
      server.execute(
          database,
          "ALTER TABLE t ADD COLUMN c VARCHAR(10)",
          "INSERT INTO t VALUES (2, 2, 'y', 'new')");
      server.execute(database, "ALTER TABLE t DROP COLUMN b", "INSERT INTO t VALUES (3, 3, 'z')");
      server.execute(
          database,
          "ALTER TABLE t ALTER COLUMN a TYPE BIGINT",
          "INSERT INTO t VALUES (4, 5000000000, 'big')");
      awaitRows(
          cdcSync,
          warehouse,
          "public",
          Map.of(
              1,
              row(1, 1L, "x", null),
              2,
              row(2, 2L, "y", "new"),
              3,
              row(3, 3L, null, "z"),
              4,
              row(4, 5000000000L, null, "big")),
          List.of("id", "a", "b", "c"));
      assertThat(IcebergRows.table(warehouse, "public", "t").schema().findField("a").type())
          .isEqualTo(Types.LongType.get());
      assertThat(cdcSync.output())
          .contains("Table public.t: dropped column b: kept in the sink table, null from now on");

      // Lenient leaves the rows of a truncated table.
      server.execute(database, "TRUNCATE t", "INSERT INTO t VALUES (5, 5, 'after')");
      awaitRows(
          cdcSync,
          warehouse,
          "public",
          Map.of(
              1,
              row(1, 1L, "x", null),
              2,
              row(2, 2L, "y", "new"),
              3,
              row(3, 3L, null, "z"),
              4,
              row(4, 5000000000L, null, "big"),
              5,
              row(5, 5L, null, "after")),
          List.of("id", "a", "b", "c"));
      assertThat(cdcSync.output())
          .contains(
              "Table public.t: truncated in the source; not applied (pipeline.schema.change.behavior is lenient");

      // A type change Iceberg cannot express: the new values go to a new column, none is lost.
      server.execute(
          database,
          "ALTER TABLE t ALTER COLUMN a TYPE TEXT USING a::text",
          "INSERT INTO t VALUES (6, 'six', 'text')");
      await("the retyped column's values arrive")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () -> {
                Map<Object, Map<String, Object>> rows =
                    IcebergRows.rows(warehouse, "public", "t", "id");
                assertThat(rows.get(6))
                    .containsEntry("a", null)
                    .containsEntry("a__string", "six")
                    .containsEntry("c", "text");
                assertThat(rows.get(5)).containsEntry("a", 5L).containsEntry("a__string", null);
              });
      assertThat(cdcSync.output())
          .contains(
              "Table public.t: column a changed type from BIGINT to STRING, which Iceberg cannot express:"
                  + " its values go to new column a__string from now on; a keeps the earlier ones");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void postgresEvolveRenamesAColumnInPlaceKeepingItsValues() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "evolve_rename_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, c TEXT)",
        "INSERT INTO t VALUES (1, 1, 'one')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work,
            server,
            database,
            PipelineFiles.postgresTables(database),
            warehouse,
            "300ms",
            List.of("schema.change.behavior: evolve"));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitTable(cdcSync, warehouse, "public", "t", rows -> assertThat(rows).containsOnlyKeys(1));
      int fieldId = IcebergRows.table(warehouse, "public", "t").schema().findField("c").fieldId();
      // pgoutput reports no rename; the column's attnum tells it from a drop plus an add.
      server.execute(
          database, "ALTER TABLE t RENAME COLUMN c TO d", "INSERT INTO t VALUES (2, 2, 'two')");
      // A column dropped while another is added is a drop and an add, not a rename.
      server.execute(
          database,
          "ALTER TABLE t DROP COLUMN a",
          "ALTER TABLE t ADD COLUMN e INT",
          "INSERT INTO t VALUES (3, 'three', 3)");
      awaitTable(
          cdcSync,
          warehouse,
          "public",
          "t",
          rows -> {
            assertThat(rows.keySet()).containsExactly(1, 2, 3);
            assertThat(rows.get(1))
                .containsEntry("d", "one")
                .containsEntry("e", null)
                .doesNotContainKeys("c", "a");
            assertThat(rows.get(2)).containsEntry("d", "two").containsEntry("e", null);
            assertThat(rows.get(3)).containsEntry("d", "three").containsEntry("e", 3);
          });
      assertThat(IcebergRows.table(warehouse, "public", "t").schema().findField("d").fieldId())
          .isEqualTo(fieldId);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /**
   * A column added inside a transaction after other changes of it, while the table has changes
   * from before waiting for a commit: the pipeline commits at the transaction's start (seen ahead
   * in the same read, or by a run restarted from the last checkpoint) and goes on. A transaction
   * that changed the table's own rows before the change has its first part committed on its own.
   */
  @Test
  void postgresColumnChangeAfterOtherChangesOfItsTransactionCommitsAtItsStart() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "evolve_in_txn_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, a INT)",
        "CREATE TABLE u (id INT PRIMARY KEY)",
        "INSERT INTO t VALUES (1, 1)");
    Path warehouse = work.resolve("warehouse");
    // No timed commits: only the snapshot, commits before column changes and the stop commit.
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.postgresTables(database), warehouse, "1h");

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", file.toString(), "--progress-interval", "1")) {
      awaitTable(cdcSync, warehouse, "public", "t", rows -> assertThat(rows).containsOnlyKeys(1));
      server.execute(database, "INSERT INTO t VALUES (2, 2)");
      await("the insert is read")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> cdcSync.output().contains(", 2 changes read"));
      // Read in a later batch than the insert: the run restarts to commit before it.
      server.executeInTransaction(
          database,
          "INSERT INTO u VALUES (1)",
          "ALTER TABLE t ADD COLUMN c TEXT",
          "INSERT INTO t VALUES (3, 3, 'three')");
      // Right behind the insert before it: most likely seen ahead in the same read.
      server.execute(database, "INSERT INTO t VALUES (4, 4, 'four')");
      server.executeInTransaction(
          database,
          "INSERT INTO u VALUES (2)",
          "ALTER TABLE t ADD COLUMN d INT",
          "INSERT INTO t VALUES (5, 5, 'five', 5)");
      awaitTable(
          cdcSync,
          warehouse,
          "public",
          "t",
          rows -> {
            assertThat(rows.keySet()).containsExactly(1, 2, 3, 4);
            assertThat(rows.get(3)).containsEntry("c", "three").containsEntry("d", null);
          });
      assertThat(cdcSync.output()).contains("restarting from checkpoint");

      // The table's own row before its column change: the transaction's first part is committed
      // on its own; a crash right after it resumes inside the transaction.
      server.executeInTransaction(
          database,
          "INSERT INTO t VALUES (6, 6, 'six', 6)",
          "ALTER TABLE t ADD COLUMN e INT",
          "INSERT INTO t VALUES (7, 7, 'seven', 7, 7)");
      awaitTable(cdcSync, warehouse, "public", "t", rows -> assertThat(rows).containsKey(6));
      assertThat(cdcSync.output()).contains("the transaction's first part is committed on its own");
      cdcSync.kill();
    }
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", file.toString(), "--progress-interval", "1")) {
      // The rest of the transaction (row 7) is read again, then committed by the stop.
      await("the rest of the transaction is read")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () ->
                  assertThat(cdcSync.output()).as(cdcSync::describe).contains("] 1 changes read"));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    Map<Object, Map<String, Object>> rows = IcebergRows.rows(warehouse, "public", "t", "id");
    assertThat(rows.keySet()).containsExactly(1, 2, 3, 4, 5, 6, 7);
    assertThat(rows.get(5))
        .containsEntry("c", "five")
        .containsEntry("d", 5)
        .containsEntry("e", null);
    assertThat(rows.get(7)).containsEntry("c", "seven").containsEntry("d", 7).containsEntry("e", 7);
    assertThat(IcebergRows.list(warehouse, "public", "t")).hasSize(7);
  }

  @Test
  void mariadbRowsOfANewColumnAfterOtherChangesOfTheirTransactionCommitAtItsStart()
      throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "evolve_in_txn_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, a INT)",
        "CREATE TABLE u (id INT PRIMARY KEY)",
        "INSERT INTO t VALUES (1, 1)");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.binlogTables(database, 5481), warehouse, "1h");

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", file.toString(), "--progress-interval", "1")) {
      awaitTable(cdcSync, warehouse, database, "t", rows -> assertThat(rows).containsOnlyKeys(1));
      server.execute(database, "INSERT INTO t VALUES (2, 2)");
      await("the insert is read")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> cdcSync.output().contains(", 2 changes read"));
      server.execute(database, "ALTER TABLE t ADD COLUMN c TEXT");
      server.executeInTransaction(
          database, "INSERT INTO u VALUES (1)", "INSERT INTO t VALUES (3, 3, 'three')");
      server.execute(database, "INSERT INTO t VALUES (4, 4, 'four')");
      // Committed before the column is added; the rest waits for the stop (no timed commits).
      awaitTable(
          cdcSync,
          warehouse,
          database,
          "t",
          rows -> {
            assertThat(rows.keySet()).containsExactly(1, 2);
            assertThat(IcebergRows.table(warehouse, database, "t").schema().findField("c"))
                .isNotNull();
          });
      // A second added column commits rows 3 and 4 at its start (a stop could come before row 4
      // is read: nothing tells the test when the binlog reader has passed it).
      server.execute(
          database, "ALTER TABLE t ADD COLUMN d INT", "INSERT INTO t VALUES (5, 5, 'five', 5)");
      awaitTable(
          cdcSync,
          warehouse,
          database,
          "t",
          rows -> {
            assertThat(rows.keySet()).containsExactly(1, 2, 3, 4);
            assertThat(rows.get(3)).containsEntry("c", "three");
          });
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void mariadbEvolveAppliesEveryChangeIncludingDrops() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "evolve_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT)",
        "INSERT INTO t VALUES (1, 1, 'x')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work,
            server,
            database,
            PipelineFiles.binlogTables(database, 5441),
            warehouse,
            "300ms",
            List.of("schema.change.behavior: evolve"));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(
          cdcSync, warehouse, database, Map.of(1, row(1, 1, "x", null)), List.of("id", "a", "b"));
      server.execute(
          database,
          "ALTER TABLE t ADD COLUMN c VARCHAR(10)",
          "INSERT INTO t VALUES (2, 2, 'y', 'new')");
      server.execute(database, "ALTER TABLE t DROP COLUMN b", "INSERT INTO t VALUES (3, 3, 'z')");
      server.execute(
          database, "ALTER TABLE t MODIFY a BIGINT", "INSERT INTO t VALUES (4, 5000000000, 'big')");
      awaitRows(
          cdcSync,
          warehouse,
          database,
          Map.of(
              1,
              row(1, 1L, null, null),
              2,
              row(2, 2L, null, "new"),
              3,
              row(3, 3L, null, "z"),
              4,
              row(4, 5000000000L, null, "big")),
          List.of("id", "a", "c"));

      // Evolve empties a truncated table; later rows arrive as usual.
      server.execute(database, "TRUNCATE TABLE t", "INSERT INTO t VALUES (5, 5, 'after')");
      awaitRows(
          cdcSync,
          warehouse,
          database,
          Map.of(5, row(5, 5L, null, "after")),
          List.of("id", "a", "c"));

      // A rename keeps the column, and with it the values written under the old name.
      server.execute(
          database, "ALTER TABLE t RENAME COLUMN c TO d", "INSERT INTO t VALUES (6, 6, 'renamed')");
      await("the rename arrives")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () -> {
                Map<Object, Map<String, Object>> rows =
                    IcebergRows.rows(warehouse, database, "t", "id");
                assertThat(rows.keySet()).containsExactly(5, 6);
                assertThat(rows.get(5)).containsEntry("d", "after").doesNotContainKey("c");
                assertThat(rows.get(6)).containsEntry("d", "renamed");
              });
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void mariadbTryEvolveFollowsNewAndDroppedTablesAndKeepsTheValuesOfRetypedColumns()
      throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "evolve_tables_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT)",
        "INSERT INTO t VALUES (1, 1, 'x')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work,
            server,
            database,
            PipelineFiles.binlogTables(database, 5442),
            warehouse,
            "300ms",
            List.of("schema.change.behavior: try_evolve"));
    // Flink CDC's list syntax: dropped columns stay although try_evolve would drop them.
    Files.writeString(
        file,
        Files.readString(file)
            .replace(
                "  type: iceberg\n", "  type: iceberg\n  exclude.schema.changes: [drop.column]\n"));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(
          cdcSync, warehouse, database, Map.of(1, row(1, 1, "x", null)), List.of("id", "a", "b"));

      // A table created while the pipeline runs appears with its rows.
      server.execute(
          database,
          "CREATE TABLE u (id INT PRIMARY KEY, v TEXT)",
          "INSERT INTO u VALUES (1, 'u1')");
      awaitTable(
          cdcSync,
          warehouse,
          database,
          "u",
          rows -> assertThat(rows).isEqualTo(Map.of(1, Map.of("id", 1, "v", "u1"))));

      server.execute(database, "ALTER TABLE t DROP COLUMN b", "INSERT INTO t VALUES (2, 2)");
      server.execute(
          database, "ALTER TABLE t MODIFY a VARCHAR(20)", "INSERT INTO t VALUES (3, 'three')");
      awaitTable(
          cdcSync,
          warehouse,
          database,
          "t",
          rows -> {
            assertThat(rows.keySet()).containsExactly(1, 2, 3);
            assertThat(rows.get(1))
                .containsEntry("a", 1)
                .containsEntry("b", "x")
                .containsEntry("a__string", null);
            assertThat(rows.get(2)).containsEntry("a", 2).containsEntry("b", null);
            assertThat(rows.get(3)).containsEntry("a", null).containsEntry("a__string", "three");
          });
      assertThat(cdcSync.output())
          .contains(
              "Table "
                  + database
                  + ".t: dropped column b: kept in the sink table, null from now on");

      // try_evolve drops a dropped table; one created again under its name starts afresh.
      server.execute(database, "INSERT INTO u VALUES (2, 'u2')", "DROP TABLE u");
      await("u is dropped")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> !IcebergRows.exists(warehouse, database, "u"));
      server.execute(
          database,
          "CREATE TABLE u (id INT PRIMARY KEY, v TEXT, w INT)",
          "INSERT INTO u VALUES (7, 'again', 7)");
      awaitTable(
          cdcSync,
          warehouse,
          database,
          "u",
          rows -> assertThat(rows).isEqualTo(Map.of(7, Map.of("id", 7, "v", "again", "w", 7))));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void exceptionStopsThePipelineNamingTheTableAndColumn() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "evolve_fail";
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE t (id INT PRIMARY KEY, a INT)", "INSERT INTO t VALUES (1, 1)");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work,
            server,
            database,
            PipelineFiles.postgresTables(database),
            warehouse,
            "300ms",
            List.of("schema.change.behavior: exception"));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      await("the snapshot is committed")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, "public", "t", "id").containsKey(1));
      server.execute(
          database, "ALTER TABLE t ADD COLUMN c BIGINT", "INSERT INTO t VALUES (2, 2, 2)");
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains(
              "Error: Cannot apply a schema change to table public.t: added column c BIGINT;"
                  + " pipeline.schema.change.behavior is exception");
    }
    assertThat(IcebergRows.rows(warehouse, "public", "t", "id")).containsOnlyKeys(1);
  }

  private static Map<String, Object> row(int id, Object a, String b, String c) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("a", a);
    row.put("b", b);
    row.put("c", c);
    return row;
  }

  private static void awaitTable(
      CdcSyncProcess cdcSync,
      Path warehouse,
      String namespace,
      String table,
      java.util.function.Consumer<Map<Object, Map<String, Object>>> check) {
    await(table + " is as expected")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              assertThat(IcebergRows.exists(warehouse, namespace, table)).isTrue();
              check.accept(IcebergRows.rows(warehouse, namespace, table, "id"));
            });
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync,
      Path warehouse,
      String namespace,
      Map<Integer, Map<String, Object>> expected,
      List<String> columns) {
    Map<Object, Map<String, Object>> wanted = new TreeMap<>();
    expected.forEach(
        (id, row) -> {
          Map<String, Object> projected = new LinkedHashMap<>();
          columns.forEach(column -> projected.put(column, row.get(column)));
          wanted.put(id, projected);
        });
    await("t equals the source")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> assertThat(IcebergRows.rows(warehouse, namespace, "t", "id")).isEqualTo(wanted));
  }
}
