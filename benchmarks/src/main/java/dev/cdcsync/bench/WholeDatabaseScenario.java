package dev.cdcsync.bench;

import dev.cdcsync.bench.ScenarioResult.Throughput;
import dev.cdcsync.iceberg.IcebergSinkFactory;
import dev.cdcsync.iceberg.IcebergTableReader;
import dev.cdcsync.iceberg.WriteMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Scenario 5: one pipeline for a whole database of many small tables. Measures the time until
 * every table's snapshot is visible, then updates a few rows in every table (one transaction per
 * table) and measures the time until all those changes are visible.
 */
final class WholeDatabaseScenario {

  static final String SNAPSHOT_LABEL = "tables snapshot";
  static final String CHANGES_LABEL = "tables changes";
  private static final Duration POLL_PERIOD = Duration.ofMillis(250);

  private final BenchDatabase database;
  private final BenchmarkSizes sizes;
  private final WriteMode mode;
  private final String modeLabel;
  private final Path jar;
  private final Path directory;
  private final int replicaId;

  WholeDatabaseScenario(
      BenchDatabase database,
      BenchmarkSizes sizes,
      WriteMode mode,
      Path jar,
      Path workDirectory,
      int replicaId) {
    this.database = database;
    this.sizes = sizes;
    this.mode = mode;
    this.modeLabel = mode.name().toLowerCase(Locale.ROOT);
    this.jar = jar;
    this.directory = workDirectory.resolve(database.type() + "-tables-" + modeLabel);
    this.replicaId = replicaId;
  }

  /** Two results: the snapshot of all tables, and the changes to all tables. */
  List<ScenarioResult> measure() {
    List<ScenarioResult> results = new ArrayList<>();
    String step = SNAPSHOT_LABEL;
    String readerName = "bench_tables_" + modeLabel;
    try {
      Progress.say(
          String.format(
              "%s %s: creating %,d tables of %,d rows",
              database.type(), modeLabel, sizes.tables(), sizes.rowsPerTable()));
      database.createTables(sizes.tables(), sizes.rowsPerTable());
      Path warehouse = directory.resolve("warehouse");
      PipelineFile pipeline =
          PipelineFile.write(
              directory,
              "bench-" + database.type() + "-tables-" + modeLabel,
              database,
              database.sourceLines(database.allTablesPattern(), readerName, replicaId),
              warehouse,
              mode);
      Catalog catalog =
          IcebergSinkFactory.catalog(
              IcebergTableReader.hadoopWarehouse(warehouse.toUri().toString()));
      try (CdcSyncRun run = CdcSyncRun.start(jar, pipeline, directory)) {
        results.add(measureSnapshot(run, catalog));
        step = CHANGES_LABEL;
        results.add(measureChanges(run, catalog));
        step = "stop";
        int exitCode = run.stop();
        if (exitCode != 0) {
          results.add(
              failed(
                  step,
                  "cdc-sync exited with code " + exitCode + " after SIGTERM\n" + run.logTail()));
        }
      }
    } catch (Exception e) {
      results.add(failed(step, Failures.describe(e)));
      if (step.equals(SNAPSHOT_LABEL)) {
        results.add(failed(CHANGES_LABEL, "not run: the snapshot failed"));
      }
    } finally {
      try {
        database.releaseReader(BenchDatabase.TABLES_DATABASE, readerName);
        Workspace.deleteRecursively(directory.resolve("warehouse"));
      } catch (Exception e) {
        Progress.say("cannot clean up after the whole-database scenario: " + e.getMessage());
      }
    }
    return results;
  }

  private ScenarioResult measureSnapshot(CdcSyncRun run, Catalog catalog) throws Exception {
    ResourceWindow window = run.beginResourceWindow();
    long rows = (long) sizes.tables() * sizes.rowsPerTable();
    long visible =
        IcebergVisibility.awaitAllTables(
            catalog,
            expectedRecords(sizes.rowsPerTable()),
            Durations.timeoutFor(rows),
            POLL_PERIOD,
            run::requireAlive);
    ResourceUsage usage = window.end(rows);
    OptionalLong pipelineStart = run.pipelineStartNanos();
    Throughput throughput =
        new Throughput(
            rows,
            Durations.secondsBetween(run.startNanos(), visible),
            pipelineStart.isPresent()
                ? OptionalDouble.of(Durations.secondsBetween(pipelineStart.getAsLong(), visible))
                : OptionalDouble.empty());
    Progress.say(
        String.format(
            "  all %,d tables visible after %.1f s; checking",
            sizes.tables(), throughput.seconds()));
    return result(SNAPSHOT_LABEL, throughput, usage, check(catalog, 0));
  }

  private ScenarioResult measureChanges(CdcSyncRun run, Catalog catalog) throws Exception {
    ResourceWindow window = run.beginResourceWindow();
    long start = System.nanoTime();
    long changes = 0;
    try (Connection connection = database.connect(BenchDatabase.TABLES_DATABASE)) {
      for (int index = 1; index <= sizes.tables(); index++) {
        try (PreparedStatement update =
            BenchDatabase.prepareUpdate(connection, BenchDatabase.tableName(index))) {
          changes += BenchDatabase.updateRange(update, 0, sizes.changedRowsPerTable());
        }
      }
    }
    long visible =
        IcebergVisibility.awaitAllTables(
            catalog,
            expectedRecords(sizes.rowsPerTable() + sizes.changedRowsPerTable()),
            Durations.timeoutFor(changes),
            POLL_PERIOD,
            run::requireAlive);
    ResourceUsage usage = window.end(changes);
    Throughput throughput =
        new Throughput(changes, Durations.secondsBetween(start, visible), OptionalDouble.empty());
    Progress.say(
        String.format(
            "  %,d changes in all tables visible after %.1f s; checking",
            changes, throughput.seconds()));
    return result(CHANGES_LABEL, throughput, usage, check(catalog, sizes.changedRowsPerTable()));
  }

  private Map<TableIdentifier, Long> expectedRecords(long records) {
    Map<TableIdentifier, Long> expected = new LinkedHashMap<>();
    for (int index = 1; index <= sizes.tables(); index++) {
      expected.put(
          database.sinkTable(BenchDatabase.TABLES_DATABASE, BenchDatabase.tableName(index)),
          records);
    }
    return expected;
  }

  /** Compares every table with its source table; reports the first difference. */
  private CheckResult check(Catalog catalog, int changesPerTable) throws SQLException {
    CheckResult result = CheckResult.ok();
    for (int index = 1; index <= sizes.tables() && result.passed(); index++) {
      String table = BenchDatabase.tableName(index);
      TableIdentifier identifier = database.sinkTable(BenchDatabase.TABLES_DATABASE, table);
      IcebergContents contents =
          IcebergContents.read(catalog.loadTable(identifier), sizes.rowsPerTable(), mode);
      result =
          contents.compare(
              identifier.toString(),
              database.summarize(BenchDatabase.TABLES_DATABASE, table),
              mode,
              sizes.rowsPerTable() + changesPerTable);
    }
    return result;
  }

  private ScenarioResult result(
      String label, Throughput throughput, ResourceUsage usage, CheckResult check) {
    return new ScenarioResult(
        database.type(),
        modeLabel,
        label,
        Optional.of(throughput),
        OptionalDouble.empty(),
        Optional.empty(),
        Optional.of(usage),
        check);
  }

  private ScenarioResult failed(String label, String reason) {
    return ScenarioResult.failed(database.type(), modeLabel, label, reason);
  }
}
