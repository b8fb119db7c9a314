package dev.cdcsync.bench;

import dev.cdcsync.bench.IcebergVisibility.Appearance;
import dev.cdcsync.bench.ScenarioResult.Latency;
import dev.cdcsync.bench.ScenarioResult.Throughput;
import dev.cdcsync.bench.UpdateLoad.CommittedTransaction;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Scenario 3: a steady load of small transactions; for each, the delay from its commit (when the
 * database confirmed it to the load generator) until the first Iceberg snapshot that holds it was
 * seen by a reader polling every {@link RowsTableRun#POLL_PERIOD}.
 *
 * <p>A transaction is in a snapshot once the snapshot's {@code total-records} covers every change
 * made up to it (see {@link IcebergVisibility}). Unlike the snapshot's {@code cdc-sync.source-ts-ms},
 * this holds for MariaDB too, whose binlog timestamps have one-second resolution.
 */
final class FreshnessScenario {

  private FreshnessScenario() {}

  static ScenarioResult measure(RowsTableRun target, BenchmarkSizes sizes) throws Exception {
    CdcSyncRun run = target.run();
    long recordsBefore = target.visibility().latestRecords();
    long changesBefore = target.load().changes();
    ResourceWindow window = run.beginResourceWindow();
    long start = System.nanoTime();
    List<CommittedTransaction> transactions =
        target
            .load()
            .runSteadily(
                sizes.freshnessTransactionsPerSecond(),
                sizes.rowsPerFreshnessTransaction(),
                sizes.freshnessDuration().toSeconds());
    long end = System.nanoTime();
    long changes = target.load().changes() - changesBefore;
    target
        .visibility()
        .awaitRecords(recordsBefore + changes, Durations.timeoutFor(changes), run::requireAlive);
    ResourceUsage usage = window.end(changes);
    Latency latency =
        latency(transactions, target.visibility().appearances(), recordsBefore, changesBefore);
    Progress.say(
        String.format(
            "  %,d changes in %,d transactions over %.1f s; p50 %.0f ms, p99 %.0f ms; checking",
            changes,
            transactions.size(),
            Durations.secondsBetween(start, end),
            latency.p50Millis(),
            latency.p99Millis()));
    return new ScenarioResult(
        target.database().type(),
        target.modeLabel(),
        Scenario.FRESHNESS.label(),
        Optional.of(
            new Throughput(changes, Durations.secondsBetween(start, end), OptionalDouble.empty())),
        OptionalDouble.empty(),
        Optional.of(latency),
        Optional.of(usage),
        target.check());
  }

  /**
   * Matches each transaction with the first snapshot that holds it.
   *
   * @param recordsBefore the table's {@code total-records} before the load
   * @param changesBefore the load's change count before the first of {@code transactions}
   */
  static Latency latency(
      List<CommittedTransaction> transactions,
      List<Appearance> appearances,
      long recordsBefore,
      long changesBefore) {
    double[] delays = new double[transactions.size()];
    int next = 0;
    for (int i = 0; i < transactions.size(); i++) {
      CommittedTransaction transaction = transactions.get(i);
      long needed = recordsBefore + transaction.changesSoFar() - changesBefore;
      while (next < appearances.size() && appearances.get(next).records() < needed) {
        next++;
      }
      if (next == appearances.size()) {
        throw new IllegalStateException(
            "Cannot find the snapshot holding transaction " + (i + 1) + " of the steady load");
      }
      // The recorded commit time is when the database's answer reached the load generator, a bit
      // after the real commit; on a busy machine the poller can see the commit before that.
      delays[i] =
          Math.max(
              0,
              Durations.millisBetween(
                  transaction.committedAtNanos(), appearances.get(next).seenAtNanos()));
    }
    Percentiles percentiles = Percentiles.of(delays);
    return new Latency(percentiles.at(50), percentiles.at(99), percentiles.count());
  }
}
