package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class MariaDbEndToEndIT extends BinlogEndToEndTestBase {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mariadb();
  }

  @Override
  protected List<TypeCase> typeCases() {
    return BinlogTypeCases.MARIADB_CASES;
  }

  @Override
  protected int serverId() {
    return 5401;
  }

  /**
   * A table that an earlier cdc-sync created with a TIME column as Iceberg {@code time}: the column
   * keeps its type, and under the default behavior (lenient) the values, now signed microseconds,
   * go to {@code <column>__bigint}, from the snapshot and the stream alike.
   */
  @Test
  void aTimeColumnThatEarlierVersionsMadeTimeKeepsItAndNewValuesGoToABigintColumn()
      throws Exception {
    TestDatabaseServer server = server();
    String database = database() + "_time";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, d TIME)",
        "INSERT INTO t VALUES (1, '-01:00:00')");
    Path warehouse = work.resolve("warehouse");
    Catalog catalog = IcebergRows.hadoopCatalog(warehouse);
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of(database));
    Schema earlier =
        new Schema(
            List.of(
                Types.NestedField.required(1, "id", Types.IntegerType.get()),
                Types.NestedField.optional(2, "d", Types.TimeType.get())),
            Set.of(1));
    catalog.createTable(
        TableIdentifier.of(database, "t"),
        earlier,
        PartitionSpec.unpartitioned(),
        Map.of("format-version", "2"));
    Path file =
        PipelineFiles.write(
            work,
            server,
            database,
            PipelineFiles.binlogTables(database, serverId()),
            warehouse,
            "300ms");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(cdcSync, warehouse, database, Map.of(1, row(1, -3_600_000_000L)));
      server.execute(database, "INSERT INTO t VALUES (2, '838:59:59')");
      awaitRows(
          cdcSync,
          warehouse,
          database,
          Map.of(1, row(1, -3_600_000_000L), 2, row(2, 3_020_399_000_000L)));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      assertThat(cdcSync.output() + cdcSync.errors())
          .contains("its values go to new column d__bigint");
    }
    assertThat(IcebergRows.table(warehouse, database, "t").schema().findType("d"))
        .isEqualTo(Types.TimeType.get());
  }

  private static Map<String, Object> row(int id, long microseconds) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("d", null);
    row.put("d__bigint", microseconds);
    return row;
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync,
      Path warehouse,
      String database,
      Map<Object, Map<String, Object>> expected) {
    await(database + ".t equals the source")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () ->
                assertThat(IcebergRows.rows(warehouse, database, "t", "id"))
                    .isEqualTo(new TreeMap<>(expected)));
  }
}
