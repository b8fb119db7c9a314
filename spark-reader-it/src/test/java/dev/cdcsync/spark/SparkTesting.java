package dev.cdcsync.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the Spark tests share: a local Spark session with an Iceberg catalog {@code lake} over a
 * hadoop warehouse, the shipped cdc-sync jar started on a pipeline file, and comparisons of what
 * Spark reads with what the source database holds.
 */
public final class SparkTesting {

  private SparkTesting() {}

  /** Spark in local mode, catalog {@code lake} over {@code warehouse}, with Iceberg's SQL extensions. */
  public static SparkSession session(Path warehouse) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("cdc-sync Spark test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config(
                "spark.sql.extensions",
                "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
            .config("spark.sql.catalog.lake", "org.apache.iceberg.spark.SparkCatalog")
            .config("spark.sql.catalog.lake.type", "hadoop")
            .config("spark.sql.catalog.lake.warehouse", warehouse.toUri().toString())
            .config("spark.sql.catalog.lake.cache-enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    return spark;
  }

  /** Starts {@code cdc-sync run pipeline} from the shaded jar, its output appended to {@code log}. */
  public static Process startCdcSync(Path pipeline, Path log) throws IOException {
    Path jar = Path.of(System.getProperty("cdcsync.jar"));
    assertThat(jar).as("the shaded cdc-sync jar (built by cdc-sync-cli)").isRegularFile();
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx1g",
            "-jar",
            jar.toString(),
            "run",
            pipeline.toString())
        .directory(pipeline.getParent().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toAbsolutePath().toFile()))
        .start();
  }

  /**
   * Waits until Spark's rows of {@code lake.public.<table>}, ordered by {@code orderBy}, are the
   * rows {@code sourceQuery} returns in {@code database}, value by value.
   */
  public static void awaitEqual(
      SparkSession spark,
      TestDatabaseServer server,
      String database,
      String sourceQuery,
      String table,
      String orderBy) {
    await(table + " in Spark equals the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        lines(
                            spark.sql(
                                "SELECT "
                                    + columns(server, database, table)
                                    + " FROM lake.public."
                                    + table
                                    + " ORDER BY "
                                    + orderBy)))
                    .isEqualTo(source(server, database, sourceQuery)));
  }

  private static String columns(TestDatabaseServer server, String database, String table)
      throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
      ResultSetMetaData meta = result.getMetaData();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        names.add(meta.getColumnName(i));
      }
    }
    return String.join(", ", names);
  }

  /** The rows of {@code query}, each as its values joined by {@code |}. */
  public static List<String> source(TestDatabaseServer server, String database, String query)
      throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(query)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(String.valueOf(result.getObject(i)));
        }
        rows.add(String.join("|", values));
      }
    }
    return rows;
  }

  /** Spark's rows, each as its values joined by {@code |}. */
  public static List<String> lines(Dataset<Row> rows) {
    return rows.collectAsList().stream()
        .map(
            row -> {
              List<String> values = new ArrayList<>();
              for (int i = 0; i < row.size(); i++) {
                values.add(String.valueOf(row.get(i)));
              }
              return String.join("|", values);
            })
        .collect(Collectors.toList());
  }
}
