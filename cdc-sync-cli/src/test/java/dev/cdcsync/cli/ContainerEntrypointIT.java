package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's entrypoint script on the shipped jar, as the image runs it: the pipeline from
 * $CDC_SYNC_PIPELINE, JSON logs, SIGTERM reaching cdc-sync (exec), a commit before exit 0.
 */
class ContainerEntrypointIT {

  @TempDir Path work;

  @Test
  void runsThePipelineFromTheEnvironmentLogsJsonAndStopsCleanlyOnSigterm() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "entrypoint_pg";
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (1, 'a')");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.postgresTables(database), warehouse, "1h");
    Map<String, String> environment =
        Map.of("CDC_SYNC_PIPELINE", file.toString(), "CDC_SYNC_LOG_FORMAT", "json");

    try (CdcSyncProcess validate = CdcSyncProcess.startEntrypoint(work, environment, "validate")) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.OK);
      assertThat(validate.output())
          .contains("Pipeline '" + database + "' in " + file + " is valid.")
          .contains("checks passed");
    }

    // With a checkpoint interval of an hour, only the snapshot's end and the stop commit.
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.startEntrypoint(
            work, environment, "run", file.toString(), "--progress-interval", "1")) {
      await("the snapshot is committed")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () ->
                  assertThat(IcebergRows.rows(warehouse, "public", "t", "id")).containsOnlyKeys(1));
      server.execute(database, "INSERT INTO t VALUES (2, 'b')");
      await("the insert is read")
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(cdcSync.output()).contains("2 changes read"));
      assertThat(IcebergRows.rows(warehouse, "public", "t", "id")).containsOnlyKeys(1);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      // The change made just before SIGTERM was committed on the way out.
      assertThat(IcebergRows.rows(warehouse, "public", "t", "id")).containsOnlyKeys(1, 2);
      ObjectMapper json = new ObjectMapper();
      List<String> lines = cdcSync.errors().lines().filter(line -> !line.isBlank()).toList();
      assertThat(lines).isNotEmpty();
      for (String line : lines) {
        JsonNode entry = json.readTree(line);
        assertThat(entry.has("level") && entry.has("message")).as(line).isTrue();
      }
      assertThat(lines).anyMatch(line -> line.contains("stopped cleanly"));
    }
  }
}
