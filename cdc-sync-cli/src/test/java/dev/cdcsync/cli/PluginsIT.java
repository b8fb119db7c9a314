package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.runtime.transform.TestJars;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.cdc.common.udf.UserDefinedFunction;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped jar with plugins: a JDBC catalog on SQLite, whose driver cdc-sync does not bundle,
 * and user-defined functions (cdc-sync's kind, needing only the JDK, and a Flink CDC one with
 * Flink CDC's common jar beside it) in a transform's projection and filter; from {@code --plugins}
 * and from {@code $CDC_SYNC_PLUGINS}. Without the plugins, the pipeline is refused naming the
 * function's entry.
 */
class PluginsIT {

  private static final String SOURCE = "plugins_src";

  @TempDir Path work;

  @Test
  void runsWithFunctionsAndADriverFromThePluginsDirectory() throws Exception {
    Path plugins = Files.createDirectories(work.resolve("plugins"));
    Path flinkCdcCommon =
        Path.of(
            UserDefinedFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Files.copy(flinkCdcCommon, plugins.resolve(flinkCdcCommon.getFileName()));
    Path sqliteDriver =
        Path.of(org.sqlite.JDBC.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Files.copy(sqliteDriver, plugins.resolve(sqliteDriver.getFileName()));
    TestJars.compile(
        plugins,
        "functions.jar",
        List.of(flinkCdcCommon),
        Map.of(
            "fn.Shout",
            """
            package fn;
            public class Shout {
              public String eval(String text) { return text == null ? null : text.toUpperCase() + "!"; }
            }
            """,
            "fn.IsOdd",
            """
            package fn;
            public class IsOdd {
              public boolean eval(int number) { return number % 2 != 0; }
            }
            """,
            "fn.AddOne",
            """
            package fn;
            import org.apache.flink.cdc.common.types.DataType;
            import org.apache.flink.cdc.common.types.DataTypes;
            import org.apache.flink.cdc.common.udf.UserDefinedFunction;
            public class AddOne implements UserDefinedFunction {
              public Object eval(Integer number) { return number + 1; }
              @Override public DataType getReturnType() { return DataTypes.INT(); }
            }
            """));

    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase(SOURCE);
    server.execute(
        SOURCE,
        "CREATE TABLE items (id INT PRIMARY KEY, name TEXT, qty INT)",
        "INSERT INTO items VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3)");
    Path warehouse = work.resolve("warehouse");
    String catalogUri = "jdbc:sqlite:" + work.resolve("catalog.db");
    Path file =
        PipelineFiles.writeWithSink(
            work.resolve("plugins.yaml"),
            server,
            server.username(),
            server.password(),
            SOURCE,
            PipelineFiles.postgresTables(SOURCE),
            List.of(
                "catalog.properties.type: jdbc",
                "catalog.properties.uri: " + catalogUri,
                "catalog.properties.warehouse: " + warehouse.toUri()),
            "300ms",
            List.of(
                "user-defined-function:",
                "  - name: shout",
                "    classpath: fn.Shout",
                "  - name: is_odd",
                "    classpath: fn.IsOdd",
                "  - name: add_one",
                "    classpath: fn.AddOne"));
    Files.writeString(
        file,
        String.join(
            "\n",
            "transform:",
            "  - source-table: " + SOURCE + ".public.items",
            "    projection: id, shout(name) AS name, add_one(qty) AS qty",
            "    filter: is_odd(id)",
            ""),
        StandardOpenOption.APPEND);

    // Without the plugins: refused before anything is touched, naming the entry.
    try (CdcSyncProcess validate =
        CdcSyncProcess.startShadedJar(work, "validate", file.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(2);
      assertThat(validate.errors())
          .contains(
              "pipeline.user-defined-function rule 1 (line 18): class fn.Shout of function SHOUT"
                  + " is not found; put its jar among the plugins");
    }

    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize(
        "cdc_sync",
        Map.of(
            CatalogProperties.URI,
            catalogUri,
            CatalogProperties.WAREHOUSE_LOCATION,
            warehouse.toUri().toString()));
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.startShadedJar(
            work, "run", "--plugins", plugins.toString(), file.toString())) {
      awaitItems(cdcSync, catalog, Map.of(1, "ONE!|2", 3, "THREE!|4"));
      server.execute(
          SOURCE,
          "INSERT INTO items VALUES (5, 'five', 5), (6, 'six', 6)",
          "UPDATE items SET qty = 30 WHERE id = 3");
      awaitItems(cdcSync, catalog, Map.of(1, "ONE!|2", 3, "THREE!|31", 5, "FIVE!|6"));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.errors())
          .contains("Plugins: 3 jars from " + plugins)
          .contains("Plugins: JDBC driver org.sqlite.JDBC");
    }

    // The same from the environment, as the image's plugins directory is given.
    Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
    try (var jars = Files.list(plugins)) {
      for (Path jar : jars.toList()) {
        Files.copy(jar, elsewhere.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    try (CdcSyncProcess validate =
        CdcSyncProcess.startEntrypoint(
            work, Map.of("CDC_SYNC_PLUGINS", elsewhere.toString()), "validate", file.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private static void awaitItems(
      CdcSyncProcess cdcSync, JdbcCatalog catalog, Map<Integer, String> expected) {
    await("the transformed rows in Iceberg")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(cdcSync.isAlive()).as(cdcSync.describe()).isTrue();
              Map<Integer, String> rows;
              try {
                rows = rows(catalog);
              } catch (Exception e) {
                throw new AssertionError(cdcSync.describe(), e);
              }
              assertThat(rows).as(cdcSync.describe()).isEqualTo(new TreeMap<>(expected));
            });
  }

  private static Map<Integer, String> rows(JdbcCatalog catalog) throws Exception {
    Table table = catalog.loadTable(TableIdentifier.of("public", "items"));
    Map<Integer, String> rows = new TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows.put(
            (Integer) record.getField("id"),
            record.getField("name") + "|" + record.getField("qty"));
      }
    }
    return rows;
  }
}
