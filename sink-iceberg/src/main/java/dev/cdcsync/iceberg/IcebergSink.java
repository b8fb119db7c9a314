package dev.cdcsync.iceberg;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes into Iceberg tables, one commit per table per checkpoint: keeps a writer per
 * table ({@link IcebergTableWriter}), bounds the open files, prepares the tables in parallel and
 * commits them in one multi-table transaction where the catalog has one (REST), else in
 * parallel, each on its own. The tables themselves are {@link IcebergTables}' (created on first
 * use); the commits are {@link IcebergCommitter}'s.
 */
final class IcebergSink implements Sink {

  private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

  /** Tables whose files may stay open between commits; each open Parquet file buffers a few MB. */
  static final int MAX_OPEN_WRITERS = 32;

  /** Threads that prepare and commit a checkpoint's tables in parallel. */
  private static final int TABLE_THREADS = 8;

  private final Catalog catalog;
  private final TableMaintenance maintenance;
  private final IcebergTables tables;
  private final IcebergCommitter committer;
  private final String pipelineName;

  /** This run resumes after a checkpoint (see {@link #recover}). */
  private volatile boolean resumed;

  /**
   * Per sink table opened in this run, whether it holds its source table's rows, each key once
   * (see {@link IcebergTableWriter#mirrorsSource}), as its last writer left it.
   */
  private final Map<TableId, Boolean> mirrorsSource = new HashMap<>();

  /** Sink tables whose inserts may repeat keys (see {@link #insertsMayRepeatKeys}). */
  private final Set<TableId> insertsMayRepeatKeys = new HashSet<>();

  /** The chunked initial load running, if any (see {@link #initialLoad}). */
  private volatile String initialLoad;

  /** The sink tables whose rows that load replaces. */
  private volatile Set<TableId> replacing = Set.of();

  private final Map<TableId, IcebergTableWriter> writers = new LinkedHashMap<>();
  private ExecutorService tablePool;

  /** Writers with open files, least recently written first. */
  private final Map<TableId, IcebergTableWriter> openFiles = new LinkedHashMap<>(16, 0.75f, true);

  IcebergSink(
      String pipelineName,
      Catalog catalog,
      Map<String, String> tableProperties,
      WriteMode writeMode,
      TableMaintenance maintenance,
      IcebergPartitionKeys partitionKeys) {
    this.pipelineName = pipelineName;
    this.catalog = catalog;
    this.maintenance = maintenance;
    this.tables =
        new IcebergTables(catalog, tableProperties, writeMode, maintenance, partitionKeys);
    this.committer = new IcebergCommitter(catalog, maintenance);
  }

  @Override
  public void initialLoad(String loadId, Set<TableId> replacing) {
    initialLoad = loadId;
    this.replacing = Set.copyOf(replacing);
    for (TableId sinkTable : replacing) {
      IcebergTableWriter writer = writers.get(sinkTable);
      if (writer != null && writer.hasRowChanges()) {
        throw new IllegalStateException(
            "Cannot load " + sinkTable + " again while it has uncommitted changes");
      }
      forget(sinkTable);
      // Opened now, not at the table's first row: a table whose source is empty now is replaced
      // too, at the load's first commit.
      Optional<Table> existing = tables.existing(sinkTable);
      if (existing.isPresent()) {
        writer = newWriter(sinkTable, existing.get(), writers.size());
        if (writer.hasChanges()) {
          writers.put(sinkTable, writer);
        }
      }
    }
  }

  /**
   * Opens a writer for a table that has none yet, so that a table whose newest commit says it
   * mirrors its source says otherwise at the next commit.
   */
  @Override
  public void insertsMayRepeatKeys(TableId sinkTable) {
    insertsMayRepeatKeys.add(sinkTable);
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer != null) {
      writer.insertsMayRepeatKeys();
      return;
    }
    Optional<Table> existing = tables.existing(sinkTable);
    if (existing.isPresent()) {
      writer = newWriter(sinkTable, existing.get(), writers.size());
      if (writer.hasChanges()) {
        writers.put(sinkTable, writer);
      }
    }
  }

  @Override
  public void configureTable(TableId sinkTable, TableLayout layout) {
    tables.configure(sinkTable, layout);
  }

  @Override
  public void write(TableId sinkTable, DataChangeEvent event, long sequence) throws IOException {
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer == null) {
      writer = newWriter(sinkTable, tables.loadOrCreate(sinkTable, event.schema()), writers.size());
      writers.put(sinkTable, writer);
    }
    writer.write(event, sequence);
    boundOpenFiles(sinkTable, writer);
  }

  private IcebergTableWriter newWriter(TableId sinkTable, Table table, int partitionId) {
    boolean mirrors =
        mirrorsSource.computeIfAbsent(
            sinkTable, t -> IcebergTableWriter.mirrorsSource(table, resumed ? pipelineName : null));
    IcebergTableWriter writer =
        new IcebergTableWriter(
            sinkTable, table, partitionId, initialLoad, replacing.contains(sinkTable), mirrors);
    if (insertsMayRepeatKeys.contains(sinkTable)) {
      writer.insertsMayRepeatKeys();
    }
    return writer;
  }

  /**
   * Drops the table's writer from this sink's maps (closing nothing), remembering whether the
   * table mirrors its source.
   */
  private void forget(TableId sinkTable) {
    IcebergTableWriter writer = writers.remove(sinkTable);
    openFiles.remove(sinkTable);
    if (writer != null) {
      mirrorsSource.put(sinkTable, writer.mirrorsSource());
    }
  }

  /**
   * Keeps at most {@link #MAX_OPEN_WRITERS} tables with open files by closing the files of the
   * least recently written append-only ones; an upsert writer keeps its files until the commit
   * (the pipeline commits early when many tables have changes).
   */
  private void boundOpenFiles(TableId sinkTable, IcebergTableWriter writer) throws IOException {
    openFiles.put(sinkTable, writer);
    if (openFiles.size() <= MAX_OPEN_WRITERS) {
      return;
    }
    var eldest = openFiles.entrySet().iterator();
    while (openFiles.size() > MAX_OPEN_WRITERS && eldest.hasNext()) {
      IcebergTableWriter candidate = eldest.next().getValue();
      if (candidate != writer && (!candidate.hasOpenFiles() || candidate.releaseFiles())) {
        eldest.remove();
      }
    }
  }

  @Override
  public Map<TableId, byte[]> prepareCommit() throws IOException {
    openFiles.clear();
    List<IcebergTableWriter> changed =
        writers.values().stream().filter(IcebergTableWriter::hasChanges).toList();
    List<byte[]> descriptions =
        perTable(
            changed.stream()
                .<Callable<byte[]>>map(writer -> () -> writer.prepare(initialLoad).toBytes())
                .toList());
    Map<TableId, byte[]> prepared = new LinkedHashMap<>();
    for (int i = 0; i < changed.size(); i++) {
      prepared.put(changed.get(i).sinkTable(), descriptions.get(i));
    }
    return prepared;
  }

  @Override
  public List<TableCommit> commit(Checkpoint checkpoint, Map<TableId, byte[]> prepared)
      throws IOException {
    return commit(checkpoint, prepared, false);
  }

  @Override
  public List<TableCommit> recover(Checkpoint checkpoint, Map<TableId, byte[]> prepared)
      throws IOException {
    resumed = true;
    return commit(checkpoint, prepared, true);
  }

  private List<TableCommit> commit(
      Checkpoint checkpoint, Map<TableId, byte[]> prepared, boolean recovering) throws IOException {
    if (prepared.size() > 1 && committer.commitsTogether()) {
      Map<TableId, PreparedTable> tables = new LinkedHashMap<>();
      for (Map.Entry<TableId, byte[]> entry : prepared.entrySet()) {
        tables.put(entry.getKey(), PreparedTable.fromBytes(entry.getValue()));
      }
      Optional<List<TableId>> together = committer.commitTogether(tables, checkpoint, recovering);
      if (together.isPresent()) {
        return together.get().stream()
            .map(
                sinkTable ->
                    new TableCommit(
                        sinkTable,
                        tables.get(sinkTable).changes(),
                        tables.get(sinkTable).maxSourceTimestamp()))
            .toList();
      }
    }
    List<Callable<TableCommit>> tasks = new ArrayList<>();
    prepared.forEach(
        (sinkTable, bytes) ->
            tasks.add(
                () -> {
                  PreparedTable table = PreparedTable.fromBytes(bytes);
                  return committer.commit(sinkTable, table, checkpoint, recovering)
                      ? new TableCommit(sinkTable, table.changes(), table.maxSourceTimestamp())
                      : null;
                }));
    return perTable(tasks).stream().filter(Objects::nonNull).toList();
  }

  /**
   * Runs one task per table, in parallel on {@link #TABLE_THREADS} threads (each table's files and
   * commit are its own; a checkpoint with hundreds of tables otherwise waits for hundreds of
   * catalog round trips in a row). Results come in the tasks' order; the first failure is thrown
   * once all tasks ended.
   */
  private <T> List<T> perTable(List<Callable<T>> tasks) throws IOException {
    List<T> results = new ArrayList<>(tasks.size());
    if (tasks.size() <= 1) {
      for (Callable<T> task : tasks) {
        results.add(call(task));
      }
      return results;
    }
    List<Future<T>> futures;
    try {
      futures = tablePool().invokeAll(tasks);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("Interrupted while committing tables");
    }
    Exception failure = null;
    for (Future<T> future : futures) {
      try {
        results.add(future.get());
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof Exception cause ? cause : e;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("Interrupted while committing tables");
      }
    }
    if (failure instanceof IOException io) {
      throw io;
    }
    if (failure instanceof RuntimeException runtime) {
      throw runtime;
    }
    if (failure != null) {
      throw new IOException(failure.getMessage(), failure);
    }
    return results;
  }

  private static <T> T call(Callable<T> task) throws IOException {
    try {
      return task.call();
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private synchronized ExecutorService tablePool() {
    if (tablePool == null) {
      AtomicInteger count = new AtomicInteger();
      tablePool =
          Executors.newFixedThreadPool(
              TABLE_THREADS,
              runnable -> {
                Thread thread = new Thread(runnable, "cdc-sync-table-" + count.incrementAndGet());
                thread.setDaemon(true);
                return thread;
              });
    }
    return tablePool;
  }

  /** The maintenance of this sink's tables; tests wait for it. */
  TableMaintenance maintenance() {
    return maintenance;
  }

  @Override
  public Optional<dev.cdcsync.api.Schema> tableSchema(TableId sinkTable) {
    return tables.schema(sinkTable);
  }

  @Override
  public void applySchemaChanges(TableId sinkTable, List<SchemaChange> changes) throws IOException {
    IcebergTableWriter writer = writers.get(sinkTable);
    boolean handOver = writer != null && writer.hasFiles();
    if (handOver && !(SchemaChange.additive(changes) && writer.appendsOnly())) {
      throw new IllegalStateException(
          "Cannot change the columns of " + sinkTable + " while it has uncommitted changes");
    }
    tables.changeColumns(sinkTable, changes, handOver);
    // The next write opens a writer on the new schema; rows appended on the old one, whose files
    // Iceberg reads by field id, are committed with its own.
    forget(sinkTable);
    if (handOver) {
      IcebergTableWriter next = newWriter(sinkTable, tables.load(sinkTable), writer.partitionId());
      writer.handOver(next);
      writers.put(sinkTable, next);
    }
    LOG.info("Changed the columns of Iceberg table {}: {}", sinkTable, changes);
  }

  @Override
  public void truncate(TableId sinkTable) {
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer != null && writer.hasRowChanges()) {
      throw new IllegalStateException(
          "Cannot truncate " + sinkTable + " while it has uncommitted changes");
    }
    if (tables.truncate(sinkTable)) {
      forget(sinkTable);
    }
  }

  @Override
  public void dropTable(TableId sinkTable) {
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer != null && writer.hasRowChanges()) {
      throw new IllegalStateException(
          "Cannot drop " + sinkTable + " while it has uncommitted changes");
    }
    writers.remove(sinkTable);
    openFiles.remove(sinkTable);
    // A table created again under this name starts empty.
    mirrorsSource.remove(sinkTable);
    tables.drop(sinkTable);
  }

  @Override
  public void abort() throws IOException {
    openFiles.clear();
    for (IcebergTableWriter writer : writers.values()) {
      writer.abort();
    }
  }

  @Override
  public void close() throws IOException {
    abort();
    writers.clear();
    synchronized (this) {
      if (tablePool != null) {
        tablePool.shutdown();
      }
    }
    // Before the catalog, whose FileIO a maintenance run in progress still uses.
    maintenance.close();
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("Cannot close the Iceberg catalog cleanly: {}", e.getMessage());
      }
    }
  }
}
