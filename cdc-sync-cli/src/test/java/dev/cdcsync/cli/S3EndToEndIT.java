package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.iceberg.IcebergSinkFactory;
import dev.cdcsync.iceberg.testing.TestObjectStore;
import dev.cdcsync.iceberg.testing.TestObjectStores;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * PostgreSQL into Iceberg tables whose data and metadata live in an S3-compatible object store
 * (S3FileIO, a JDBC catalog on SQLite), with the pipeline's state in the same bucket: no local
 * state at all, credentials only in the environment, and a restart that resumes from the state
 * found in the bucket.
 */
class S3EndToEndIT {

  private static final String BUCKET = "lake";
  private static final String DATABASE = "s3_e2e";

  @TempDir Path work;

  @Test
  void replicatesIntoAnObjectStoreWithTheStateInTheSameBucketAndResumesFromIt() throws Exception {
    TestObjectStore store = TestObjectStores.s3();
    store.createBucket(BUCKET);
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase(DATABASE);
    server.execute(
        DATABASE,
        "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(100), qty INT)",
        "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2)");
    String warehouse = "s3://" + BUCKET + "/" + DATABASE + "/warehouse";
    Path catalogFile = work.resolve("catalog.db");
    Map<String, String> environment = store.environment();
    // The test reads through its own catalog, opened before cdc-sync so the two never race to
    // create the catalog's tables.
    Catalog catalog = catalog(store, catalogFile, warehouse);

    Path slow = writePipeline(server, store, catalogFile, warehouse, "1h");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, environment, "run", slow.toString(), "--progress-interval", "1")) {
      awaitRows(cdcSync, catalog, Map.of(1L, item(1, "one", 1), 2L, item(2, "two", 2)));

      // A second instance finds the first one's lease in the bucket and waits for it.
      try (CdcSyncProcess second =
          CdcSyncProcess.start(work, environment, "run", slow.toString())) {
        await("the second instance waits")
            .atMost(Duration.ofSeconds(60))
            .failFast(
                "the second instance exited",
                () -> assertThat(second.isAlive()).as(second::describe).isTrue())
            .until(
                () ->
                    second
                        .describe()
                        .contains("Pipeline '" + DATABASE + "': another instance (epoch 1, "));
        assertThat(second.describe())
            .contains("waiting until it stops")
            .contains("(state in " + warehouse + "/.cdc-sync/" + DATABASE + ")");
        assertThat(second.terminate(30)).as(second.describe()).isEqualTo(ExitCodes.OK);
        assertNoSecretIn(store, second);
      }

      server.execute(
          DATABASE,
          "INSERT INTO items VALUES (3, 'three', 3)",
          "UPDATE items SET qty = 11 WHERE id = 1",
          "DELETE FROM items WHERE id = 2");
      await("the changes are read")
          .atMost(Duration.ofSeconds(60))
          .until(() -> cdcSync.output().contains(", 5 changes read") || !cdcSync.isAlive());
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output() + cdcSync.errors())
          .contains("state in " + warehouse + "/.cdc-sync/" + DATABASE);
      assertNoSecretIn(store, cdcSync);
    }
    assertThat(rows(catalog))
        .isEqualTo(new TreeMap<>(Map.of(1L, item(1, "one", 11), 3L, item(3, "three", 3))));
    assertThat(stateFiles(store))
        .anyMatch(name -> name.startsWith("epoch-"))
        .anyMatch(name -> name.startsWith("checkpoint-"));

    try (CdcSyncProcess status =
        CdcSyncProcess.start(work, environment, "status", slow.toString())) {
      assertThat(status.waitFor(60)).as(status.describe()).isEqualTo(ExitCodes.OK);
      assertThat(status.output())
          .contains(
              "Pipeline '"
                  + DATABASE
                  + "' (state in "
                  + warehouse
                  + "/.cdc-sync/"
                  + DATABASE
                  + "/)")
          .containsPattern("last checkpoint \\d+ at \\S+ \\([\\d.]+s ago\\) by instance epoch 1");
      assertNoSecretIn(store, status);
    }

    // Restart from the state in the bucket: no second snapshot, and new changes arrive.
    server.execute(DATABASE, "INSERT INTO items VALUES (4, 'four', 4)");
    Path fast = writePipeline(server, store, catalogFile, warehouse, "1s");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, environment, "run", fast.toString(), "--progress-interval", "1")) {
      awaitRows(
          cdcSync,
          catalog,
          Map.of(1L, item(1, "one", 11), 3L, item(3, "three", 3), 4L, item(4, "four", 4)));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output()).contains(", 1 changes read");
      assertNoSecretIn(store, cdcSync);
    }
    assertThat(stateFiles(store)).anyMatch(name -> name.equals(String.format("epoch-%020d", 2)));

    // Nothing of the pipeline's state is on local disk: only the pipeline files, the catalog's
    // database file and the processes' output are in the working directory.
    try (Stream<Path> files = Files.walk(work)) {
      assertThat(files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()))
          .allMatch(
              name ->
                  name.endsWith(".yaml")
                      || name.endsWith(".out")
                      || name.endsWith(".err")
                      || name.startsWith("catalog.db"));
    }
    assertThat(work.resolve(".cdc-sync")).doesNotExist();
  }

  /** MariaDB's schema history lives in the bucket too: a restart after DDL reads the binlog on. */
  @Test
  void keepsTheMariaDbSchemaHistoryInTheBucketAcrossARestart() throws Exception {
    TestObjectStore store = TestObjectStores.s3();
    store.createBucket(BUCKET);
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "s3_e2e_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20))",
        "INSERT INTO t VALUES (1, 'one')");
    String warehouse = "s3://" + BUCKET + "/" + database + "/warehouse";
    Path catalogFile = work.resolve("catalog.db");
    Catalog catalog = catalog(store, catalogFile, warehouse);
    TableIdentifier id = TableIdentifier.of(database, "t");
    List<String> columns = List.of("id", "a", "b");
    Path file =
        writePipeline(
            server,
            List.of("tables: " + database + ".\\.*", "server-id: 5731", "server-time-zone: UTC"),
            database,
            store,
            catalogFile,
            warehouse,
            "1s");

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, store.environment(), "run", file.toString(), "--progress-interval", "1")) {
      awaitRows(cdcSync, () -> rows(catalog, id, columns), Map.of(1, row(1, "one", null)));
      server.execute(
          database, "ALTER TABLE t ADD COLUMN b INT", "INSERT INTO t VALUES (2, 'two', 2)");
      awaitRows(
          cdcSync,
          () -> rows(catalog, id, columns),
          Map.of(1, row(1, "one", null), 2, row(2, "two", 2)));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertNoSecretIn(store, cdcSync);
    }
    assertThat(stateFiles(store, database + "/warehouse/.cdc-sync/" + database + "/"))
        .anyMatch(name -> name.startsWith("schema-history-"));

    server.execute(database, "INSERT INTO t VALUES (3, 'three', 3)");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, store.environment(), "run", file.toString(), "--progress-interval", "1")) {
      awaitRows(
          cdcSync,
          () -> rows(catalog, id, columns),
          Map.of(1, row(1, "one", null), 2, row(2, "two", 2), 3, row(3, "three", 3)));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output()).contains(", 1 changes read");
      assertNoSecretIn(store, cdcSync);
    }
    assertThat(work.resolve(".cdc-sync")).doesNotExist();
  }

  private static Map<String, Object> row(int id, String a, Integer b) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("a", a);
    row.put("b", b);
    return row;
  }

  private Path writePipeline(
      TestDatabaseServer server,
      TestObjectStore store,
      Path catalogFile,
      String warehouse,
      String interval)
      throws IOException {
    return writePipeline(
        server,
        List.of("tables: " + DATABASE + ".public.\\.*", "slot.name: slot_" + DATABASE),
        DATABASE,
        store,
        catalogFile,
        warehouse,
        interval);
  }

  private Path writePipeline(
      TestDatabaseServer server,
      List<String> sourceLines,
      String name,
      TestObjectStore store,
      Path catalogFile,
      String warehouse,
      String interval)
      throws IOException {
    List<String> lines = new java.util.ArrayList<>();
    lines.addAll(
        List.of(
            "source:",
            "  type: " + server.sourceType(),
            "  hostname: " + server.host(),
            "  port: " + server.port(),
            "  username: " + server.username(),
            "  password: " + server.password()));
    sourceLines.forEach(line -> lines.add("  " + line));
    lines.addAll(
        List.of(
            "sink:",
            "  type: iceberg",
            "  catalog.properties.type: jdbc",
            "  catalog.properties.uri: jdbc:sqlite:" + catalogFile,
            "  catalog.properties.warehouse: " + warehouse,
            "  catalog.properties.io-impl: org.apache.iceberg.aws.s3.S3FileIO",
            "  catalog.properties.s3.endpoint: " + store.endpoint(),
            "  catalog.properties.s3.path-style-access: true",
            "pipeline:",
            "  name: " + name,
            "  checkpoint.interval: " + interval));
    Path file = work.resolve(name + "-" + interval + ".yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static Catalog catalog(TestObjectStore store, Path catalogFile, String warehouse) {
    Map<String, String> options = new HashMap<>();
    options.put("catalog.properties.type", "jdbc");
    options.put("catalog.properties.uri", "jdbc:sqlite:" + catalogFile);
    options.put("catalog.properties.warehouse", warehouse);
    options.put("catalog.properties.io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    store
        .fileIoPropertiesWithCredentials()
        .forEach((key, value) -> options.put(IcebergSinkFactory.CATALOG_PREFIX + key, value));
    return IcebergSinkFactory.catalog(Configuration.of(options));
  }

  private static Map<Object, Map<String, Object>> rows(Catalog catalog) {
    return rows(catalog, TableIdentifier.of("public", "items"), List.of("id", "name", "qty"));
  }

  /** Every row as the given columns' values, keyed by the first. */
  private static Map<Object, Map<String, Object>> rows(
      Catalog catalog, TableIdentifier id, List<String> columns) {
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    if (!catalog.tableExists(id)) {
      return rows;
    }
    Table table = catalog.loadTable(id);
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Object key = record.getField(columns.get(0));
        Map<String, Object> row = new LinkedHashMap<>();
        columns.forEach(
            column ->
                row.put(
                    column,
                    table.schema().findField(column) == null ? null : record.getField(column)));
        assertThat(rows.put(key, row)).as("rows with id " + key).isNull();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static List<String> stateFiles(TestObjectStore store) {
    return stateFiles(store, DATABASE + "/warehouse/.cdc-sync/" + DATABASE + "/");
  }

  private static List<String> stateFiles(TestObjectStore store, String prefix) {
    try (S3Client client = store.client()) {
      return client
          .listObjectsV2(request -> request.bucket(BUCKET).prefix(prefix))
          .contents()
          .stream()
          .map(S3Object::key)
          .map(key -> key.substring(prefix.length()))
          .toList();
    }
  }

  private static void assertNoSecretIn(TestObjectStore store, CdcSyncProcess process) {
    assertThat(process.output() + process.errors()).doesNotContain(store.secretAccessKey());
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync, Catalog catalog, Map<Object, Map<String, Object>> expected) {
    awaitRows(cdcSync, () -> rows(catalog), expected);
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync,
      java.util.function.Supplier<Map<Object, Map<String, Object>>> rows,
      Map<?, Map<String, Object>> expected) {
    await("the sink table equals the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> assertThat(rows.get()).as(cdcSync::describe).isEqualTo(new TreeMap<>(expected)));
  }

  private static Map<String, Object> item(long id, String name, int qty) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", name);
    row.put("qty", qty);
    return row;
  }
}
