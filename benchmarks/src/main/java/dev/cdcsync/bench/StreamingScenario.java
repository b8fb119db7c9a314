package dev.cdcsync.bench;

import dev.cdcsync.bench.IcebergVisibility.Appearance;
import dev.cdcsync.bench.ScenarioResult.Throughput;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Scenario 2 (and 4, which measures cdc-sync's CPU and memory while it runs): once the snapshot is
 * committed, updates in transactions of a fixed size, back to back; events per second from the
 * first update until the last one is visible in Iceberg.
 */
final class StreamingScenario {

  /** The same run seen as throughput (scenario 2) and as resource use (scenario 4). */
  record Measurement(ScenarioResult streaming, ScenarioResult cpu) {}

  private StreamingScenario() {}

  static Measurement measure(
      RowsTableRun target, BenchmarkSizes sizes, BaselineScenario.Rates baseline) throws Exception {
    CdcSyncRun run = target.run();
    long before = target.visibility().latestRecords();
    int transactions = Math.max(1, sizes.updates() / sizes.rowsPerTransaction());
    ResourceWindow window = run.beginResourceWindow();
    long start = System.nanoTime();
    long changes = target.load().runBackToBack(transactions, sizes.rowsPerTransaction());
    double writeSeconds = Durations.secondsBetween(start, System.nanoTime());
    Appearance visible =
        target
            .visibility()
            .awaitRecords(before + changes, Durations.timeoutFor(changes), run::requireAlive);
    ResourceUsage usage = window.end(changes).lessBaseline(baseline.streamingCpuMicros());
    Throughput throughput =
        new Throughput(
            changes,
            Durations.secondsBetween(start, visible.seenAtNanos()),
            OptionalDouble.empty());
    Progress.say(
        String.format(
            "  %,d updates written in %.1f s, visible after %.1f s; checking",
            changes, writeSeconds, throughput.seconds()));
    CheckResult check = target.check();
    String database = target.database().type();
    return new Measurement(
        new ScenarioResult(
            database,
            target.modeLabel(),
            Scenario.STREAMING.label(),
            Optional.of(throughput),
            baseline.streaming(),
            Optional.empty(),
            Optional.of(usage),
            check),
        new ScenarioResult(
            database,
            target.modeLabel(),
            Scenario.CPU.label(),
            Optional.of(throughput),
            OptionalDouble.empty(),
            Optional.empty(),
            Optional.of(usage),
            check));
  }
}
