package dev.cdcsync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.cli.CdcSyncProcess;
import dev.cdcsync.cli.IcebergRows;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flink CDC-style MariaDB and PostgreSQL files of {@code flink-cdc/}, run as they are against
 * real servers: the options they take from Flink CDC do what they say.
 */
class FlinkCdcFilesIT {

  @TempDir Path work;

  @Test
  void mariadbFileRoutesTransformsPartitionsAndKeepsTinyintOneAnInteger() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    server.createDatabase("flink_shop");
    server.execute(
        "flink_shop",
        "CREATE TABLE orders (id int PRIMARY KEY, note varchar(20))",
        "CREATE TABLE order_item_1 (id int PRIMARY KEY, qty int)",
        "CREATE TABLE order_item_2 (id int PRIMARY KEY, qty int)",
        "CREATE TABLE flags (id int PRIMARY KEY, active tinyint(1))",
        "CREATE TABLE other (id int PRIMARY KEY)",
        "INSERT INTO orders VALUES (1, 'first')",
        "INSERT INTO order_item_1 VALUES (1, 10)",
        "INSERT INTO order_item_2 VALUES (2, 20)",
        "INSERT INTO flags VALUES (1, 7)",
        "INSERT INTO other VALUES (1)");
    Map<String, String> environment =
        Map.of(
            "MARIADB_HOST", server.host(),
            "MARIADB_PORT", Integer.toString(server.port()),
            "MARIADB_USER", server.username(),
            "MARIADB_PASSWORD", server.password(),
            "WAREHOUSE", work.resolve("warehouse").toUri().toString(),
            "CHECKPOINT_INTERVAL", "1s");
    Catalog warehouse = IcebergRows.hadoopCatalog(work.resolve("warehouse"));
    try (CdcSyncProcess cdcSync = start(environment, "flink-cdc/mariadb-to-iceberg.yaml")) {
      awaitRow(cdcSync, warehouse, "flink_shop", "orders", 1);
      awaitRow(cdcSync, warehouse, "flink_shop", "flags", 1);
      awaitRow(cdcSync, warehouse, "flink_shop", "order_items", 2);
      server.execute("flink_shop", "INSERT INTO orders VALUES (2, 'second')");
      awaitRow(cdcSync, warehouse, "flink_shop", "orders", 2);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isZero();
      assertThat(cdcSync.errors() + cdcSync.output())
          .contains("pipeline option 'parallelism' has no effect")
          // The file's chunk and fetch sizes take effect: MariaDB tables load in chunks.
          .contains("in chunks of 4096 rows")
          .doesNotContain("source option 'scan.snapshot.fetch.size' has no effect");
    }

    // The transform's source-table FLINK_SHOP.ORDERS matched flink_shop.orders: parts match
    // case-insensitively.
    assertThat(IcebergRows.rows(warehouse, "flink_shop", "orders", "id").get(2))
        .containsEntry("note", "second")
        .containsEntry("note_upper", "SECOND");
    assertThat(IcebergRows.rows(warehouse, "flink_shop", "order_items", "id").keySet())
        .containsExactly(1, 2);
    // treat-tinyint1-as-boolean.enabled: false keeps TINYINT(1) an integer, with its value.
    Table flags = IcebergRows.table(warehouse, "flink_shop", "flags");
    assertThat(flags.schema().findField("active").type()).isEqualTo(Types.IntegerType.get());
    assertThat(IcebergRows.rows(warehouse, "flink_shop", "flags", "id").get(1))
        .containsEntry("active", 7);
    // The sink's partition.key.
    List<PartitionField> partitioning =
        IcebergRows.table(warehouse, "flink_shop", "orders").spec().fields();
    assertThat(partitioning)
        .extracting(field -> field.transform().toString())
        .containsExactly("bucket[4]");
    assertThat(IcebergRows.exists(warehouse, "flink_shop", "other")).isFalse();
  }

  @Test
  void postgresFileNamesTablesAsSchemaDotTableAndRoutesByFirstMatch() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase("flink_shop");
    server.execute(
        "flink_shop",
        "CREATE TABLE orders (id int PRIMARY KEY, note text)",
        "CREATE TABLE customers (id int PRIMARY KEY, name text)",
        "INSERT INTO orders VALUES (1, 'first')",
        "INSERT INTO customers VALUES (1, 'Ada')");
    Map<String, String> environment =
        Map.of(
            "PG_HOST", server.host(),
            "PG_PORT", Integer.toString(server.port()),
            "PG_USER", server.username(),
            "PG_PASSWORD", server.password(),
            "PG_SLOT", "flink_style_it",
            "WAREHOUSE", work.resolve("warehouse").toUri().toString(),
            "CHECKPOINT_INTERVAL", "1s");
    Catalog warehouse = IcebergRows.hadoopCatalog(work.resolve("warehouse"));
    try (CdcSyncProcess cdcSync = start(environment, "flink-cdc/postgres-to-iceberg.yaml")) {
      awaitRow(cdcSync, warehouse, "lake", "orders", 1);
      awaitRow(cdcSync, warehouse, "lake", "other_customers", 1);
      server.execute("flink_shop", "INSERT INTO orders VALUES (2, 'second')");
      awaitRow(cdcSync, warehouse, "lake", "orders", 2);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isZero();
    }

    // The transform's schema.table pattern matched, and Flink CDC's table_name metadata column was
    // read.
    assertThat(IcebergRows.rows(warehouse, "lake", "orders", "id").get(2))
        .containsEntry("note", "second")
        .containsEntry("source_table", "orders");
    // route-mode first_match: public.orders went to lake.orders only, not to lake.other_orders too.
    assertThat(IcebergRows.exists(warehouse, "lake", "other_orders")).isFalse();
  }

  private CdcSyncProcess start(Map<String, String> environment, String file) throws Exception {
    return CdcSyncProcess.start(work, environment, Examples.directory().resolve(file).toString());
  }

  private static void awaitRow(
      CdcSyncProcess cdcSync, Catalog warehouse, String namespace, String table, int id) {
    await(namespace + "." + table + " row " + id + " arrives")
        .atMost(Duration.ofSeconds(90))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .until(() -> IcebergRows.rows(warehouse, namespace, table, "id").containsKey(id));
  }
}
