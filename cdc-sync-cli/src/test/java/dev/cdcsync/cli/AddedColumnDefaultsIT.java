package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A column added with a default gives the rows already there that value in the source, without a
 * change event for them: the Iceberg table reads the same, after a kill before the DDL and one
 * right after cdc-sync applied it, for upsert and append tables, in the schema change behaviors
 * that add columns. A later change of the default leaves existing rows alone.
 */
class AddedColumnDefaultsIT {

  @TempDir Path work;

  @Test
  void postgresExistingRowsReadTheDefaultsOfAddedColumns() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "added_defaults_pg";
    server.createDatabase(database);
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.write(
            work,
            server,
            database,
            PipelineFiles.postgresTables(database),
            warehouse,
            "300ms",
            List.of("schema.change.behavior: evolve"));
    addColumnsAroundKills(
        server,
        database,
        pipeline,
        warehouse,
        "public",
        "TEXT",
        "ALTER COLUMN f SET DEFAULT 9",
        "TIMESTAMPTZ DEFAULT now()");
  }

  @Test
  void mariaDbExistingRowsReadTheDefaultsOfAddedColumns() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "added_defaults_maria";
    server.createDatabase(database);
    Path warehouse = work.resolve("warehouse");
    // lenient, the default behavior, adds columns too.
    Path pipeline =
        PipelineFiles.write(
            work, server, database, PipelineFiles.binlogTables(database, 5721), warehouse, "300ms");
    addColumnsAroundKills(
        server,
        database,
        pipeline,
        warehouse,
        database,
        "VARCHAR(20)",
        "ALTER COLUMN f SET DEFAULT 9",
        "TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP");
  }

  @Test
  void appendTablesGiveEveryEarlierChangeTheDefault() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "added_defaults_append";
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'one')");
    Path warehouse = work.resolve("warehouse");
    List<String> sink = new ArrayList<>(PipelineFiles.hadoopSink(warehouse));
    sink.add("write.mode: append");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve(database + ".yaml"),
            server,
            server.username(),
            server.password(),
            database,
            PipelineFiles.postgresTables(database),
            sink,
            "300ms",
            List.of());
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitChanges(cdcSync, warehouse, 1);
      server.execute(database, "UPDATE t SET v = 'uno' WHERE id = 1");
      awaitChanges(cdcSync, warehouse, 2);
      server.execute(
          database,
          "ALTER TABLE t ADD COLUMN f INT NOT NULL DEFAULT 7",
          "INSERT INTO t (id, v) VALUES (2, 'two')");
      awaitChanges(cdcSync, warehouse, 3);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    // The snapshot row and the update were written before the column: they read its default.
    assertThat(IcebergRows.list(warehouse, "public", "t"))
        .extracting(row -> row.get("id") + "/" + row.get("v") + "/" + row.get("f"))
        .containsExactlyInAnyOrder("1/one/7", "1/uno/7", "2/two/7");
  }

  /**
   * Rows in Iceberg before the columns are added (a snapshot row, an update with its deletes, a
   * delete), columns added while cdc-sync is killed, then one added while it runs and a kill
   * right after it applied that one. Last, a column with a default the source computes: rows
   * read NULL in it, with a warning, never a made-up value.
   */
  private void addColumnsAroundKills(
      TestDatabaseServer server,
      String database,
      Path pipeline,
      Path warehouse,
      String namespace,
      String text,
      String changeDefault,
      String computedDefault)
      throws Exception {
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, v " + text + ")",
        "INSERT INTO t VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitEqual(cdcSync, server, database, warehouse, namespace);
      server.execute(
          database, "UPDATE t SET v = 'deux' WHERE id = 2", "DELETE FROM t WHERE id = 3");
      awaitEqual(cdcSync, server, database, warehouse, namespace);
      cdcSync.kill();
    }
    server.execute(
        database,
        "ALTER TABLE t ADD COLUMN f INT DEFAULT 7",
        "ALTER TABLE t ADD COLUMN g " + text + " NOT NULL DEFAULT 'x'",
        "ALTER TABLE t ADD COLUMN n INT",
        "INSERT INTO t (id, v) VALUES (4, 'four')",
        "INSERT INTO t VALUES (5, 'five', 8, 'y', 1)");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitEqual(cdcSync, server, database, warehouse, namespace);
      assertThat(sourceRows(server, database).get(1))
          .containsEntry("f", "7")
          .containsEntry("g", "x");
      // A changed default is for later inserts only.
      server.execute(
          database, "ALTER TABLE t " + changeDefault, "INSERT INTO t (id, v) VALUES (6, 'six')");
      awaitEqual(cdcSync, server, database, warehouse, namespace);
      assertThat(sourceRows(server, database).get(6)).containsEntry("f", "9");
      server.execute(
          database,
          "ALTER TABLE t ADD COLUMN d DATE DEFAULT '2020-02-02'",
          "INSERT INTO t (id, v) VALUES (7, 'seven')");
      await("the column d is added")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> cdcSync.output().contains("the default of column(s) [d]"));
      cdcSync.kill();
    }
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitEqual(cdcSync, server, database, warehouse, namespace);
      assertThat(sourceRows(server, database).get(1)).containsEntry("d", "2020-02-02");

      server.execute(
          database,
          "ALTER TABLE t ADD COLUMN ts " + computedDefault,
          "INSERT INTO t (id, v) VALUES (8, 'eight')");
      await("row 8 arrives")
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () -> assertThat(IcebergRows.rows(warehouse, namespace, "t", "id")).containsKey(8));
      Map<Object, Map<String, Object>> rows = IcebergRows.rows(warehouse, namespace, "t", "id");
      assertThat(rows.get(8).get("ts")).isNotNull();
      assertThat(rows.get(1).get("ts")).isNull();
      assertThat(cdcSync.output())
          .contains("rows that existed when column ts was added read NULL in it");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private static void awaitEqual(
      CdcSyncProcess cdcSync,
      TestDatabaseServer server,
      String database,
      Path warehouse,
      String namespace) {
    await("t equals the source")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              assertThat(IcebergRows.exists(warehouse, namespace, "t")).isTrue();
              Map<Object, Map<String, String>> iceberg = new TreeMap<>();
              IcebergRows.rows(warehouse, namespace, "t", "id")
                  .forEach((id, row) -> iceberg.put(id, text(row)));
              assertThat(iceberg).as(cdcSync::describe).isEqualTo(sourceRows(server, database));
            });
  }

  private static void awaitChanges(CdcSyncProcess cdcSync, Path warehouse, int count) {
    await("t holds " + count + " changes")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              assertThat(IcebergRows.exists(warehouse, "public", "t")).isTrue();
              assertThat(IcebergRows.list(warehouse, "public", "t")).hasSize(count);
            });
  }

  /** The source's rows by id, each value as text. */
  private static Map<Object, Map<String, String>> sourceRows(
      TestDatabaseServer server, String database) throws Exception {
    Map<Object, Map<String, String>> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM t")) {
      ResultSetMetaData columns = result.getMetaData();
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns.getColumnCount(); i++) {
          row.put(columns.getColumnLabel(i), result.getObject(i));
        }
        rows.put(result.getInt("id"), text(row));
      }
    }
    return rows;
  }

  private static Map<String, String> text(Map<String, Object> row) {
    Map<String, String> text = new TreeMap<>();
    row.forEach((name, value) -> text.put(name, String.valueOf(value)));
    return text;
  }
}
