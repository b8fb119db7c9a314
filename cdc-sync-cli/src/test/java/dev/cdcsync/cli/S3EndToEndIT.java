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
        CdcSyncProcess.start(work, environment, "run", slow.toString(), "--progress-interval", "1")) {
      awaitRows(cdcSync, catalog, Map.of(1L, item(1, "one", 1), 2L, item(2, "two", 2)));

      // A second instance finds the first one's lease in the bucket and refuses to start.
      try (CdcSyncProcess second = CdcSyncProcess.start(work, environment, "run", slow.toString())) {
        assertThat(second.waitFor(60)).as(second.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(second.errors())
            .contains("Error: Cannot start pipeline '" + DATABASE + "': another instance (epoch 1, ")
            .contains("(state in " + warehouse + "/.cdc-sync/" + DATABASE + "/)");
        assertNoSecretIn(store, second);
      }

      server.execute(DATABASE, "INSERT INTO items VALUES (3, 'three', 3)", "UPDATE items SET qty = 11 WHERE id = 1",
          "DELETE FROM items WHERE id = 2");
      await("the changes are read")
          .atMost(Duration.ofSeconds(60))
          .until(() -> cdcSync.output().contains(", 5 changes read") || !cdcSync.isAlive());
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output() + cdcSync.errors()).contains("state in " + warehouse + "/.cdc-sync/" + DATABASE);
      assertNoSecretIn(store, cdcSync);
    }
    assertThat(rows(catalog)).isEqualTo(new TreeMap<>(Map.of(1L, item(1, "one", 11), 3L, item(3, "three", 3))));
    assertThat(stateFiles(store))
        .anyMatch(name -> name.startsWith("epoch-"))
        .anyMatch(name -> name.startsWith("checkpoint-"));

    try (CdcSyncProcess status = CdcSyncProcess.start(work, environment, "status", slow.toString())) {
      assertThat(status.waitFor(60)).as(status.describe()).isEqualTo(ExitCodes.OK);
      assertThat(status.output())
          .contains("Pipeline '" + DATABASE + "' (state in " + warehouse + "/.cdc-sync/" + DATABASE + "/)")
          .containsPattern("last checkpoint \\d+ at \\S+ \\([\\d.]+s ago\\) by instance epoch 1");
      assertNoSecretIn(store, status);
    }

    // Restart from the state in the bucket: no second snapshot, and new changes arrive.
    server.execute(DATABASE, "INSERT INTO items VALUES (4, 'four', 4)");
    Path fast = writePipeline(server, store, catalogFile, warehouse, "1s");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, environment, "run", fast.toString(), "--progress-interval", "1")) {
      awaitRows(
          cdcSync, catalog, Map.of(1L, item(1, "one", 11), 3L, item(3, "three", 3), 4L, item(4, "four", 4)));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output()).contains(", 1 changes read");
      assertNoSecretIn(store, cdcSync);
    }
    assertThat(stateFiles(store)).anyMatch(name -> name.equals(String.format("epoch-%020d", 2)));

    // Nothing of the pipeline's state is on local disk: only the pipeline files, the catalog's
    // database file and the processes' output are in the working directory.
    try (Stream<Path> files = Files.walk(work)) {
      assertThat(files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()))
          .allMatch(name -> name.endsWith(".yaml") || name.endsWith(".out") || name.endsWith(".err")
              || name.startsWith("catalog.db"));
    }
    assertThat(work.resolve(".cdc-sync")).doesNotExist();
  }

  private Path writePipeline(
      TestDatabaseServer server, TestObjectStore store, Path catalogFile, String warehouse, String interval)
      throws IOException {
    List<String> lines =
        List.of(
            "source:",
            "  type: postgres",
            "  hostname: " + server.host(),
            "  port: " + server.port(),
            "  username: " + server.username(),
            "  password: " + server.password(),
            "  tables: " + DATABASE + ".public.\\.*",
            "  slot.name: slot_" + DATABASE,
            "sink:",
            "  type: iceberg",
            "  catalog.properties.type: jdbc",
            "  catalog.properties.uri: jdbc:sqlite:" + catalogFile,
            "  catalog.properties.warehouse: " + warehouse,
            "  catalog.properties.io-impl: org.apache.iceberg.aws.s3.S3FileIO",
            "  catalog.properties.s3.endpoint: " + store.endpoint(),
            "  catalog.properties.s3.path-style-access: true",
            "pipeline:",
            "  name: " + DATABASE,
            "  checkpoint.interval: " + interval);
    Path file = work.resolve(DATABASE + "-" + interval + ".yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static Catalog catalog(TestObjectStore store, Path catalogFile, String warehouse) {
    Map<String, String> options = new HashMap<>();
    options.put("catalog.properties.type", "jdbc");
    options.put("catalog.properties.uri", "jdbc:sqlite:" + catalogFile);
    options.put("catalog.properties.warehouse", warehouse);
    options.put("catalog.properties.io-impl", "org.apache.iceberg.aws.s3.S3FileIO");
    store.fileIoPropertiesWithCredentials()
        .forEach((key, value) -> options.put(IcebergSinkFactory.CATALOG_PREFIX + key, value));
    return IcebergSinkFactory.catalog(Configuration.of(options));
  }

  private static Map<Object, Map<String, Object>> rows(Catalog catalog) {
    TableIdentifier id = TableIdentifier.of("public", "items");
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    if (!catalog.tableExists(id)) {
      return rows;
    }
    Table table = catalog.loadTable(id);
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Object key = record.getField("id");
        Map<String, Object> row = item((Long) key, (String) record.getField("name"), (Integer) record.getField("qty"));
        assertThat(rows.put(key, row)).as("rows with id " + key).isNull();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }

  private static List<String> stateFiles(TestObjectStore store) {
    String prefix = DATABASE + "/warehouse/.cdc-sync/" + DATABASE + "/";
    try (S3Client client = store.client()) {
      return client.listObjectsV2(request -> request.bucket(BUCKET).prefix(prefix)).contents().stream()
          .map(S3Object::key)
          .map(key -> key.substring(prefix.length()))
          .toList();
    }
  }

  private static void assertNoSecretIn(TestObjectStore store, CdcSyncProcess process) {
    assertThat(process.output() + process.errors()).doesNotContain(store.secretAccessKey());
  }

  private static void awaitRows(CdcSyncProcess cdcSync, Catalog catalog, Map<Object, Map<String, Object>> expected) {
    await("public.items equals the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .failFast("cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(() -> assertThat(rows(catalog)).isEqualTo(new TreeMap<>(expected)));
  }

  private static Map<String, Object> item(long id, String name, int qty) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", name);
    row.put("qty", qty);
    return row;
  }
}
