package dev.cdcsync.bench;

import dev.cdcsync.bench.BenchDatabase.TableSummary;
import dev.cdcsync.iceberg.IcebergSinkFactory;
import dev.cdcsync.iceberg.IcebergTableReader;
import dev.cdcsync.iceberg.WriteMode;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * cdc-sync replicating the snapshot table into a fresh warehouse, with what the snapshot,
 * streaming and freshness scenarios share: the process, a poller on the Iceberg table, a load
 * generator on the source table, and the check that compares both tables.
 */
final class RowsTableRun implements AutoCloseable {

  static final Duration POLL_PERIOD = Duration.ofMillis(100);

  private final BenchDatabase database;
  private final WriteMode mode;
  private final int rows;
  private final String readerName;
  private final Path directory;
  private final Path jar;
  private final PipelineFile pipeline;
  private CdcSyncRun run;
  private final Catalog catalog;
  private final TableIdentifier table;
  private final IcebergVisibility visibility;
  private final UpdateLoad load;

  private RowsTableRun(
      BenchDatabase database,
      WriteMode mode,
      int rows,
      String readerName,
      Path directory,
      Path jar,
      PipelineFile pipeline,
      CdcSyncRun run,
      Catalog catalog,
      TableIdentifier table) {
    this.jar = jar;
    this.pipeline = pipeline;
    this.database = database;
    this.mode = mode;
    this.rows = rows;
    this.readerName = readerName;
    this.directory = directory;
    this.run = run;
    this.catalog = catalog;
    this.table = table;
    this.visibility = IcebergVisibility.watch(catalog, table, POLL_PERIOD);
    this.load =
        new UpdateLoad(database, BenchDatabase.ROWS_DATABASE, BenchDatabase.ROWS_TABLE, rows);
  }

  /**
   * Starts cdc-sync on {@link BenchDatabase#ROWS_TABLE} into a new warehouse under {@code workDirectory}.
   *
   * @param ruleLines top-level pipeline lines after the sink (transform rules), or none
   */
  static RowsTableRun start(
      BenchDatabase database,
      WriteMode mode,
      int rows,
      Path jar,
      Path workDirectory,
      int replicaId,
      List<String> ruleLines)
      throws IOException {
    String modeName = mode.name().toLowerCase(Locale.ROOT);
    String readerName = "bench_" + modeName;
    Path directory = workDirectory.resolve(database.type() + "-" + modeName);
    Path warehouse = directory.resolve("warehouse");
    PipelineFile pipeline =
        PipelineFile.write(
            directory,
            "bench-" + database.type() + "-" + modeName,
            database,
            database.sourceLines(database.rowsTablePattern(), readerName, replicaId),
            warehouse,
            mode,
            ruleLines);
    Catalog catalog =
        IcebergSinkFactory.catalog(
            IcebergTableReader.hadoopWarehouse(warehouse.toUri().toString()));
    CdcSyncRun run = CdcSyncRun.start(jar, pipeline, directory);
    return new RowsTableRun(
        database,
        mode,
        rows,
        readerName,
        directory,
        jar,
        pipeline,
        run,
        catalog,
        database.sinkTable(BenchDatabase.ROWS_DATABASE, BenchDatabase.ROWS_TABLE));
  }

  BenchDatabase database() {
    return database;
  }

  WriteMode mode() {
    return mode;
  }

  String modeLabel() {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  int rows() {
    return rows;
  }

  CdcSyncRun run() {
    return run;
  }

  IcebergVisibility visibility() {
    return visibility;
  }

  UpdateLoad load() {
    return load;
  }

  /** Kills cdc-sync with SIGKILL and starts it again on the same pipeline and warehouse. */
  void killAndRestart() throws IOException, InterruptedException {
    run.kill();
    run = CdcSyncRun.start(jar, pipeline, directory);
  }

  /** Compares the Iceberg table with the source table. */
  CheckResult check() throws SQLException {
    TableSummary source = database.summarize(BenchDatabase.ROWS_DATABASE, BenchDatabase.ROWS_TABLE);
    IcebergContents contents = IcebergContents.read(catalog.loadTable(table), rows, mode);
    return contents.compare(table.toString(), source, mode, rows + load.changes());
  }

  /** The Iceberg table as it is now. */
  Table table() {
    return catalog.loadTable(table);
  }

  /** Stops cdc-sync with SIGTERM; a non-zero exit code means it did not stop cleanly. */
  int stop() throws InterruptedException {
    return run.stop();
  }

  @Override
  public void close() throws Exception {
    visibility.close();
    run.close();
    try {
      database.releaseReader(BenchDatabase.ROWS_DATABASE, readerName);
    } finally {
      Workspace.deleteRecursively(directory.resolve("warehouse"));
    }
  }
}
