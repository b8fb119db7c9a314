package dev.cdcsync.bench;

import dev.cdcsync.bench.ScenarioResult.Throughput;
import dev.cdcsync.iceberg.WriteMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The ceiling cdc-sync is compared with: the same source, built from the same pipeline file, in
 * this JVM, into a {@link BaselineConsumer}. Measures the snapshot of the benchmark table, then
 * streaming of the same updates as {@link StreamingScenario}.
 */
final class BaselineScenario {

  static final String MODE_LABEL = "-";
  static final String SNAPSHOT_LABEL = "baseline snapshot";
  static final String STREAMING_LABEL = "baseline streaming";
  private static final String READER_NAME = "bench_baseline";
  private static final Duration STREAMING_START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Events per second of the two phases, and the CPU time per streamed event; empty where a phase
   * failed.
   */
  record Rates(
      OptionalDouble snapshot, OptionalDouble streaming, OptionalDouble streamingCpuMicros) {

    static Rates none() {
      return new Rates(OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    }
  }

  /** The rates, and the result lines that show them. */
  record Measurement(Rates rates, List<ScenarioResult> results) {}

  private BaselineScenario() {}

  static Measurement measure(
      BenchDatabase database, BenchmarkSizes sizes, Path workDirectory, int replicaId) {
    String type = database.type();
    Path directory = workDirectory.resolve(type + "-baseline");
    String step = SNAPSHOT_LABEL;
    Throughput snapshot = null;
    try {
      PipelineFile pipeline =
          PipelineFile.write(
              directory,
              "bench-" + type + "-baseline",
              database,
              database.sourceLines(database.rowsTablePattern(), READER_NAME, replicaId),
              directory.resolve("warehouse"),
              WriteMode.UPSERT);
      try (Baseline baseline = Baseline.start(pipeline)) {
        long rows = sizes.rows();
        long lastRow =
            baseline
                .consumer()
                .awaitSnapshotRows(rows, Durations.timeoutFor(rows), baseline::requireRunning);
        snapshot =
            new Throughput(
                rows,
                Durations.secondsBetween(baseline.startNanos(), lastRow),
                OptionalDouble.empty());
        Progress.say(
            String.format(
                "  baseline: %,d snapshot rows in %.1f s (first after %.1f s)",
                rows,
                snapshot.seconds(),
                Durations.secondsBetween(
                    baseline.startNanos(), baseline.consumer().firstSnapshotRowNanos())));
        baseline.consumer().awaitStreaming(STREAMING_START_TIMEOUT, baseline::requireRunning);

        step = STREAMING_LABEL;
        UpdateLoad load =
            new UpdateLoad(database, BenchDatabase.ROWS_DATABASE, BenchDatabase.ROWS_TABLE, rows);
        BaselineCpu cpu = BaselineCpu.begin();
        long start = System.nanoTime();
        long changes =
            load.runBackToBack(
                Math.max(1, sizes.updates() / sizes.rowsPerTransaction()),
                sizes.rowsPerTransaction());
        long lastChange =
            baseline
                .consumer()
                .awaitChanges(changes, Durations.timeoutFor(changes), baseline::requireRunning);
        double cpuMicros = cpu.microsPerEvent(changes);
        Throughput streaming =
            new Throughput(
                changes, Durations.secondsBetween(start, lastChange), OptionalDouble.empty());
        Progress.say(
            String.format(
                "  baseline: %,d changes in %.1f s, %.1f µs CPU per change",
                changes, streaming.seconds(), cpuMicros));
        return new Measurement(
            new Rates(
                OptionalDouble.of(snapshot.rate()),
                OptionalDouble.of(streaming.rate()),
                OptionalDouble.of(cpuMicros)),
            List.of(
                result(
                    type,
                    SNAPSHOT_LABEL,
                    snapshot,
                    count("snapshot rows", baseline.consumer().snapshotRows(), rows)),
                result(
                        type,
                        STREAMING_LABEL,
                        streaming,
                        count("changes", baseline.consumer().changes(), changes))
                    .withResources(ResourceUsage.cpuOnly(cpuMicros))));
      }
    } catch (Exception e) {
      ScenarioResult failure = ScenarioResult.failed(type, MODE_LABEL, step, Failures.describe(e));
      return snapshot == null
          ? new Measurement(Rates.none(), List.of(failure))
          : new Measurement(
              new Rates(
                  OptionalDouble.of(snapshot.rate()),
                  OptionalDouble.empty(),
                  OptionalDouble.empty()),
              List.of(result(type, SNAPSHOT_LABEL, snapshot, CheckResult.ok()), failure));
    } finally {
      try {
        database.releaseReader(BenchDatabase.ROWS_DATABASE, READER_NAME);
        Workspace.deleteRecursively(directory);
      } catch (Exception e) {
        Progress.say("cannot clean up after the baseline: " + e.getMessage());
      }
    }
  }

  private static ScenarioResult result(
      String database, String label, Throughput throughput, CheckResult check) {
    return new ScenarioResult(
        database,
        MODE_LABEL,
        label,
        Optional.of(throughput),
        OptionalDouble.empty(),
        Optional.empty(),
        Optional.empty(),
        check);
  }

  /** The consumer must have counted each event once: no more than the source produced. */
  private static CheckResult count(String what, long counted, long expected) {
    return counted == expected
        ? CheckResult.ok()
        : CheckResult.failed(
            "baseline consumer counted " + counted + " " + what + ", expected " + expected);
  }
}
