package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 2: a source transaction larger than any Debezium batch, committed while checkpoints
 * fire every 100 ms, becomes visible in one Iceberg commit: every snapshot holds none or all of it.
 */
class TransactionAtomicityIT {

  private static final int ROWS = 6_000;

  @TempDir Path work;

  @Test
  void postgresTransactionIsNeverSplitAcrossCommits() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    assertAtomic(server, "atomic_pg", PipelineFiles.postgresTables("atomic_pg"), "public");
  }

  @Test
  void mariadbTransactionIsNeverSplitAcrossCommits() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    assertAtomic(
        server, "atomic_maria", PipelineFiles.binlogTables("atomic_maria", 5421), "atomic_maria");
  }

  private void assertAtomic(
      TestDatabaseServer server, String database, List<String> sourceLines, String namespace)
      throws Exception {
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id BIGINT PRIMARY KEY, batch VARCHAR(10))",
        "INSERT INTO items VALUES (0, 'seed')");
    Path warehouse = work.resolve("warehouse");
    Path file = PipelineFiles.write(work, server, database, sourceLines, warehouse, "100ms");
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of(), "run", file.toString(), "--progress-interval", "0")) {
      await("the snapshot is committed")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, namespace, "items", "id").containsKey(0L));
      List<String> statements = new ArrayList<>();
      for (int i = 1; i <= ROWS; i++) {
        statements.add("INSERT INTO items VALUES (" + i + ", 'big')");
      }
      // Small transactions before and after keep checkpoints firing around the big one.
      server.execute(database, "INSERT INTO items VALUES (-1, 'before')");
      server.executeInTransaction(database, statements.toArray(String[]::new));
      server.execute(database, "INSERT INTO items VALUES (-2, 'after')");
      await("all rows arrive")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, namespace, "items", "id").size() == ROWS + 3);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }

    Table table = IcebergRows.table(warehouse, namespace, "items");
    List<Integer> bigRowsPerSnapshot = new ArrayList<>();
    for (Snapshot snapshot : table.snapshots()) {
      int big = 0;
      try (CloseableIterable<Record> records =
          IcebergGenerics.read(table).useSnapshot(snapshot.snapshotId()).build()) {
        for (Record record : records) {
          if ("big".equals(record.getField("batch"))) {
            big++;
          }
        }
      }
      bigRowsPerSnapshot.add(big);
    }
    assertThat(bigRowsPerSnapshot)
        .as("rows of the big transaction in each snapshot")
        .containsOnly(0, ROWS)
        .contains(ROWS);
  }
}
