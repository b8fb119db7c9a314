package dev.cdcsync.iceberg;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.util.Retry;
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
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes into Iceberg tables, one commit per table per checkpoint. Tables are created on
 * first use: format v2; with the source primary key as identifier fields (upserts), or, for
 * tables without one and in append mode, as changelog tables with {@link AppendColumns}.
 */
final class IcebergSink implements Sink {

  /** Snapshot summary keys cdc-sync writes on every commit. */
  static final String SUMMARY_PIPELINE = "cdc-sync.pipeline";
  static final String SUMMARY_CHECKPOINT_ID = "cdc-sync.checkpoint-id";
  static final String SUMMARY_EPOCH = "cdc-sync.epoch";
  static final String SUMMARY_SOURCE_POSITION = "cdc-sync.source-position";
  static final String SUMMARY_SOURCE_TIMESTAMP = "cdc-sync.source-ts-ms";
  /** Every summary key a commit of the pipeline sets. */
  static final List<String> SUMMARY_KEYS =
      List.of(SUMMARY_PIPELINE, SUMMARY_CHECKPOINT_ID, SUMMARY_EPOCH, SUMMARY_SOURCE_POSITION, SUMMARY_SOURCE_TIMESTAMP);

  private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);
  private static final int COMMIT_ATTEMPTS = 4;
  /** Tables whose files may stay open between commits; each open Parquet file buffers a few MB. */
  static final int MAX_OPEN_WRITERS = 32;
  /** Threads that prepare and commit a checkpoint's tables in parallel. */
  private static final int TABLE_THREADS = 8;

  private final Catalog catalog;
  private final Map<String, String> tableProperties;
  private final WriteMode writeMode;
  private final TableMaintenance maintenance;
  private final Map<TableId, IcebergTableWriter> writers = new LinkedHashMap<>();
  /** How tables not created yet are to be laid out, as transform rules ask. */
  private final Map<TableId, TableLayout> layouts = new HashMap<>();
  private ExecutorService tablePool;
  /** Writers with open files, least recently written first. */
  private final Map<TableId, IcebergTableWriter> openFiles = new LinkedHashMap<>(16, 0.75f, true);

  private final IcebergPartitionKeys partitionKeys;

  IcebergSink(Catalog catalog, Map<String, String> tableProperties, WriteMode writeMode, TableMaintenance maintenance) {
    this(catalog, tableProperties, writeMode, maintenance, new IcebergPartitionKeys(Map.of()));
  }

  IcebergSink(
      Catalog catalog,
      Map<String, String> tableProperties,
      WriteMode writeMode,
      TableMaintenance maintenance,
      IcebergPartitionKeys partitionKeys) {
    this.partitionKeys = partitionKeys;
    this.catalog = catalog;
    this.tableProperties = tableProperties;
    this.writeMode = writeMode;
    this.maintenance = maintenance;
  }

  @Override
  public void configureTable(TableId sinkTable, TableLayout layout) {
    layouts.put(sinkTable, layout);
  }

  @Override
  public void write(TableId sinkTable, DataChangeEvent event, long sequence) throws IOException {
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer == null) {
      writer = new IcebergTableWriter(sinkTable, loadOrCreate(sinkTable, event.schema()), writers.size());
      writers.put(sinkTable, writer);
    }
    writer.write(event, sequence);
    boundOpenFiles(sinkTable, writer);
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
    List<IcebergTableWriter> changed = writers.values().stream().filter(IcebergTableWriter::hasChanges).toList();
    List<byte[]> descriptions = perTable(changed.stream().<Callable<byte[]>>map(writer -> () -> writer.prepare().toBytes()).toList());
    Map<TableId, byte[]> prepared = new LinkedHashMap<>();
    for (int i = 0; i < changed.size(); i++) {
      prepared.put(changed.get(i).sinkTable(), descriptions.get(i));
    }
    return prepared;
  }

  @Override
  public List<TableCommit> commit(Checkpoint checkpoint, Map<TableId, byte[]> prepared) throws IOException {
    return commit(checkpoint, prepared, false);
  }

  @Override
  public List<TableCommit> recover(Checkpoint checkpoint, Map<TableId, byte[]> prepared) throws IOException {
    return commit(checkpoint, prepared, true);
  }

  private List<TableCommit> commit(Checkpoint checkpoint, Map<TableId, byte[]> prepared, boolean recovering)
      throws IOException {
    List<Callable<TableCommit>> tasks = new ArrayList<>();
    prepared.forEach(
        (sinkTable, bytes) ->
            tasks.add(
                () -> {
                  PreparedTable table = PreparedTable.fromBytes(bytes);
                  return commitTable(sinkTable, table, checkpoint, recovering)
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

  /** Commits one table unless it already holds this checkpoint; returns whether it committed. */
  private boolean commitTable(TableId sinkTable, PreparedTable prepared, Checkpoint checkpoint, boolean recovering)
      throws IOException {
    Table table;
    try {
      table = catalog.loadTable(identifier(sinkTable));
    } catch (NoSuchTableException e) {
      if (!recovering) {
        throw e;
      }
      // Dropped since its files were written: by the pipeline after committing them (a source
      // DROP TABLE, then a crash before the next checkpoint), or by hand. Its rows are meant gone.
      LOG.warn("Table {} of checkpoint {} is no longer in the catalog (dropped since); its part of the"
          + " checkpoint is left out", sinkTable, checkpoint.id());
      return false;
    }
    // A concurrent commit fails this one (see the validation below); the table is then read again.
    return Retry.attempts(COMMIT_ATTEMPTS)
        .onlyOn(ValidationException.class, CommitFailedException.class)
        .beforeRetry((failure, attempt) -> {
          LOG.warn("Commit of checkpoint {} to {} met a concurrent commit; checking again", checkpoint.id(), sinkTable);
          table.refresh();
        })
        .run(() -> commitTableOnce(table, sinkTable, prepared, checkpoint));
  }

  private boolean commitTableOnce(Table table, TableId sinkTable, PreparedTable prepared, Checkpoint checkpoint)
      throws IOException {
    Snapshot current = table.currentSnapshot();
    Snapshot latestOwn = latestCommitOf(table, checkpoint.pipelineName());
    if (latestOwn != null) {
      long epoch = Long.parseLong(latestOwn.summary().getOrDefault(SUMMARY_EPOCH, "0"));
      long id = Long.parseLong(latestOwn.summary().get(SUMMARY_CHECKPOINT_ID));
      if (epoch > checkpoint.epoch()) {
        throw new FencedException(
            "Cannot commit checkpoint " + checkpoint.id() + " to " + sinkTable + ": instance epoch "
                + epoch + " of pipeline '" + checkpoint.pipelineName() + "' has committed to it;"
                + " this instance (epoch " + checkpoint.epoch() + ") stops");
      }
      if (id >= checkpoint.id()) {
        LOG.info("Table {} already holds checkpoint {}; not committing it again", sinkTable, id);
        return false;
      }
    }
    RowDelta delta = table.newRowDelta();
    prepared.addTo(delta, table);
    delta.set(SUMMARY_PIPELINE, checkpoint.pipelineName());
    delta.set(SUMMARY_CHECKPOINT_ID, Long.toString(checkpoint.id()));
    delta.set(SUMMARY_EPOCH, Long.toString(checkpoint.epoch()));
    delta.set(SUMMARY_SOURCE_POSITION, checkpoint.sourcePosition());
    delta.set(SUMMARY_SOURCE_TIMESTAMP, Long.toString(prepared.maxSourceTimestamp()));
    if (current != null) {
      // Anyone else's commit between the check above and this one fails this commit, which
      // is then checked again: two instances never both commit a checkpoint.
      delta.validateFromSnapshot(current.snapshotId());
      delta.validateNoConflictingDataFiles();
      delta.validateNoConflictingDeleteFiles();
    }
    maintenance.commitPipelineUpdate(sinkTable, delta);
    maintenance.afterCommit(sinkTable, table);
    return true;
  }

  /** The maintenance of this sink's tables; tests wait for it. */
  TableMaintenance maintenance() {
    return maintenance;
  }

  /**
   * Sets the pipeline's commit summary of {@code from} on a maintenance rewrite, so the table's
   * newest snapshot still tells which checkpoint it holds once the commit's own snapshot expired.
   */
  static void carrySummary(SnapshotUpdate<?> update, Snapshot from) {
    for (String key : SUMMARY_KEYS) {
      String value = from.summary().get(key);
      if (value != null) {
        update.set(key, value);
      }
    }
  }

  /** The latest snapshot made by this pipeline, walking back from the current one. */
  static Snapshot latestCommitOf(Table table, String pipeline) {
    Snapshot snapshot = table.currentSnapshot();
    while (snapshot != null) {
      if (pipeline.equals(snapshot.summary().get(SUMMARY_PIPELINE))) {
        return snapshot;
      }
      snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId());
    }
    return null;
  }

  @Override
  public Optional<dev.cdcsync.api.Schema> tableSchema(TableId sinkTable) {
    TableIdentifier identifier = identifier(sinkTable);
    if (!catalog.tableExists(identifier)) {
      return Optional.empty();
    }
    org.apache.iceberg.Schema schema = catalog.loadTable(identifier).schema();
    List<Column> columns = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      if (!AppendColumns.isChangeColumn(field.name())) {
        columns.add(Column.of(field.name(), columnType(sinkTable, field)));
      }
    }
    return Optional.of(dev.cdcsync.api.Schema.of(columns, List.copyOf(schema.identifierFieldNames())));
  }

  /** The event-model type of a column of an existing table; one cdc-sync does not write stops it. */
  private static DataType columnType(TableId sinkTable, Types.NestedField field) {
    try {
      return IcebergTypes.dataType(field.type());
    } catch (IllegalArgumentException e) {
      throw new PermanentPipelineException(
          "Cannot write Iceberg table " + sinkTable + ": its column '" + field.name() + "' has type " + field.type()
              + ", which cdc-sync does not write (a table created or changed outside cdc-sync); drop the column or"
              + " change its type",
          e);
    }
  }

  @Override
  public void applySchemaChanges(TableId sinkTable, List<SchemaChange> changes) throws IOException {
    IcebergTableWriter writer = writers.get(sinkTable);
    boolean handOver = writer != null && writer.hasChanges();
    if (handOver && !(SchemaChange.additive(changes) && writer.appendsOnly())) {
      throw new IllegalStateException("Cannot change the columns of " + sinkTable + " while it has uncommitted changes");
    }
    // Under the table's commit lock: a maintenance commit between loading the table and committing
    // would fail the transaction, and with it a rewrite of the whole table.
    maintenance.withoutMaintenanceCommits(sinkTable, () -> changeColumns(sinkTable, changes, handOver));
    // The next write opens a writer on the new schema; rows appended on the old one, whose files
    // Iceberg reads by field id, are committed with its own.
    writers.remove(sinkTable);
    openFiles.remove(sinkTable);
    if (handOver) {
      IcebergTableWriter next = new IcebergTableWriter(sinkTable, catalog.loadTable(identifier(sinkTable)), writer.partitionId());
      writer.handOver(next);
      writers.put(sinkTable, next);
    }
    LOG.info("Changed the columns of Iceberg table {}: {}", sinkTable, changes);
  }

  /** Applies the changes, and fills the defaults of added columns in, in one transaction. */
  private void changeColumns(TableId sinkTable, List<SchemaChange> changes, boolean handOver) {
    Table table = catalog.loadTable(identifier(sinkTable));
    Transaction transaction = table.newTransaction();
    UpdateSchema update = transaction.updateSchema();
    Map<String, Object> defaults = new LinkedHashMap<>();
    for (SchemaChange change : changes) {
      if (change instanceof SchemaChange.AddColumn add) {
        Column column = add.column();
        Type type = IcebergTypes.icebergType(column.type());
        update.addColumn(column.name(), type);
        if (add.afterColumn() != null && table.schema().findField(add.afterColumn()) != null) {
          update.moveAfter(column.name(), add.afterColumn());
        }
        if (column.defaultValue() != null) {
          defaults.put(column.name(), IcebergTypes.converter(column.type(), type).apply(column.defaultValue()));
        }
      } else if (change instanceof SchemaChange.RenameColumn rename) {
        update.renameColumn(rename.oldName(), rename.columnName());
      } else if (change instanceof SchemaChange.DropColumn drop) {
        if (table.schema().identifierFieldNames().contains(drop.columnName())) {
          throw new PermanentPipelineException(
              "Cannot drop column " + drop.columnName() + " of Iceberg table " + sinkTable
                  + ": it is part of the table's key");
        }
        update.deleteColumn(drop.columnName());
      } else if (change instanceof SchemaChange.WidenColumnType widen) {
        update.updateColumn(widen.columnName(), (Type.PrimitiveType) IcebergTypes.icebergType(widen.to()));
      }
    }
    update.commit();
    if (!defaults.isEmpty() && handOver) {
      throw new IllegalStateException(
          "Cannot give the rows of " + sinkTable + " the defaults of " + defaults.keySet() + " while it has uncommitted rows");
    }
    List<DataFile> written = defaults.isEmpty() ? List.of() : AddedColumnDefaults.fill(sinkTable, table, transaction.table(), defaults);
    try {
      transaction.commitTransaction();
    } catch (CommitFailedException | ValidationException e) {
      Compaction.deleteQuietly(table, written);
      throw e;
    }
  }

  @Override
  public void truncate(TableId sinkTable) {
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer != null && writer.hasChanges()) {
      throw new IllegalStateException("Cannot truncate " + sinkTable + " while it has uncommitted changes");
    }
    TableIdentifier identifier = identifier(sinkTable);
    if (!catalog.tableExists(identifier)) {
      return;
    }
    Table table = catalog.loadTable(identifier);
    if (table.schema().findField(AppendColumns.SEQUENCE) != null) {
      LOG.info("Table {} is a changelog: the source's truncate is not applied to it", sinkTable);
      return;
    }
    // Under the commit lock, carrying the summary, as maintenance commits: the table's newest
    // snapshot keeps telling which checkpoint it holds, also once earlier snapshots expired.
    maintenance.withoutMaintenanceCommits(sinkTable, () -> {
      table.refresh();
      DeleteFiles delete = table.newDelete().deleteFromRowFilter(Expressions.alwaysTrue());
      if (table.currentSnapshot() != null) {
        carrySummary(delete, table.currentSnapshot());
      }
      delete.commit();
    });
    writers.remove(sinkTable);
    openFiles.remove(sinkTable);
  }

  @Override
  public void dropTable(TableId sinkTable) {
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer != null && writer.hasChanges()) {
      throw new IllegalStateException("Cannot drop " + sinkTable + " while it has uncommitted changes");
    }
    writers.remove(sinkTable);
    openFiles.remove(sinkTable);
    TableIdentifier identifier = identifier(sinkTable);
    if (!catalog.tableExists(identifier)) {
      return;
    }
    if (catalog.loadTable(identifier).schema().findField(AppendColumns.SEQUENCE) != null) {
      LOG.info("Table {} is a changelog: the source's drop table is not applied to it", sinkTable);
      return;
    }
    // Not purged: the data files stay, so a table dropped by mistake can be registered again.
    catalog.dropTable(identifier, false);
    LOG.info("Dropped Iceberg table {}, as in the source (its files are kept)", sinkTable);
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

  private Table loadOrCreate(TableId sinkTable, dev.cdcsync.api.Schema schema) {
    TableIdentifier identifier = identifier(sinkTable);
    try {
      Table table = catalog.loadTable(identifier);
      boolean appendTable = table.schema().findField(AppendColumns.SEQUENCE) != null;
      if (appendTable != appendTable(schema)) {
        throw new PermanentPipelineException(
            "Cannot write to Iceberg table " + sinkTable + ": it is " + (appendTable ? "an append" : "an upsert")
                + " table, but the pipeline writes it in " + (appendTable ? "upsert" : "append")
                + " mode; set sink option 'write.mode' accordingly or write to another table");
      }
      return table;
    } catch (NoSuchTableException e) {
      // created below
    }
    if (catalog instanceof SupportsNamespaces namespaces
        && !identifier.namespace().isEmpty()
        && !namespaces.namespaceExists(identifier.namespace())) {
      try {
        namespaces.createNamespace(identifier.namespace());
      } catch (AlreadyExistsException e) {
        // created concurrently: fine
      }
    }
    try {
      boolean append = appendTable(schema);
      TableLayout layout = partitionKeys.layout(sinkTable, layouts.getOrDefault(sinkTable, TableLayout.DEFAULT));
      org.apache.iceberg.Schema icebergSchema = icebergSchema(schema, append);
      Map<String, String> properties = new LinkedHashMap<>(tableProperties);
      properties.putAll(layout.properties());
      Table table =
          catalog
              .buildTable(identifier, icebergSchema)
              .withPartitionSpec(IcebergPartitioning.spec(sinkTable, icebergSchema, layout, append))
              .withProperties(properties)
              .create();
      LOG.info(
          append ? "Created Iceberg append table {}{}" : "Created Iceberg table {} with key ({})",
          sinkTable,
          append ? (schema.hasPrimaryKey() ? "" : " (its source table has no primary key)") : String.join(", ", schema.primaryKeys()));
      return table;
    } catch (AlreadyExistsException e) {
      return catalog.loadTable(identifier);
    }
  }

  private boolean appendTable(dev.cdcsync.api.Schema schema) {
    return writeMode == WriteMode.APPEND || !schema.hasPrimaryKey();
  }

  static TableIdentifier identifier(TableId sinkTable) {
    List<String> parts = sinkTable.parts();
    return TableIdentifier.of(
        Namespace.of(parts.subList(0, parts.size() - 1).toArray(String[]::new)), sinkTable.tableName());
  }

  static org.apache.iceberg.Schema icebergSchema(dev.cdcsync.api.Schema schema, boolean append) {
    List<Types.NestedField> fields = new ArrayList<>();
    Set<Integer> identifiers = new HashSet<>();
    int id = 1;
    // List elements are numbered after the top-level columns (the catalog renumbers them all).
    AtomicInteger nestedIds = new AtomicInteger(schema.columns().size() + AppendColumns.fields(1).size() + 1);
    for (Column column : schema.columns()) {
      boolean key = !append && schema.primaryKeys().contains(column.name());
      Type type = IcebergTypes.icebergType(column.type(), nestedIds);
      fields.add(
          key
              ? Types.NestedField.required(id, column.name(), type)
              : Types.NestedField.optional(id, column.name(), type));
      if (key) {
        identifiers.add(id);
      }
      id++;
    }
    if (append) {
      fields.addAll(AppendColumns.fields(id));
    }
    return new org.apache.iceberg.Schema(fields, identifiers);
  }
}
