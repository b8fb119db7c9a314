package dev.cdcsync.spark.maintenance;

import static dev.cdcsync.spark.SparkTesting.awaitEqual;
import static dev.cdcsync.spark.SparkTesting.lines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.spark.SparkTesting;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark maintenance job runs on the tables of a pipeline that keeps committing changes (a
 * format v2 table with equality and position deletes, a v3 one with deletion vectors): it rewrites
 * their files, expires every snapshot but the newest (the pipeline's own among them) and removes
 * a stale orphan file, while neither its commits nor the pipeline's are lost. The pipeline,
 * killed and started again afterwards, commits nothing twice, and Spark reads the source's rows.
 */
class SparkTableMaintenanceIT {

  private static final String DATABASE = "spark_maintenance";
  private static final List<String> TABLES = List.of("items", "items_v3");

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
  void maintainsTablesWhileThePipelineCommitsAndNeitherSideLosesACommit() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase(DATABASE);
    for (String table : TABLES) {
      server.execute(
          DATABASE,
          "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, name TEXT, qty INT)",
          "INSERT INTO " + table + " SELECT g, 'item ' || g, g FROM generate_series(1, 2000) g");
    }
    Path pipeline = writePipeline(server);
    Path log = Path.of("target", "cdc-sync.log");
    Process cdcSync = SparkTesting.startCdcSync(pipeline, log);
    ExecutorService changes = Executors.newSingleThreadExecutor();
    AtomicBoolean changing = new AtomicBoolean(true);
    AtomicLong transactions = new AtomicLong();
    try {
      for (String table : TABLES) {
        awaitEqual(spark, server, DATABASE, "SELECT * FROM " + table + " ORDER BY id", table, "id");
      }
      long afterLoad = checkpointOf("items");
      Path orphans = plantOrphans();
      Future<?> writer = changes.submit(() -> change(server, changing, transactions));
      await("the pipeline's first commits of changes")
          .atMost(Duration.ofSeconds(60))
          .until(() -> checkpointOf("items") > afterLoad);

      SparkTableMaintenance job =
          new SparkTableMaintenance(
              spark,
              SparkTableMaintenance.parse(
                  "--catalog", "lake",
                  "--tables", "public\\.items.*",
                  "--expire-older-than", "0s",
                  "--retain-last", "1",
                  "--remove-orphans-older-than", "2d"));
      List<SparkTableMaintenance.TableReport> first = job.run();
      long checkpointDuringMaintenance = checkpointOf("items");
      List<SparkTableMaintenance.TableReport> second = job.run();
      changing.set(false);
      writer.get();

      assertThat(first)
          .extracting(SparkTableMaintenance.TableReport::table)
          .containsExactly("public.items", "public.items_v3");
      for (SparkTableMaintenance.TableReport report : first) {
        assertThat(report.failures()).as(report.toString()).isEmpty();
        assertThat(report.rewrittenDataFiles()).as(report.toString()).isPositive();
        assertThat(report.expiredFiles()).as(report.toString()).isPositive();
      }
      assertThat(second).allSatisfy(report -> assertThat(report.failures()).isEmpty());
      assertThat(first.get(0).removedOrphanFiles()).as("the stale orphan file").isEqualTo(1);
      assertThat(Files.exists(orphans.resolve("stale.parquet"))).isFalse();
      assertThat(Files.exists(orphans.resolve("being-written.parquet")))
          .as("a file younger than --remove-orphans-older-than stays")
          .isTrue();
      assertThat(transactions.get()).as("source transactions during maintenance").isPositive();

      for (String table : TABLES) {
        awaitEqual(spark, server, DATABASE, "SELECT * FROM " + table + " ORDER BY id", table, "id");
      }
      assertThat(checkpointOf("items"))
          .as("the pipeline committed after and while the job ran")
          .isGreaterThan(checkpointDuringMaintenance);
      // Once the changes stopped, a run that rewrites everything leaves one data file and no
      // delete file: every delete applied, none lost.
      List<SparkTableMaintenance.TableReport> last =
          new SparkTableMaintenance(
                  spark,
                  SparkTableMaintenance.parse(
                      "--catalog", "lake",
                      "--tables", "public\\.items.*",
                      "--rewrite-option", "rewrite-all=true",
                      "--rewrite-option", "remove-dangling-deletes=true"))
              .run();
      assertThat(last).allSatisfy(report -> assertThat(report.failures()).isEmpty());
      for (String table : TABLES) {
        assertThat(lines(spark.sql("SELECT count(*) FROM lake.public." + table + ".data_files")))
            .as(table + " data files")
            .containsExactly("1");
        assertThat(lines(spark.sql("SELECT count(*) FROM lake.public." + table + ".delete_files")))
            .as(table + " delete files")
            .containsExactly("0");
        awaitEqual(spark, server, DATABASE, "SELECT * FROM " + table + " ORDER BY id", table, "id");
      }
      assertThat(cdcSync.isAlive()).as("the pipeline runs on").isTrue();
    } finally {
      changing.set(false);
      changes.shutdown();
      cdcSync.destroyForcibly();
      cdcSync.waitFor();
    }

    // Killed after maintenance expired its own snapshots: started again, it commits its last
    // checkpoint no second time, and streams on.
    for (String table : TABLES) {
      server.execute(DATABASE, "INSERT INTO " + table + " VALUES (100000, 'after the restart', 1)");
    }
    Process restarted = SparkTesting.startCdcSync(pipeline, log);
    try {
      for (String table : TABLES) {
        awaitEqual(spark, server, DATABASE, "SELECT * FROM " + table + " ORDER BY id", table, "id");
      }
    } finally {
      restarted.destroy();
      restarted.waitFor();
    }
    assertThat(Files.readString(log)).doesNotContain("ERROR");
  }

  /**
   * Updates, deletes and inserts in both tables, one small transaction after another, until told
   * to stop; each transaction touches keys written before (equality deletes) and one key written
   * and changed in it (position deletes, or a deletion vector).
   */
  private static void change(
      TestDatabaseServer server, AtomicBoolean changing, AtomicLong transactions) {
    long next = 10_000;
    try (Connection connection = server.connect(DATABASE)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        while (changing.get()) {
          long round = transactions.get();
          for (String table : TABLES) {
            statement.execute(
                "UPDATE " + table + " SET qty = qty + 1 WHERE id % 97 = " + round % 97);
            statement.execute("DELETE FROM " + table + " WHERE id = " + (round * 7 % 2000 + 1));
            statement.execute("INSERT INTO " + table + " VALUES (" + next + ", 'new', 1)");
            statement.execute("UPDATE " + table + " SET name = 'changed' WHERE id = " + next);
          }
          connection.commit();
          next++;
          transactions.incrementAndGet();
          Thread.sleep(50);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Two files in items' data directory that no snapshot references: one written ten days ago,
   * one just now (as a pipeline's file is until its checkpoint commits).
   */
  private static Path plantOrphans() throws IOException {
    Path data = work.resolve("warehouse/public/items/data");
    Files.createDirectories(data);
    Path stale = Files.writeString(data.resolve("stale.parquet"), "not referenced");
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofDays(10))));
    Files.writeString(data.resolve("being-written.parquet"), "not referenced yet");
    return data;
  }

  /** The checkpoint the pipeline's newest commit to {@code lake.public.<table>} recorded. */
  private static long checkpointOf(String table) {
    spark.sql("REFRESH TABLE lake.public." + table);
    List<String> value =
        lines(
            spark.sql(
                "SHOW TBLPROPERTIES lake.public."
                    + table
                    + " ('cdc-sync.pipeline."
                    + DATABASE
                    + ".checkpoint-id')"));
    return Long.parseLong(value.get(0).split("\\|")[1]);
  }

  private static Path writePipeline(TestDatabaseServer server) throws IOException {
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
            // Maintenance is Spark's job here.
            "  maintenance.enabled: false",
            "transform:",
            "  - source-table: " + DATABASE + ".public.items_v3",
            "    table-options: format-version=3",
            "pipeline:",
            "  name: " + DATABASE,
            "  checkpoint.interval: 1s");
    Path file = work.resolve("pipeline.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }
}
