package dev.cdcsync.bench;

import dev.cdcsync.iceberg.WriteMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/** Every selected scenario against one database server, in both selected write modes. */
final class DatabaseBenchmark {

  private static final int BASELINE_REPLICA_ID = 5601;
  private static final int ROWS_TABLE_REPLICA_ID = 5610;
  private static final int WHOLE_DATABASE_REPLICA_ID = 5620;
  private static final int RESUME_REPLICA_ID = 5630;

  private final BenchDatabase database;
  private final BenchmarkSizes sizes;
  private final Set<Scenario> scenarios;
  private final List<WriteMode> modes;
  private final Path jar;
  private final Path workDirectory;
  private final List<String> ruleLines;

  /**
   * @param ruleLines top-level pipeline lines (transform rules) for the snapshot table's cdc-sync
   *     runs, or none; the baseline and the many-tables scenario never get them
   */
  DatabaseBenchmark(
      BenchDatabase database,
      BenchmarkSizes sizes,
      Set<Scenario> scenarios,
      List<WriteMode> modes,
      Path jar,
      Path workDirectory,
      List<String> ruleLines) {
    this.database = database;
    this.sizes = sizes;
    this.scenarios = Set.copyOf(scenarios);
    this.modes = List.copyOf(modes);
    this.jar = jar;
    this.workDirectory = workDirectory;
    this.ruleLines = List.copyOf(ruleLines);
  }

  List<ScenarioResult> run() throws Exception {
    List<ScenarioResult> results = new ArrayList<>();
    if (needsRowsTable()) {
      Progress.say(
          String.format(
              "%s: loading %,d rows into %s",
              database.type(), sizes.rows(), BenchDatabase.ROWS_TABLE));
      database.createRowsTable(sizes.rows());
      BaselineScenario.Rates rates = BaselineScenario.Rates.none();
      if (scenarios.contains(Scenario.SNAPSHOT)) {
        results.add(readReference());
      }
      if (scenarios.contains(Scenario.SNAPSHOT) || scenarios.contains(Scenario.STREAMING)) {
        Progress.say(
            database.type() + ": baseline (the source alone, do-nothing consumer, in process)");
        BaselineScenario.Measurement baseline =
            BaselineScenario.measure(database, sizes, workDirectory, BASELINE_REPLICA_ID);
        rates = baseline.rates();
        results.addAll(baseline.results());
      }
      for (int i = 0; i < modes.size(); i++) {
        results.addAll(measureRowsTable(modes.get(i), rates, ROWS_TABLE_REPLICA_ID + i));
      }
    }
    if (scenarios.contains(Scenario.RESUME)) {
      for (int i = 0; i < modes.size(); i++) {
        results.add(measureResume(modes.get(i), RESUME_REPLICA_ID + i));
      }
    }
    if (scenarios.contains(Scenario.TABLES)) {
      for (int i = 0; i < modes.size(); i++) {
        results.addAll(
            new WholeDatabaseScenario(
                    database,
                    sizes,
                    modes.get(i),
                    jar,
                    workDirectory,
                    WHOLE_DATABASE_REPLICA_ID + i)
                .measure());
      }
    }
    return results;
  }

  /** The database's own plain read of the snapshot table, for the snapshot's ratio to it. */
  private ScenarioResult readReference() {
    String label = database.readReferenceLabel();
    try {
      long start = System.nanoTime();
      long rows = database.readRowsTable();
      ScenarioResult.Throughput read =
          new ScenarioResult.Throughput(
              rows, Durations.secondsBetween(start, System.nanoTime()), OptionalDouble.empty());
      Progress.say(
          String.format(
              "  %s: %,d rows in %.1f s (%,.0f rows/s)", label, rows, read.seconds(), read.rate()));
      return new ScenarioResult(
          database.type(),
          "-",
          label,
          Optional.of(read),
          OptionalDouble.empty(),
          Optional.empty(),
          Optional.empty(),
          rows == sizes.rows()
              ? CheckResult.ok()
              : CheckResult.failed("read " + rows + " rows, expected " + sizes.rows()));
    } catch (Exception e) {
      return ScenarioResult.failed(database.type(), "-", label, Failures.describe(e));
    }
  }

  /** A snapshot killed half way and restarted, on a fresh warehouse. */
  private ScenarioResult measureResume(WriteMode mode, int replicaId) {
    String modeLabel = mode.name().toLowerCase(Locale.ROOT);
    Progress.say(database.type() + " " + modeLabel + ": snapshot killed half way, then restarted");
    try (RowsTableRun target =
        RowsTableRun.start(
            database, mode, sizes.rows(), jar, workDirectory, replicaId, ruleLines)) {
      return ResumeScenario.measure(target);
    } catch (Exception e) {
      return ScenarioResult.failed(
          database.type(), modeLabel, Scenario.RESUME.label(), Failures.describe(e));
    }
  }

  private boolean needsRowsTable() {
    return scenarios.contains(Scenario.SNAPSHOT)
        || scenarios.contains(Scenario.RESUME)
        || scenarios.contains(Scenario.STREAMING)
        || scenarios.contains(Scenario.CPU)
        || scenarios.contains(Scenario.FRESHNESS);
  }

  /**
   * Snapshot, then streaming and freshness on the same cdc-sync process. The snapshot runs
   * whenever a later scenario does, since they start from it; only selected scenarios are reported.
   */
  private List<ScenarioResult> measureRowsTable(
      WriteMode mode, BaselineScenario.Rates rates, int replicaId) {
    String modeLabel = mode.name().toLowerCase(Locale.ROOT);
    Progress.say(
        database.type() + " " + modeLabel + ": starting cdc-sync (" + CdcSyncRun.MAX_HEAP + ")");
    List<ScenarioResult> results = new ArrayList<>();
    String step = Scenario.SNAPSHOT.label();
    try (RowsTableRun target =
        RowsTableRun.start(
            database, mode, sizes.rows(), jar, workDirectory, replicaId, ruleLines)) {
      ResourceWindow sinceStart = target.run().beginResourceWindow();
      keep(
          results,
          Scenario.SNAPSHOT,
          SnapshotScenario.measure(target, sinceStart, rates.snapshot()));
      if (scenarios.contains(Scenario.STREAMING) || scenarios.contains(Scenario.CPU)) {
        step = Scenario.STREAMING.label();
        Progress.say(
            String.format(
                "%s %s: streaming %,d updates", database.type(), modeLabel, sizes.updates()));
        StreamingScenario.Measurement streaming = StreamingScenario.measure(target, sizes, rates);
        keep(results, Scenario.STREAMING, streaming.streaming());
        keep(results, Scenario.CPU, streaming.cpu());
        if (target.mode() == WriteMode.UPSERT) {
          ReadCost.measure(target);
        }
      }
      if (scenarios.contains(Scenario.FRESHNESS)) {
        step = Scenario.FRESHNESS.label();
        Progress.say(
            String.format(
                "%s %s: freshness, %,d changes/s for %d s",
                database.type(),
                modeLabel,
                sizes.freshnessChangesPerSecond(),
                sizes.freshnessDuration().toSeconds()));
        keep(results, Scenario.FRESHNESS, FreshnessScenario.measure(target, sizes));
      }
      step = "stop";
      int exitCode = target.stop();
      if (exitCode != 0) {
        results.add(
            ScenarioResult.failed(
                database.type(),
                modeLabel,
                step,
                "cdc-sync exited with code "
                    + exitCode
                    + " after SIGTERM\n"
                    + target.run().logTail()));
      }
    } catch (Exception e) {
      results.add(ScenarioResult.failed(database.type(), modeLabel, step, Failures.describe(e)));
    }
    return results;
  }

  private void keep(List<ScenarioResult> results, Scenario scenario, ScenarioResult result) {
    if (scenarios.contains(scenario)) {
      results.add(result);
    }
  }
}
