package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code include-comments.enabled}: a MariaDB table's comment becomes its Iceberg table's {@code
 * comment} property, its columns' comments the docs of its Iceberg columns, for the columns it is
 * created with and for one added while streaming, through a transform that passes them on; a
 * computed column has none. Comments changed while streaming follow.
 */
class ColumnCommentsIT {

  @TempDir Path work;

  @Test
  void tableAndColumnCommentsBecomeTheIcebergTablesCommentAndColumnDocs() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "comments_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY COMMENT 'account number',"
            + " owner VARCHAR(64) COMMENT 'who holds it, as on the contract', balance BIGINT)"
            + " COMMENT 'one row per account'",
        "INSERT INTO accounts VALUES (1, 'ann', 10)");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.writeWithSink(
            work.resolve("pipeline.yaml"),
            server,
            server.username(),
            server.password(),
            database,
            List.of(
                "tables: " + database + ".accounts",
                "server-id: 5481",
                "include-comments.enabled: true"),
            PipelineFiles.hadoopSink(warehouse),
            "200ms",
            List.of());
    Files.writeString(
        pipeline,
        Files.readString(pipeline)
            + "transform:\n"
            + "  - source-table: "
            + database
            + ".accounts\n"
            + "    projection: \\*, balance * 2 AS doubled\n");

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0")) {
      await("accounts is created")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> IcebergRows.exists(warehouse, database, "accounts"));
      server.execute(
          database,
          "ALTER TABLE accounts ADD COLUMN branch VARCHAR(10) COMMENT 'opened at'",
          "INSERT INTO accounts VALUES (2, 'bob', 20, 'north')");
      await("the added column is in Iceberg")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(
              () ->
                  IcebergRows.table(warehouse, database, "accounts").schema().findField("branch")
                      != null);
      Table accounts = IcebergRows.table(warehouse, database, "accounts");
      assertThat(accounts.schema().findField("id").doc()).isEqualTo("account number");
      assertThat(accounts.schema().findField("owner").doc())
          .isEqualTo("who holds it, as on the contract");
      assertThat(accounts.schema().findField("balance").doc()).isNull();
      assertThat(accounts.schema().findField("doubled").doc()).isNull();
      assertThat(accounts.schema().findField("branch").doc()).isEqualTo("opened at");
      assertThat(accounts.properties()).containsEntry("comment", "one row per account");

      // Comments changed later follow; a removed one stays. A table comment alone changes no
      // column.
      server.execute(
          database,
          "ALTER TABLE accounts COMMENT = 'one row per open account'",
          "INSERT INTO accounts VALUES (3, 'cy', 30, 'south')");
      awaitTable(
          cdcSync,
          warehouse,
          database,
          3,
          table ->
              assertThat(table.properties()).containsEntry("comment", "one row per open account"));
      server.execute(
          database,
          "ALTER TABLE accounts MODIFY owner VARCHAR(64) COMMENT 'legal holder'",
          "ALTER TABLE accounts MODIFY branch VARCHAR(10)",
          "INSERT INTO accounts VALUES (4, 'dee', 40, 'east')");
      awaitTable(
          cdcSync,
          warehouse,
          database,
          4,
          table -> assertThat(table.schema().findField("owner").doc()).isEqualTo("legal holder"));
      assertThat(
              IcebergRows.table(warehouse, database, "accounts").schema().findField("branch").doc())
          .isEqualTo("opened at");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  /** Waits until the table has that many rows and passes the check. */
  private static void awaitTable(
      CdcSyncProcess cdcSync, Path warehouse, String database, int rows, Consumer<Table> check) {
    await("accounts has " + rows + " rows and the comments")
        .atMost(Duration.ofSeconds(60))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              assertThat(IcebergRows.rows(warehouse, database, "accounts", "id")).hasSize(rows);
              check.accept(IcebergRows.table(warehouse, database, "accounts"));
            });
  }
}
