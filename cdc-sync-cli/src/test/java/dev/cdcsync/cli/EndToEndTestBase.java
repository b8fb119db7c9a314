package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end through the real {@code cdc-sync} command: a real database, a pipeline file, a
 * separate cdc-sync process, and the Iceberg tables read back with Iceberg's generic reader and
 * compared value by value.
 */
abstract class EndToEndTestBase {

  /** One column of the all-types table: its SQL type, a SQL literal, and the value Iceberg must hold. */
  record TypeCase(String column, String sqlType, String literal, Object expected) {}

  @TempDir Path work;

  protected abstract TestDatabaseServer server();

  /** Statements run before the tables are created (types, users). */
  protected abstract List<String> setup(String database);

  /** Every supported type, with values at the edges of their ranges. */
  protected abstract List<TypeCase> typeCases();

  /** The source section's table option and source-specific options, as YAML lines. */
  protected abstract List<String> sourceOptions(String database);

  /** The namespace the sink tables get: the schema (PostgreSQL) or the database. */
  protected abstract String sinkNamespace(String database);

  /** Statements after a table exists (ownership, grants). */
  protected abstract List<String> afterCreate(String table);

  /** The user and password the pipeline connects with. */
  protected abstract String pipelineUser();

  protected abstract String pipelinePassword();

  protected String database() {
    return "e2e_" + server().sourceType();
  }

  @Test
  void replicatesTheSnapshotAndEveryKindOfChangeValueByValue() throws Exception {
    String database = database();
    TestDatabaseServer server = server();
    server.createDatabase(database);
    List<String> statements = new ArrayList<>(setup(database));
    statements.add("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)");
    statements.add(
        "CREATE TABLE all_types (id INT PRIMARY KEY, "
            + typeCases().stream()
                .map(c -> c.column() + " " + c.sqlType())
                .collect(Collectors.joining(", "))
            + ")");
    statements.addAll(afterCreate("items"));
    statements.addAll(afterCreate("all_types"));
    statements.add("INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
    statements.add(insertAllTypes(typeCases(), 1));
    statements.add("INSERT INTO all_types (id) VALUES (2)");
    server.execute(database, statements.toArray(String[]::new));

    Path warehouse = work.resolve("warehouse");
    Path pipelineFile = writePipeline(database, warehouse, "1s");
    String namespace = sinkNamespace(database);
    Map<Object, Map<String, Object>> expectedItems = new TreeMap<>();
    expectedItems.put(1L, item(1, "one", 1));
    expectedItems.put(2L, item(2, "two", 2));
    expectedItems.put(3L, item(3, "three", 3));

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work,
            Map.of("E2E_PASSWORD", pipelinePassword()),
            pipelineFile.toString(),
            "--progress-interval",
            "1")) {
      awaitRows(cdcSync, warehouse, namespace, "items", expectedItems);
      awaitAllTypes(cdcSync, warehouse, namespace, typeCases(), Set.of(1, 2));

      // Streaming: every change kind, a primary-key change, and one multi-row transaction.
      server.execute(
          database,
          "INSERT INTO items VALUES (4, 'four', 4)",
          "UPDATE items SET name = 'two, renamed', qty = 22 WHERE id = 2",
          "UPDATE items SET id = 30 WHERE id = 3",
          "DELETE FROM items WHERE id = 1",
          insertAllTypes(typeCases(), 3),
          "UPDATE all_types SET "
              + typeCases().get(0).column()
              + " = "
              + typeCases().get(0).literal()
              + " WHERE id = 2");
      server.executeInTransaction(
          database,
          "INSERT INTO items VALUES (5, 'five', 5), (6, 'six', 6), (7, 'seven', 7)",
          "UPDATE items SET qty = 44 WHERE id = 4",
          "DELETE FROM items WHERE id = 6");
      expectedItems.remove(1L);
      expectedItems.put(2L, item(2, "two, renamed", 22));
      expectedItems.remove(3L);
      expectedItems.put(30L, item(30, "three", 3));
      expectedItems.put(4L, item(4, "four", 44));
      expectedItems.put(5L, item(5, "five", 5));
      expectedItems.put(7L, item(7, "seven", 7));

      awaitRows(cdcSync, warehouse, namespace, "items", expectedItems);
      awaitAllTypes(cdcSync, warehouse, namespace, typeCases(), Set.of(1, 2, 3));

      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output() + cdcSync.errors())
          .contains("stopped cleanly")
          .doesNotContain(pipelinePassword());
    }

    assertThat(IcebergRows.rows(warehouse, namespace, "items", "id")).isEqualTo(expectedItems);
    assertAllTypes(warehouse, namespace, typeCases(), Set.of(1, 2, 3));
    assertOneCommitPerTablePerCheckpoint(IcebergRows.table(warehouse, namespace, "items"));
    Table allTypes = IcebergRows.table(warehouse, namespace, "all_types");
    assertThat(allTypes.schema().identifierFieldNames()).containsExactly("id");
    assertThat(
            ((org.apache.iceberg.HasTableOperations) allTypes)
                .operations()
                .current()
                .formatVersion())
        .isEqualTo(2);

    // After a restart the type mapping is the same: no column changes type (temporal and decimal
    // columns included), and a new row of every type reads back as before.
    org.apache.iceberg.Schema schemaBefore = allTypes.schema();
    server.execute(database, insertAllTypes(typeCases(), 4));
    try (CdcSyncProcess again =
        CdcSyncProcess.start(
            work,
            Map.of("E2E_PASSWORD", pipelinePassword()),
            pipelineFile.toString(),
            "--progress-interval",
            "1")) {
      awaitAllTypes(again, warehouse, namespace, typeCases(), Set.of(1, 2, 3, 4));
      assertThat(again.terminate(60)).as(again.describe()).isEqualTo(ExitCodes.OK);
    }
    org.apache.iceberg.Schema schemaAfter =
        IcebergRows.table(warehouse, namespace, "all_types").schema();
    assertThat(schemaAfter.sameSchema(schemaBefore))
        .as("%s%nbecame%n%s", schemaBefore, schemaAfter)
        .isTrue();
  }

  /**
   * A table created while the pipeline runs, with rows already in it when it is noticed (on
   * PostgreSQL they are copied; the binlog streams them), then streamed changes: every type reads
   * back the same on both paths.
   */
  @Test
  void aTableCreatedWhileRunningArrivesValueByValue() throws Exception {
    List<TypeCase> cases = typeCases();
    String database = database() + "_new";
    TestDatabaseServer server = server();
    server.createDatabase(database);
    List<String> statements = new ArrayList<>(setup(database));
    statements.add("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)");
    statements.addAll(afterCreate("items"));
    statements.add("INSERT INTO items VALUES (1, 'one', 1)");
    server.execute(database, statements.toArray(String[]::new));
    Path warehouse = work.resolve("warehouse");
    Path pipelineFile = writePipeline(database, warehouse, "1s");
    String namespace = sinkNamespace(database);

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of("E2E_PASSWORD", pipelinePassword()), pipelineFile.toString())) {
      awaitRows(cdcSync, warehouse, namespace, "items", Map.of(1L, item(1, "one", 1)));
      List<String> create = new ArrayList<>();
      create.add(
          "CREATE TABLE all_types (id INT PRIMARY KEY, "
              + cases.stream()
                  .map(c -> c.column() + " " + c.sqlType())
                  .collect(Collectors.joining(", "))
              + ")");
      create.addAll(afterCreate("all_types"));
      create.add(insertAllTypes(cases, 1));
      create.add("INSERT INTO all_types (id) VALUES (2)");
      server.executeInTransaction(database, create.toArray(String[]::new));
      awaitAllTypes(cdcSync, warehouse, namespace, cases, Set.of(1, 2));
      server.execute(
          database,
          insertAllTypes(cases, 3),
          "UPDATE all_types SET "
              + cases.get(0).column()
              + " = "
              + cases.get(0).literal()
              + " WHERE id = 2");
      awaitAllTypes(cdcSync, warehouse, namespace, cases, Set.of(1, 2, 3));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void commitsWhatItBufferedWhenStoppedAndResumesWhereItStopped() throws Exception {
    String database = database() + "_stop";
    TestDatabaseServer server = server();
    server.createDatabase(database);
    List<String> statements = new ArrayList<>(setup(database));
    statements.add("CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)");
    statements.add("CREATE TABLE all_types (id INT PRIMARY KEY)");
    statements.addAll(afterCreate("items"));
    statements.addAll(afterCreate("all_types"));
    statements.add("INSERT INTO items VALUES (1, 'one', 1)");
    server.execute(database, statements.toArray(String[]::new));
    Path warehouse = work.resolve("warehouse");
    // An hour between checkpoints: only the stop can commit the streamed rows.
    Path pipelineFile = writePipeline(database, warehouse, "1h");
    String namespace = sinkNamespace(database);

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work,
            Map.of("E2E_PASSWORD", pipelinePassword()),
            "run",
            pipelineFile.toString(),
            "--progress-interval",
            "1")) {
      awaitRows(cdcSync, warehouse, namespace, "items", Map.of(1L, item(1, "one", 1)));
      server.execute(
          database,
          "INSERT INTO items VALUES (2, 'two', 2)",
          "UPDATE items SET qty = 11 WHERE id = 1");
      await("the change is read")
          .atMost(Duration.ofSeconds(60))
          .until(() -> cdcSync.output().contains(", 3 changes read") || !cdcSync.isAlive());
      assertThat(IcebergRows.rows(warehouse, namespace, "items", "id")).hasSize(1);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    assertThat(IcebergRows.rows(warehouse, namespace, "items", "id"))
        .isEqualTo(new TreeMap<>(Map.of(1L, item(1, "one", 11), 2L, item(2, "two", 2))));
    try (CdcSyncProcess status =
        CdcSyncProcess.start(
            work, Map.of("E2E_PASSWORD", pipelinePassword()), "status", pipelineFile.toString())) {
      assertThat(status.waitFor(60)).as(status.describe()).isEqualTo(ExitCodes.OK);
      assertThat(status.output())
          .contains("Pipeline '" + database + "' (state in ")
          .containsPattern("last checkpoint 2 at \\S+ \\([\\d.]+s ago\\) by instance epoch 1")
          .containsPattern(
              namespace
                  + "\\.items +checkpoint 2 +committed [\\d.]+s ago +[\\d.]+s behind the source then");
    }

    // Restart: no snapshot again, no change applied twice, and new changes still arrive.
    server.execute(database, "INSERT INTO items VALUES (3, 'three', 3)");
    long snapshotsBefore = countSnapshots(IcebergRows.table(warehouse, namespace, "items"));
    Path fastPipeline = writePipeline(database, warehouse, "1s");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work,
            Map.of("E2E_PASSWORD", pipelinePassword()),
            fastPipeline.toString(),
            "--progress-interval",
            "1")) {
      Map<Object, Map<String, Object>> expected =
          new TreeMap<>(
              Map.of(1L, item(1, "one", 11), 2L, item(2, "two", 2), 3L, item(3, "three", 3)));
      awaitRows(cdcSync, warehouse, namespace, "items", expected);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output()).contains(", 1 changes read");
    }
    Table items = IcebergRows.table(warehouse, namespace, "items");
    assertThat(countSnapshots(items)).isEqualTo(snapshotsBefore + 1);
    // Inserts of new keys take no equality delete, in the first run and in the resumed one: only
    // the update of a committed row does.
    long equalityDeletes = 0;
    for (Snapshot snapshot : items.snapshots()) {
      equalityDeletes +=
          Long.parseLong(snapshot.summary().getOrDefault("added-equality-deletes", "0"));
    }
    assertThat(equalityDeletes).isEqualTo(1);
    assertThat(items.currentSnapshot().summary()).containsEntry("cdc-sync.mirrors-source", "true");
  }

  private static String insertAllTypes(List<TypeCase> cases, int id) {
    return "INSERT INTO all_types (id, "
        + cases.stream().map(TypeCase::column).collect(Collectors.joining(", "))
        + ") VALUES ("
        + id
        + ", "
        + cases.stream().map(TypeCase::literal).collect(Collectors.joining(", "))
        + ")";
  }

  private Path writePipeline(String database, Path warehouse, String checkpointInterval)
      throws Exception {
    return PipelineFiles.write(
        work.resolve(database + "-" + checkpointInterval + ".yaml"),
        server(),
        pipelineUser(),
        "${E2E_PASSWORD}",
        database,
        sourceOptions(database),
        warehouse,
        checkpointInterval,
        List.of());
  }

  private static Map<String, Object> item(long id, String name, int qty) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", name);
    row.put("qty", qty);
    return row;
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync,
      Path warehouse,
      String namespace,
      String table,
      Map<Object, Map<String, Object>> expected) {
    await(namespace + "." + table + " equals the source")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () ->
                assertThat(IcebergRows.rows(warehouse, namespace, table, "id"))
                    .isEqualTo(expected));
  }

  private static void awaitAllTypes(
      CdcSyncProcess cdcSync,
      Path warehouse,
      String namespace,
      List<TypeCase> cases,
      Set<Integer> ids) {
    await(namespace + ".all_types equals the source")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(() -> assertAllTypes(warehouse, namespace, cases, ids));
  }

  /** Rows 1 and 3 hold every type's sample value, row 2 NULLs but for the first column. */
  private static void assertAllTypes(
      Path warehouse, String namespace, List<TypeCase> cases, Set<Integer> ids) {
    Map<Object, Map<String, Object>> rows =
        IcebergRows.rows(warehouse, namespace, "all_types", "id");
    assertThat(rows.keySet()).isEqualTo(new HashSet<>(ids));
    for (int id : ids) {
      Map<String, Object> expected = new LinkedHashMap<>();
      expected.put("id", id);
      for (int i = 0; i < cases.size(); i++) {
        TypeCase typeCase = cases.get(i);
        boolean nullRow = id == 2 && !(i == 0 && ids.contains(3));
        expected.put(typeCase.column(), nullRow ? null : typeCase.expected());
      }
      assertThat(rows.get(id)).as("all_types row " + id).isEqualTo(expected);
    }
  }

  private static void assertOneCommitPerTablePerCheckpoint(Table table) {
    List<Long> checkpointIds = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      assertThat(snapshot.summary())
          .containsKey("cdc-sync.checkpoint-id")
          .containsKey("cdc-sync.pipeline");
      checkpointIds.add(Long.parseLong(snapshot.summary().get("cdc-sync.checkpoint-id")));
    }
    assertThat(checkpointIds).isSorted().doesNotHaveDuplicates();
  }

  private static long countSnapshots(Table table) {
    long count = 0;
    for (Snapshot ignored : table.snapshots()) {
      count++;
    }
    return count;
  }
}
