package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 7 for PostgreSQL's unchanged TOAST values: an update that does not touch a large
 * {@code text}, {@code jsonb} or {@code bytea} value (stored out of line) leaves it out of the
 * WAL, and the Iceberg row must still hold the value, never a placeholder or a null — for rows of
 * the snapshot and streamed rows, across a kill -9, in upsert and append tables, with the default
 * replica identity and with FULL.
 */
class PostgresToastIT {

  /** Columns compared with the source; {@code doc} and {@code body} are stored out of line. */
  private static final String COLUMNS = "id, small, body, doc, blob";

  @TempDir Path work;

  private final TestDatabaseServer server = TestDatabases.postgres();

  @Test
  void upsertTablesKeepUnchangedValuesThroughSnapshotStreamingAndACrash() throws Exception {
    String database = "toast_upsert";
    server.createDatabase(database);
    server.execute(database, createTable("docs"));
    server.execute(database, insertBig("docs", 1), insertBig("docs", 2), insertBig("docs", 3));
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.write(
            work, server, "toast_upsert", PipelineFiles.postgresTables(database), warehouse, "1s");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitEqualToSource(cdcSync, database, warehouse, "docs");
      // Streaming: a row of the snapshot and a streamed row, updated without touching the values.
      server.execute(
          database,
          insertBig("docs", 4),
          "UPDATE docs SET small = small + 10 WHERE id IN (1, 4)",
          "UPDATE docs SET small = small + 1 WHERE id = 1");
      awaitEqualToSource(cdcSync, database, warehouse, "docs");
      cdcSync.kill();
    }

    // While it is down: updates of snapshot and streamed rows, a row updated and then deleted (its
    // values cannot be read back any more), a row inserted and updated, a key change.
    server.execute(
        database,
        "UPDATE docs SET small = small + 100 WHERE id IN (2, 4)",
        "UPDATE docs SET small = small + 100 WHERE id = 3",
        "DELETE FROM docs WHERE id = 3",
        insertBig("docs", 5),
        "UPDATE docs SET small = small + 100 WHERE id = 5",
        "UPDATE docs SET id = 6 WHERE id = 1");
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitEqualToSource(cdcSync, database, warehouse, "docs");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output() + cdcSync.errors())
          .as("the update of row 3, deleted before it could be read back, is reported")
          .contains("its row is gone from the source");
    }
    assertThat(IcebergRows.rows(warehouse, "public", "docs", "id").keySet())
        .containsExactly(2, 4, 5, 6);
  }

  @Test
  void appendTablesHoldEveryUpdateWithItsUnchangedValues() throws Exception {
    String database = "toast_append";
    server.createDatabase(database);
    server.execute(
        database,
        createTable("docs"),
        createTable("full_docs"),
        "ALTER TABLE full_docs REPLICA IDENTITY FULL");
    Path warehouse = work.resolve("warehouse");
    List<String> sink = new ArrayList<>(PipelineFiles.hadoopSink(warehouse));
    sink.add("write.mode: append");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("toast_append.yaml"),
            server,
            server.username(),
            server.password(),
            "toast_append",
            PipelineFiles.postgresTables(database),
            sink,
            "1s",
            List.of());
    try (CdcSyncProcess validate =
        CdcSyncProcess.start(work, Map.of(), "validate", pipeline.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.OK);
      assertThat(validate.output())
          .contains(
              "ok      unchanged values \"public\".\"docs\": an update that leaves body, doc, blob unchanged may leave"
                  + " their values out (TOAST)")
          .contains("run ALTER TABLE \"public\".\"docs\" REPLICA IDENTITY FULL;")
          .doesNotContain("unchanged values \"public\".\"full_docs\"");
    }
    server.execute(database, insertBig("docs", 1), insertBig("full_docs", 1));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      for (String table : List.of("docs", "full_docs")) {
        awaitChanges(cdcSync, warehouse, table, 1);
      }
      for (String table : List.of("docs", "full_docs")) {
        server.execute(
            database,
            insertBig(table, 2),
            "UPDATE " + table + " SET small = small + 1 WHERE id IN (1, 2)",
            "UPDATE " + table + " SET small = small + 1 WHERE id IN (1, 2)");
      }
      for (String table : List.of("docs", "full_docs")) {
        Map<Object, Map<String, Object>> expected = sourceRows(database, table);
        // One row per change: a snapshot row or insert and two updates per key, each with the
        // values.
        awaitChanges(cdcSync, warehouse, table, 6);
        for (Map<String, Object> change : IcebergRows.list(warehouse, "public", table)) {
          Map<String, Object> row = expected.get(change.get("id"));
          assertThat(bigValues(change))
              .as("%s %s", table, change.get("_cdc_op"))
              .isEqualTo(bigValues(row));
        }
      }
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private static void awaitChanges(
      CdcSyncProcess cdcSync, Path warehouse, String table, int count) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () ->
                assertThat(IcebergRows.list(warehouse, "public", table))
                    .as(cdcSync.describe())
                    .hasSize(count));
  }

  private static String createTable(String table) {
    return "CREATE TABLE "
        + table
        + " (id INT PRIMARY KEY, small INT, body TEXT, doc JSONB, blob BYTEA)";
  }

  /** A row whose body (~100 kB of text), doc and blob are too large to stay in the row. */
  private static String insertBig(String table, int id) {
    return "INSERT INTO "
        + table
        + " SELECT "
        + id
        + ", "
        + id
        + ", b, jsonb_build_object('id', "
        + id
        + ", 'body', b), decode(b, 'hex') FROM (SELECT string_agg(md5(random()::text), '') AS b"
        + " FROM generate_series(1, 3200)) AS big";
  }

  private void awaitEqualToSource(
      CdcSyncProcess cdcSync, String database, Path warehouse, String table) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              Map<Object, Map<String, Object>> source = sourceRows(database, table);
              Map<Object, Map<String, Object>> iceberg =
                  IcebergRows.rows(warehouse, "public", table, "id");
              assertThat(iceberg.keySet()).as(cdcSync.describe()).isEqualTo(source.keySet());
              for (Object id : source.keySet()) {
                assertThat(iceberg.get(id).get("small"))
                    .as("small of row %s", id)
                    .isEqualTo(source.get(id).get("small"));
                assertThat(bigValues(iceberg.get(id)))
                    .as("row %s", id)
                    .isEqualTo(bigValues(source.get(id)));
              }
            });
  }

  /** The large values of a row, bytes as hex, so that a mismatch prints their starts and lengths. */
  private static List<String> bigValues(Map<String, Object> row) {
    ByteBuffer blob = ((ByteBuffer) row.get("blob")).duplicate();
    byte[] bytes = new byte[blob.remaining()];
    blob.get(bytes);
    return List.of(
        describe((String) row.get("body")),
        describe((String) row.get("doc")),
        describe(HexFormat.of().formatHex(bytes)));
  }

  private static String describe(String value) {
    return value == null
        ? "null"
        : value.length()
            + " chars: "
            + value.substring(0, Math.min(40, value.length()))
            + " … "
            + value.substring(Math.max(0, value.length() - 40))
            + " #"
            + value.hashCode();
  }

  private Map<Object, Map<String, Object>> sourceRows(String database, String table)
      throws Exception {
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT " + COLUMNS + " FROM " + table)) {
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", result.getInt("id"));
        row.put("small", result.getInt("small"));
        row.put("body", result.getString("body"));
        row.put("doc", result.getString("doc"));
        row.put("blob", ByteBuffer.wrap(result.getBytes("blob")));
        rows.put(result.getInt("id"), row);
      }
    }
    return rows;
  }
}
