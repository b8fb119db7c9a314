package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 4: two instances of one pipeline never both commit; a new instance waits for the one
 * that runs, and starts at once after one that died on this host.
 */
class FencingIT {

  @TempDir Path work;

  @Test
  void aSecondInstanceWaitsWhileTheFirstRunsAndTakesOverOnceItDied() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    Path warehouse = work.resolve("warehouse");
    Path file = itemsPipeline(server, "fencing", warehouse);

    try (CdcSyncProcess first = CdcSyncProcess.start(work, Map.of(), "run", file.toString());
        CdcSyncProcess second = startWhenCommitted(first, warehouse, 1L, file)) {
      await("the second instance says that it waits for the first")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "the second instance exited",
              () -> assertThat(second.isAlive()).as(second::describe).isTrue())
          .until(() -> second.describe().contains(WAITING));
      // Logged on stderr by the shipped jar; on stdout with the tests' logging set-up.
      assertThat(second.describe())
          .contains("Pipeline 'fencing': another instance (epoch 1, ")
          .contains("waiting until it stops or has been silent for 60 s");

      server.execute("fencing", "INSERT INTO items VALUES (2)");
      await("the first instance goes on committing")
          .atMost(Duration.ofSeconds(60))
          .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(2L));
      assertThat(second.isAlive()).as(second::describe).isTrue();

      // One that waits stops at once when asked to.
      try (CdcSyncProcess third = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
        await("a third instance waits too")
            .atMost(Duration.ofSeconds(60))
            .until(() -> third.describe().contains(WAITING));
        assertThat(third.terminate(20)).as(third.describe()).isEqualTo(ExitCodes.OK);
      }

      first.kill();
      server.execute("fencing", "INSERT INTO items VALUES (3)");
      await("the waiting instance takes over from the dead one")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "the second instance exited",
              () -> assertThat(second.isAlive()).as(second::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(3L));
      assertThat(second.describe().split(WAITING, -1)).as("said once").hasSize(2);
      assertThat(second.describe()).contains("the other instance is gone; starting");
      assertThat(second.terminate(60)).as(second.describe()).isEqualTo(ExitCodes.OK);
    }
    for (Snapshot snapshot : IcebergRows.table(warehouse, "public", "items").snapshots()) {
      assertThat(snapshot.summary().get("cdc-sync.epoch")).isIn("1", "2");
    }
  }

  /**
   * A restart on the same host, as a container's restart or a supervisor's: the killed instance's
   * parent has not reaped it, so it lingers as a zombie, which Java still calls alive. Its
   * successor must start at once, not wait a minute for the lease to lapse.
   */
  @Test
  void aSuccessorStartsAtOnceAfterItsPredecessorWasKilledAndNotReaped() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    Path warehouse = work.resolve("warehouse");
    Path file = itemsPipeline(server, "zombie", warehouse);

    // sh starts cdc-sync, writes its process id, and becomes a sleep that never reaps it.
    Path pidFile = work.resolve("predecessor.pid");
    List<String> command =
        new ArrayList<>(
            List.of(
                "sh",
                "-c",
                "\"$@\" > predecessor.out 2> predecessor.err & echo $! > predecessor.pid;"
                    + " exec sleep 600",
                "sh"));
    command.addAll(CdcSyncProcess.command("run", file.toString()));
    Process parent =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      await("the predecessor's process id")
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n"));
      long predecessor = Long.parseLong(Files.readString(pidFile).strip());
      await("the predecessor commits")
          .atMost(Duration.ofSeconds(90))
          .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(1L));
      ProcessHandle.of(predecessor).orElseThrow().destroyForcibly();
      await("the predecessor is a zombie")
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.readString(Path.of("/proc/" + predecessor + "/stat")).contains(") Z"));

      server.execute("zombie", "INSERT INTO items VALUES (2)");
      try (CdcSyncProcess successor =
          CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
        await("the successor takes over before the lease would lapse")
            .atMost(Duration.ofSeconds(45))
            .failFast(
                "the successor exited",
                () -> assertThat(successor.isAlive()).as(successor::describe).isTrue())
            .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(2L));
        assertThat(successor.describe()).doesNotContain(WAITING);
        assertThat(successor.terminate(60)).as(successor.describe()).isEqualTo(ExitCodes.OK);
      }
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  private static final String WAITING = "waiting until it stops";

  /** A new database whose table {@code items} holds row 1, and a pipeline file for it. */
  private Path itemsPipeline(TestDatabaseServer server, String database, Path warehouse)
      throws Exception {
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE items (id BIGINT PRIMARY KEY)", "INSERT INTO items VALUES (1)");
    return PipelineFiles.write(
        work, server, database, PipelineFiles.postgresTables(database), warehouse, "200ms");
  }

  /** Starts another instance once {@code first} has committed the row with {@code id}. */
  private CdcSyncProcess startWhenCommitted(
      CdcSyncProcess first, Path warehouse, long id, Path file) throws Exception {
    await("the first instance commits")
        .atMost(Duration.ofSeconds(90))
        .failFast("cdc-sync exited", () -> assertThat(first.isAlive()).as(first::describe).isTrue())
        .until(() -> IcebergRows.rows(warehouse, "public", "items", "id").containsKey(id));
    return CdcSyncProcess.start(work, Map.of(), "run", file.toString());
  }
}
