package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PostgreSQL partitioned table is one Iceberg table: its partitions, present and attached later,
 * arrive under the parent's name, each row once, although the pattern matches the partitions too.
 */
class PostgresPartitionedTablesIT {

  @TempDir Path work;

  @Test
  void capturesAllPartitionsIntoTheParentsTableOnce() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "partitioned";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE measurements (id INT, region TEXT, reading INT, taken DATE, PRIMARY KEY (id, region)) PARTITION BY LIST (region)",
        "CREATE TABLE measurements_eu PARTITION OF measurements FOR VALUES IN ('eu')",
        "CREATE TABLE measurements_us PARTITION OF measurements FOR VALUES IN ('us')",
        "CREATE TABLE plain (id INT PRIMARY KEY)",
        "INSERT INTO measurements VALUES (1, 'eu', 10), (2, 'us', 20), (3, 'eu', 30)",
        "INSERT INTO plain VALUES (1)");
    Path warehouse = work.resolve("warehouse");
    Path pipeline =
        PipelineFiles.write(
            work, server, "partitioned", PipelineFiles.postgresTables(database), warehouse, "1s");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      awaitEqualToSource(cdcSync, server, database, warehouse);
      server.execute(
          database,
          "INSERT INTO measurements VALUES (4, 'us', 40)",
          "UPDATE measurements SET reading = 11 WHERE id = 1",
          // Moves the row to the other partition: a delete there and an insert here.
          "UPDATE measurements SET region = 'us' WHERE id = 3",
          "DELETE FROM measurements WHERE id = 2",
          "CREATE TABLE measurements_asia PARTITION OF measurements FOR VALUES IN ('asia')",
          "INSERT INTO measurements VALUES (5, 'asia', 50)");
      awaitEqualToSource(cdcSync, server, database, warehouse);
      // The new partition's rows streamed; the watcher then either captures it as it is or copies
      // its rows once more (harmless in an upsert table): wait for that before counting below.
      await("measurements_asia is captured")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(cdcSync.output())
                      .containsAnyOf(
                          "Capturing new partition \"public\".\"measurements_asia\"",
                          "Copied the rows of new partition \"public\".\"measurements_asia\""));
      long before =
          IcebergRows.table(warehouse, "public", "measurements").currentSnapshot().snapshotId();
      // A table created with rows and attached later (in one transaction, so that it is never
      // seen as a table of its own): its rows arrive once, under the parent.
      server.executeInTransaction(
          database,
          "CREATE TABLE measurements_sa (LIKE measurements INCLUDING ALL)",
          // A day before Christ: read as the stream would read it, not by the Julian calendar.
          "INSERT INTO measurements_sa VALUES (6, 'sa', 60, date '0044-03-15 BC')",
          "ALTER TABLE measurements ATTACH PARTITION measurements_sa FOR VALUES IN ('sa')");
      awaitEqualToSource(cdcSync, server, database, warehouse);
      // Only the attached partition's row was copied, not the whole partitioned table again.
      long copied = 0;
      for (Snapshot snapshot : IcebergRows.table(warehouse, "public", "measurements").snapshots()) {
        if (snapshot.parentId() != null
            && snapshot.sequenceNumber() > sequenceNumber(warehouse, before)) {
          copied += Long.parseLong(snapshot.summary().getOrDefault("added-records", "0"));
        }
      }
      // Row 6 once through the copy, and perhaps once more through the stream (PostgreSQL may
      // decode an insert into a table attached in the same transaction under the root); a copy of
      // the whole partitioned table would write all five rows.
      assertThat(copied).as("rows written since the attach").isBetween(1L, 2L);
      server.execute(database, "INSERT INTO measurements VALUES (7, 'sa', 70)");
      awaitEqualToSource(cdcSync, server, database, warehouse);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
    for (String partition :
        List.of("measurements_eu", "measurements_us", "measurements_asia", "measurements_sa")) {
      assertThat(IcebergRows.exists(warehouse, "public", partition)).as(partition).isFalse();
    }
    assertThat(IcebergRows.rows(warehouse, "public", "plain", "id")).containsOnlyKeys(1);
  }

  private static long sequenceNumber(Path warehouse, long snapshotId) {
    return IcebergRows.table(warehouse, "public", "measurements")
        .snapshot(snapshotId)
        .sequenceNumber();
  }

  private static void awaitEqualToSource(
      CdcSyncProcess cdcSync, TestDatabaseServer server, String database, Path warehouse) {
    await("public.measurements equals the source")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              // Listed, not keyed: a row read twice would show as two.
              Map<Object, Object> iceberg = new TreeMap<>();
              for (Map<String, Object> row :
                  IcebergRows.list(warehouse, "public", "measurements")) {
                assertThat(
                        iceberg.put(
                            row.get("id"),
                            row.get("region") + ":" + row.get("reading") + ":" + row.get("taken")))
                    .as("row %s appears once", row.get("id"))
                    .isNull();
              }
              assertThat(iceberg).as(cdcSync.describe()).isEqualTo(sourceRows(server, database));
            });
  }

  private static Map<Object, Object> sourceRows(TestDatabaseServer server, String database)
      throws Exception {
    Map<Object, Object> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery("SELECT id, region, reading, taken FROM measurements")) {
      while (result.next()) {
        rows.put(
            result.getInt(1),
            result.getString(2)
                + ":"
                + result.getInt(3)
                + ":"
                + result.getObject(4, java.time.LocalDate.class));
      }
    }
    return rows;
  }
}
