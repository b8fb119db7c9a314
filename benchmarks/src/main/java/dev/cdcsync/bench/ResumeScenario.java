package dev.cdcsync.bench;

import dev.cdcsync.bench.IcebergVisibility.Appearance;
import dev.cdcsync.bench.ScenarioResult.Throughput;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * cdc-sync starts on the loaded table and is killed with SIGKILL once half its rows are visible,
 * then started again: the restarted run should read only what no commit holds, so it takes about
 * half the time of a whole snapshot. Reports the restarted run: rows/s counting all rows, and the
 * seconds from its start until every row is visible.
 */
final class ResumeScenario {

  private ResumeScenario() {}

  static ScenarioResult measure(RowsTableRun target) throws Exception {
    long rows = target.rows();
    CdcSyncRun first = target.run();
    Appearance half =
        target.visibility().awaitRecords(rows / 2, Durations.timeoutFor(rows), first::requireAlive);
    double toKill = Durations.secondsBetween(first.startNanos(), System.nanoTime());
    target.killAndRestart();
    long committed = target.visibility().latestRecords();
    CdcSyncRun second = target.run();
    Appearance all =
        target.visibility().awaitRecords(rows, Durations.timeoutFor(rows), second::requireAlive);
    double restarted = Durations.secondsBetween(second.startNanos(), all.seenAtNanos());
    Progress.say(
        String.format(
            "  killed after %.1f s with %,d of %,d rows committed (first half seen at %,d);"
                + " the restarted run had every row visible after %.1f s",
            toKill, committed, rows, half.records(), restarted));
    return new ScenarioResult(
        target.database().type(),
        target.modeLabel(),
        Scenario.RESUME.label(),
        Optional.of(new Throughput(rows, restarted, OptionalDouble.empty())),
        OptionalDouble.empty(),
        Optional.empty(),
        Optional.empty(),
        target.check());
  }
}
