package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invariant 4: two instances of one pipeline never both commit. */
class FencingIT {

  @TempDir Path work;

  @Test
  void aSecondInstanceRefusesToStartWhileTheFirstRunsAndTakesOverOnceItDied() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase("fencing");
    server.execute(
        "fencing", "CREATE TABLE items (id BIGINT PRIMARY KEY)", "INSERT INTO items VALUES (1)");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, "fencing", PipelineFiles.postgresTables("fencing"), warehouse, "200ms");

    try (CdcSyncProcess first = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      await("the first instance commits")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(first.isAlive()).as(first::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(1L));

      try (CdcSyncProcess second = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
        assertThat(second.waitFor(60)).as(second.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(second.errors())
            .contains("Error: Cannot start pipeline 'fencing': another instance (epoch 1, ")
            .contains("stop it first, or wait 60 s if it has died");
      }
      server.execute("fencing", "INSERT INTO items VALUES (2)");
      await("the first instance goes on committing")
          .atMost(Duration.ofSeconds(60))
          .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(2L));
      first.kill();
    }

    server.execute("fencing", "INSERT INTO items VALUES (3)");
    try (CdcSyncProcess successor = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      await("a successor takes over from the dead instance")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited",
              () -> assertThat(successor.isAlive()).as(successor::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(3L));
      assertThat(successor.terminate(60)).as(successor.describe()).isEqualTo(ExitCodes.OK);
    }
    for (Snapshot snapshot : IcebergRows.table(warehouse, "public", "items").snapshots()) {
      assertThat(snapshot.summary().get("cdc-sync.epoch")).isIn("1", "2");
    }
  }
}
