package dev.cdcsync.cli;

import dev.cdcsync.api.StateStorage;
import dev.cdcsync.iceberg.IcebergTableReader;
import dev.cdcsync.iceberg.IcebergTableReader.CommittedTable;
import dev.cdcsync.runtime.checkpoint.CheckpointRecord;
import dev.cdcsync.runtime.checkpoint.CheckpointStore;
import dev.cdcsync.runtime.definition.PipelineLoader.LoadedPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cdc-sync status pipeline.yaml}: what a pipeline has committed, and how fresh it is. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Shows a pipeline's last checkpoint and, per table, the checkpoint and source position it"
            + " holds and how far behind the source it was when committed. Reads only the state"
            + " store and the tables; works whether the pipeline runs or not.")
final class StatusCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "PIPELINE_FILE",
      description = "The pipeline definition (YAML).")
  Path file;

  @Override
  public Integer call() {
    try {
      LoadedPipeline pipeline = PipelineProcess.load(file).pipeline();
      Optional<CheckpointRecord> latest;
      String stateLocation;
      try (StateStorage state = pipeline.openStateStorage()) {
        latest = new CheckpointStore(state).latest();
        stateLocation = state.location();
      }
      Instant now = Instant.now();
      System.out.println("Pipeline '" + pipeline.name() + "' (state in " + stateLocation + ")");
      if (latest.isEmpty()) {
        System.out.println("  no checkpoint yet: the next start begins with the initial snapshot");
      } else {
        CheckpointRecord record = latest.get();
        System.out.printf(
            "  last checkpoint %d at %s (%s ago) by instance epoch %d%n  source position %s%n",
            record.id(),
            record.createdAt(),
            age(Duration.between(record.createdAt(), now)),
            record.epoch(),
            record.position());
      }
      List<CommittedTable> tables =
          IcebergTableReader.committedTables(pipeline.sinkOptions(), pipeline.name());
      int width =
          tables.stream().mapToInt(table -> table.table().toString().length()).max().orElse(5);
      for (CommittedTable table : tables) {
        long lag =
            table.sourceTimestampMillis() == 0
                ? -1
                : table.committedAt().toEpochMilli() - table.sourceTimestampMillis();
        System.out.printf(
            "  %-" + width + "s  checkpoint %d  committed %s ago  %s behind the source then%n",
            table.table(),
            table.checkpointId(),
            age(Duration.between(table.committedAt(), now)),
            lag < 0 ? "?" : age(Duration.ofMillis(Math.max(0, lag))));
      }
      return ExitCodes.OK;
    } catch (Exception e) {
      return CommandFailures.report(e);
    }
  }

  private static String age(Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return String.format("%.1fs", duration.toMillis() / 1000.0);
    }
    return seconds < 3600
        ? (seconds / 60) + "m" + (seconds % 60) + "s"
        : (seconds / 3600) + "h" + (seconds / 60 % 60) + "m";
  }
}
