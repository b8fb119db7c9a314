package dev.cdcsync.bench;

import dev.cdcsync.bench.IcebergVisibility.Appearance;
import dev.cdcsync.bench.ScenarioResult.Throughput;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Scenario 1: cdc-sync starts on a loaded table; rows per second from its process start (and from
 * its first log line, leaving out the JVM's start) until every row is visible in Iceberg.
 */
final class SnapshotScenario {

  private SnapshotScenario() {}

  /**
   * @param sinceStart a resource window opened right after the process started
   * @param baselineRate the do-nothing consumer's snapshot rate on the same table
   */
  static ScenarioResult measure(
      RowsTableRun target, ResourceWindow sinceStart, OptionalDouble baselineRate)
      throws Exception {
    CdcSyncRun run = target.run();
    long rows = target.rows();
    Appearance visible =
        target.visibility().awaitRecords(rows, Durations.timeoutFor(rows), run::requireAlive);
    ResourceUsage usage = sinceStart.end(rows);
    OptionalLong pipelineStart = run.pipelineStartNanos();
    Throughput throughput =
        new Throughput(
            rows,
            Durations.secondsBetween(run.startNanos(), visible.seenAtNanos()),
            pipelineStart.isPresent()
                ? OptionalDouble.of(
                    Durations.secondsBetween(pipelineStart.getAsLong(), visible.seenAtNanos()))
                : OptionalDouble.empty());
    Progress.say(
        String.format(
            "  snapshot of %,d rows visible after %.1f s; checking", rows, throughput.seconds()));
    return new ScenarioResult(
        target.database().type(),
        target.modeLabel(),
        Scenario.SNAPSHOT.label(),
        Optional.of(throughput),
        baselineRate,
        Optional.empty(),
        Optional.of(usage),
        target.check());
  }
}
