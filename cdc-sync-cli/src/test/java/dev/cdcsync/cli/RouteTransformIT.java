package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Route and transform rules end to end: real databases, Iceberg tables read back with Iceberg's reader. */
class RouteTransformIT {

  private static final String HMAC_KEY = "k3y-for-tests";

  @TempDir Path work;

  @Test
  void mariadbMergesShardsOfDifferingColumnsIntoOnePartitionedTable() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "route_shards";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE order_1 (id INT PRIMARY KEY, amount DECIMAL(10,2), region VARCHAR(10))",
        "CREATE TABLE order_2 (id BIGINT PRIMARY KEY, amount DECIMAL(12,2), note TEXT)",
        "CREATE TABLE customers (id INT PRIMARY KEY, name TEXT)",
        "CREATE TABLE invoice_eu (id INT PRIMARY KEY, total INT)",
        "INSERT INTO invoice_eu VALUES (1, 5)",
        "INSERT INTO order_1 VALUES (1, 10.50, 'eu'), (2, 20.00, 'us')",
        "INSERT INTO order_2 VALUES (1, 1234567890.25, 'big'), (3, 3.00, NULL)",
        "INSERT INTO customers VALUES (1, 'ann')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        withRules(
            PipelineFiles.write(
                work,
                server,
                database,
                PipelineFiles.binlogTables(database, 5471),
                warehouse,
                "300ms"),
            """
            route:
              - source-table: %1$s.order_\\.*
                sink-table: lake.orders
              - source-table: %1$s.invoice_(\\.*)
                sink-table: billing.invoices_$1
            transform:
              - source-table: %1$s.order_\\.*
                projection: \\*, __table_name__ AS shard
                primary-keys: shard, id
                partition-keys: shard
            """
                .formatted(database));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      awaitRows(
          cdcSync,
          warehouse,
          "lake",
          "orders",
          rows ->
              assertThat(rows)
                  .containsOnlyKeys("order_1/1", "order_1/2", "order_2/1", "order_2/3"));
      server.execute(
          database,
          "UPDATE order_1 SET amount = 11.00 WHERE id = 1",
          "DELETE FROM order_2 WHERE id = 3",
          "INSERT INTO order_2 VALUES (2, 2.00, 'two')");
      awaitRows(
          cdcSync,
          warehouse,
          "lake",
          "orders",
          rows -> {
            assertThat(rows).containsOnlyKeys("order_1/1", "order_1/2", "order_2/1", "order_2/2");
            assertThat(rows.get("order_1/1"))
                .containsEntry("id", 1L)
                .containsEntry("amount", new BigDecimal("11.00"))
                .containsEntry("region", "eu")
                .containsEntry("note", null);
            assertThat(rows.get("order_2/1"))
                .containsEntry("amount", new BigDecimal("1234567890.25"))
                .containsEntry("region", null)
                .containsEntry("note", "big");
          });
      // A column added to one shard while streaming joins the merged table; the other shard's rows
      // hold null.
      server.execute(
          database,
          "ALTER TABLE order_1 ADD COLUMN coupon VARCHAR(10)",
          "INSERT INTO order_1 VALUES (4, 4.00, 'eu', 'WINTER')",
          "INSERT INTO order_2 VALUES (4, 4.00, 'four')");
      awaitRows(
          cdcSync,
          warehouse,
          "lake",
          "orders",
          rows -> {
            assertThat(rows.get("order_1/4")).containsEntry("coupon", "WINTER");
            assertThat(rows.get("order_2/4"))
                .containsEntry("coupon", null)
                .containsEntry("note", "four");
          });
      // The table that no rule routes keeps its own name; a rule's capturing group names another.
      assertThat(IcebergRows.rows(warehouse, database, "customers", "id")).containsOnlyKeys(1);
      assertThat(IcebergRows.rows(warehouse, "billing", "invoices_eu", "id")).containsOnlyKeys(1);
      Table orders = IcebergRows.table(warehouse, "lake", "orders");
      assertThat(orders.schema().findField("id").type()).isEqualTo(Types.LongType.get());
      assertThat(orders.schema().findField("amount").type()).isEqualTo(Types.DecimalType.of(12, 2));
      assertThat(orders.schema().identifierFieldNames()).containsExactlyInAnyOrder("shard", "id");
      assertThat(orders.spec().fields()).extracting(field -> field.name()).containsExactly("shard");
      assertThat(IcebergRows.exists(warehouse, database, "order_1")).isFalse();
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  @Test
  void postgresProjectsFiltersComputesAndKeepsPersonalDataOutOfTheWarehouse() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "transform_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE customers (id INT PRIMARY KEY, name TEXT, email TEXT, card TEXT, status TEXT,"
            + " price NUMERIC(10,2), qty INT)",
        "INSERT INTO customers VALUES"
            + " (1, 'ann', 'ann@example.com', '4111111111111111', 'active', 2.50, 4),"
            + " (2, 'bob', 'bob@example.com', '5500000000000004', 'test', 1.00, 1),"
            + " (3, 'cy', 'cy@example.com', '340000000000009', 'active', 0.00, 3)");
    Path warehouse = work.resolve("warehouse");
    Path file =
        withRules(
            PipelineFiles.write(
                work, server, database, PipelineFiles.postgresTables(database), warehouse, "300ms"),
            """
            route:
              - source-table: %1$s.public.\\.*
                sink-table: ods.<>_clean
                replace-symbol: <>
            transform:
              - source-table: %1$s.public.customers
                projection: id, UPPER(name) AS name_upper, SHA256(email) AS email_hash, HMAC_SHA256(email, 'PII_KEY') AS email_token, MASK(card, 4) AS card_masked, price * qty AS total, REGEXP_EXTRACT_ALL(name || ' ' || status, '([a-z]+)') AS words, __data_event_type__ AS op, __table_name__ AS src
                filter: total > 0 AND status <> 'test'
                table-options: write.parquet.compression-codec=uncompressed
                description: no personal data in clear
            """
                .formatted(database));

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of("PII_KEY", HMAC_KEY), "run", file.toString())) {
      String emailHash = sha256("dee@example.com");
      String emailToken = hmac("dee@example.com");
      awaitRows(
          cdcSync,
          warehouse,
          "ods",
          "customers_clean",
          rows -> assertThat(rows).containsOnlyKeys("1"));
      server.execute(
          database,
          "INSERT INTO customers VALUES (4, 'dee', 'dee@example.com', '6011000000000004', 'active', 1.25, 2)",
          "UPDATE customers SET qty = 0 WHERE id = 1",
          "UPDATE customers SET price = 5.00 WHERE id = 3");
      awaitRows(
          cdcSync,
          warehouse,
          "ods",
          "customers_clean",
          rows -> {
            assertThat(rows).containsOnlyKeys("3", "4");
            assertThat(rows.get("4"))
                .containsEntry("name_upper", "DEE")
                .containsEntry("email_hash", emailHash)
                .containsEntry("email_token", emailToken)
                .containsEntry("card_masked", "************0004")
                .containsEntry("total", new BigDecimal("2.50"))
                .containsEntry("words", List.of("dee", "active"))
                .containsEntry("op", "+I")
                .containsEntry("src", "customers");
            assertThat(rows.get("3"))
                .containsEntry("total", new BigDecimal("15.00"))
                .containsEntry("op", "+U");
          });
      // A projection without * passes no schema change of a column it leaves out.
      server.execute(
          database,
          "ALTER TABLE customers ADD COLUMN phone TEXT",
          "INSERT INTO customers VALUES (5, 'eve', 'eve@example.com', '4000000000000002', 'active', 1.00, 1, '+1 555 0100')");
      awaitRows(
          cdcSync,
          warehouse,
          "ods",
          "customers_clean",
          rows -> assertThat(rows).containsOnlyKeys("3", "4", "5"));
      Table table = IcebergRows.table(warehouse, "ods", "customers_clean");
      assertThat(table.schema().columns())
          .extracting(Types.NestedField::name)
          .containsExactly(
              "id",
              "name_upper",
              "email_hash",
              "email_token",
              "card_masked",
              "total",
              "words",
              "op",
              "src");
      assertThat(table.schema().identifierFieldNames()).containsExactly("id");
      assertThat(table.properties())
          .containsEntry("write.parquet.compression-codec", "uncompressed");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    // Uncompressed Parquet: a clear value anywhere in the warehouse's files would show up as bytes.
    for (String clear :
        List.of(
            "ann@example.com",
            "dee@example.com",
            "4111111111111111",
            "6011000000000004",
            "+1 555 0100")) {
      assertThat(filesContaining(warehouse, clear)).as("files holding '%s'", clear).isEmpty();
    }
    assertThat(filesContaining(warehouse, "DEE"))
        .as("the check finds values that are there")
        .isNotEmpty();
  }

  private static Path withRules(Path pipeline, String rules) throws Exception {
    Files.writeString(pipeline, Files.readString(pipeline) + rules);
    return pipeline;
  }

  /** Rows keyed by {@code shard/id} when the table has a shard column, else by id. */
  private static void awaitRows(
      CdcSyncProcess cdcSync,
      Path warehouse,
      String namespace,
      String table,
      Consumer<Map<String, Map<String, Object>>> check) {
    await(namespace + "." + table + " is as expected")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              Map<String, Map<String, Object>> rows = new TreeMap<>();
              for (Map<String, Object> row : IcebergRows.list(warehouse, namespace, table)) {
                String key =
                    (row.containsKey("shard") ? row.get("shard") + "/" : "") + row.get("id");
                assertThat(rows.put(key, row)).as("rows of key %s", key).isNull();
              }
              check.accept(rows);
            });
  }

  private static List<Path> filesContaining(Path directory, String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).filter(path -> contains(path, needle)).toList();
    }
  }

  private static boolean contains(Path file, byte[] needle) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      outer:
      for (int i = 0; i + needle.length <= bytes.length; i++) {
        for (int j = 0; j < needle.length; j++) {
          if (bytes[i + j] != needle[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String sha256(String value) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  private static String hmac(String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(HMAC_KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }
}
