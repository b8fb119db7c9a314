package dev.cdcsync.spark;

import static dev.cdcsync.spark.SparkTesting.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark SQL (local mode, Iceberg's Spark runtime) reads the tables the shipped cdc-sync jar writes
 * from PostgreSQL and finds the source's rows: upsert tables with equality deletes (rows changed
 * after their commit) and position deletes (rows changed in the commit that wrote them), the same
 * in format v3 with deletion vectors, a changelog table, a column added with a default and a
 * column renamed, and a partitioned table.
 */
class SparkReadsCdcSyncTablesIT {

  private static final String DATABASE = "spark_reader";

  @TempDir static Path work;
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkTesting.session(work.resolve("warehouse"));
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void sparkSqlReadsEveryKindOfTableAsTheSourceHasIt() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase(DATABASE);
    server.execute(
        DATABASE,
        "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT, qty INT)",
        "CREATE TABLE items_v3 (id BIGINT PRIMARY KEY, name TEXT, qty INT)",
        "CREATE TABLE events (day DATE NOT NULL, id BIGINT NOT NULL, note TEXT,"
            + " PRIMARY KEY (day, id))",
        "CREATE TABLE audit (who TEXT, what TEXT)",
        // Without a key, updates and deletes are published only with the whole row.
        "ALTER TABLE audit REPLICA IDENTITY FULL",
        "INSERT INTO items SELECT g, 'item ' || g, g FROM generate_series(1, 50) g",
        "INSERT INTO items_v3 SELECT g, 'item ' || g, g FROM generate_series(1, 50) g",
        "INSERT INTO events SELECT DATE '2026-01-01' + (g % 5), g, 'event ' || g"
            + " FROM generate_series(1, 40) g",
        "INSERT INTO audit VALUES ('ann', 'login'), ('bob', 'login')");
    Path pipeline = writePipeline(server);

    Process cdcSync = SparkTesting.startCdcSync(pipeline, Path.of("target", "cdc-sync.log"));
    try {
      awaitSparkSees("items", 50);
      awaitSparkSees("audit", 2);
      for (String table : List.of("items", "items_v3")) {
        server.execute(
            DATABASE,
            // Rows committed earlier: equality deletes.
            "UPDATE " + table + " SET qty = qty * 10 WHERE id % 7 = 0",
            "DELETE FROM " + table + " WHERE id BETWEEN 40 AND 44");
        // Rows written and changed in one transaction, so in one commit: position deletes (v2)
        // or deletion vectors (v3).
        server.executeInTransaction(
            DATABASE,
            "INSERT INTO " + table + " VALUES (100, 'new', 1), (101, 'new', 1)",
            "UPDATE " + table + " SET name = 'changed at once' WHERE id IN (100, 101)",
            "DELETE FROM " + table + " WHERE id = 101");
      }
      server.execute(
          DATABASE,
          "UPDATE events SET note = 'moved on' WHERE id % 3 = 0",
          "DELETE FROM events WHERE id % 8 = 0",
          "INSERT INTO events VALUES (DATE '2026-02-01', 1000, 'later')",
          "UPDATE audit SET what = 'logout' WHERE who = 'ann'",
          "DELETE FROM audit WHERE who = 'bob'",
          "INSERT INTO audit VALUES ('cy', 'login')");
      for (String table : List.of("items", "items_v3")) {
        awaitEqual(server, "SELECT * FROM " + table + " ORDER BY id", table, "id");
      }
      // The kinds of delete files Spark applied (before the column change below rewrites items).
      assertThat(lines(spark.sql("SELECT DISTINCT content FROM lake.public.items.delete_files")))
          .as("equality (2) and position (1) deletes in format v2")
          .contains("1", "2");
      assertThat(
              lines(
                  spark.sql("SELECT DISTINCT file_format FROM lake.public.items_v3.delete_files")))
          .as("deletion vectors (Puffin) in format v3")
          .contains("PUFFIN");
      // Columns change: one added with a default (the rows before read it), one renamed (Spark
      // reads it by field id under its new name).
      server.execute(
          DATABASE,
          "ALTER TABLE items ADD COLUMN color TEXT DEFAULT 'red'",
          "ALTER TABLE items RENAME COLUMN qty TO quantity",
          "INSERT INTO items VALUES (200, 'after the change', 2, 'blue')",
          "UPDATE items SET quantity = 3 WHERE id = 1");

      for (String table : List.of("items", "items_v3", "events")) {
        String key = table.equals("events") ? "day, id" : "id";
        awaitEqual(server, "SELECT * FROM " + table + " ORDER BY " + key, table, key);
      }
      // The changelog: one row per change, in source order.
      await("the audit changelog")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () ->
                  lines(
                          spark.sql(
                              "SELECT _cdc_op, who, what FROM lake.public.audit ORDER BY _cdc_seq"))
                      .equals(
                          List.of(
                              "+I|ann|login",
                              "+I|bob|login",
                              "+U|ann|logout",
                              "-D|bob|login",
                              "+I|cy|login")));
    } finally {
      cdcSync.destroy();
      cdcSync.waitFor();
    }

    assertThat(lines(spark.sql("SELECT `partition`.day_day FROM lake.public.events.partitions")))
        .as("one partition per day")
        .hasSize(6);
  }

  private Path writePipeline(TestDatabaseServer server) throws IOException {
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
            "  catalog.properties.type: hadoop",
            "  catalog.properties.warehouse: " + work.resolve("warehouse").toUri(),
            "transform:",
            "  - source-table: " + DATABASE + ".public.items_v3",
            "    table-options: format-version=3",
            "  - source-table: " + DATABASE + ".public.events",
            "    partition-keys: day(day)",
            "pipeline:",
            "  name: " + DATABASE,
            "  checkpoint.interval: 1s",
            // Renames in place (lenient, the default, makes a renamed column a new one).
            "  schema.change.behavior: evolve");
    Path file = work.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static void awaitSparkSees(String table, int rows) {
    await(table + " in Spark")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> spark.sql("SELECT * FROM lake.public." + table).count() == rows);
  }

  private static void awaitEqual(
      TestDatabaseServer server, String sourceQuery, String table, String orderBy) {
    SparkTesting.awaitEqual(spark, server, DATABASE, sourceQuery, table, orderBy);
  }
}
