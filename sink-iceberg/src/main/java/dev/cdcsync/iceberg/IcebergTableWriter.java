package dev.cdcsync.iceberg;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.TableId;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers one sink table's changes between commits, as Parquet data and delete files.
 *
 * <p>Snapshot rows of a table that was empty when this process first opened it are appended
 * without delete files: the snapshot reads each row once, and the pipeline commits the snapshot
 * before streaming starts. An INSERT into a table that mirrors its source table ({@link
 * #mirrorsSource}) is appended too: the source had no row of its key, so neither has the table.
 * Every other change is an upsert by primary key (an equality delete of the key, or a position
 * delete when the key was written since the last commit).
 */
final class IcebergTableWriter {

  private static final Logger LOG = LoggerFactory.getLogger(IcebergTableWriter.class);

  /**
   * Where each event column goes in the Iceberg row, and how its values are converted; {@code
   * sourceKeyed}: the event has a primary key and the table's key covers it, so two source rows
   * never share a table key.
   */
  private record RowMapping(
      int[] positions,
      Function<Object, Object>[] converters,
      int[] keyColumns,
      boolean sourceKeyed) {}

  private final TableId sinkTable;
  private final Table table;
  private final Schema schema;
  private final Schema keySchema;
  private final int[] keyPositions;
  private final GenericRecord row;
  private final GenericRecord key;
  private final Map<dev.cdcsync.api.Schema, RowMapping> mappings = new IdentityHashMap<>();
  private final int partitionId;
  private final boolean appendMode;
  private final int operationPosition;
  private final int timestampPosition;
  private final int sequencePosition;
  private boolean snapshotRowsAreNew;

  /** Whether the table held nothing but rows of the running load (or nothing) when opened. */
  private final boolean heldOnlyLoadRows;

  /**
   * The table holds its source table's rows and nothing else, each key once, in step with the
   * changes written: an INSERT is then of a key the table has no row of. Lost for good (until the
   * table is loaded again, replacing its rows) on an INSERT not keyed as the source, a snapshot
   * row upserted over the table's rows, or {@link #insertsMayRepeatKeys}.
   */
  private boolean mirrorsSource;

  /** Whether the table's newest commit says it mirrors its source (see the constructor). */
  private final boolean snapshotMirrorsSource;

  /**
   * The table no longer mirrors its source while its newest commit says it does: the next commit
   * says otherwise, even without rows (a later run would trust the table again).
   */
  private boolean mirrorLost;

  /**
   * The next commit replaces every row the table holds (see {@link
   * dev.cdcsync.api.Sink#initialLoad}).
   */
  private boolean replaceOnCommit;

  private long taskId;

  private TaskWriter<Record> writer;
  private boolean writerAppendsOnly;

  /** Files of append-only writers closed early to bound memory (see {@link #releaseFiles}). */
  private final List<WriteResult> released = new ArrayList<>();

  private long changes;
  private long maxSourceTimestamp;

  /**
   * @param initialLoad the chunked initial load running (null: none): a table whose newest commit
   *     says it holds nothing but that load's rows gets the load's further rows appended, as an
   *     empty table does, since none of their keys is in it
   * @param replacing that load replaces the table's rows: unless its newest commit says it holds
   *     that load's rows already, the next commit leaves out every row it holds (a change log
   *     keeps them), and the load's rows are appended
   * @param mirrorsSource the table held its source table's rows, each key once, at its last
   *     commit (see {@link #mirrorsSource(Table, String)})
   */
  IcebergTableWriter(
      TableId sinkTable,
      Table table,
      int partitionId,
      String initialLoad,
      boolean replacing,
      boolean mirrorsSource) {
    this.sinkTable = sinkTable;
    this.table = table;
    this.schema = table.schema();
    this.appendMode = schema.findField(AppendColumns.SEQUENCE) != null;
    if (!appendMode && schema.identifierFieldIds().isEmpty()) {
      throw new PermanentPipelineException(
          "Cannot write to Iceberg table "
              + sinkTable
              + ": it has neither identifier fields"
              + " (a primary key, for upserts) nor the column "
              + AppendColumns.SEQUENCE
              + " of an append table");
    }
    this.keySchema = schema.select(schema.identifierFieldNames());
    this.operationPosition = schema.columns().indexOf(schema.findField(AppendColumns.OPERATION));
    this.timestampPosition = schema.columns().indexOf(schema.findField(AppendColumns.TIMESTAMP));
    this.sequencePosition = schema.columns().indexOf(schema.findField(AppendColumns.SEQUENCE));
    List<Types.NestedField> columns = schema.columns();
    this.keyPositions =
        keySchema.columns().stream()
            .mapToInt(field -> columns.indexOf(schema.findField(field.fieldId())))
            .toArray();
    this.row = GenericRecord.create(schema);
    this.key = GenericRecord.create(keySchema);
    this.partitionId = partitionId;
    Snapshot current = IcebergCommitter.lastRowChange(table);
    this.snapshotRowsAreNew =
        current == null
            || (initialLoad != null
                && initialLoad.equals(
                    current.summary().get(IcebergCommitter.SUMMARY_INITIAL_LOAD)));
    if (current != null && snapshotRowsAreNew) {
      LOG.info(
          "Iceberg table {} holds only rows of the initial load that resumes: its further rows"
              + " are appended without deletes",
          sinkTable);
    } else if (current != null && replacing && initialLoad != null && !appendMode) {
      replaceOnCommit = true;
      snapshotRowsAreNew = true;
      LOG.info(
          "Iceberg table {} is loaded again: the commit of its first rows replaces every row it"
              + " holds",
          sinkTable);
    }
    this.snapshotMirrorsSource = current != null && saysMirrorsSource(current);
    this.heldOnlyLoadRows = snapshotRowsAreNew;
    this.mirrorsSource = !appendMode && (mirrorsSource || snapshotRowsAreNew);
  }

  /**
   * Whether a table held its source table's rows, each key once, at its last commit: it has no
   * snapshot, or its newest commit says so ({@link IcebergCommitter#SUMMARY_MIRRORS_SOURCE}) and
   * was made by {@code resumedPipeline}, the pipeline resuming after its checkpoint (null when
   * the pipeline starts without one: a table it did not create then holds rows from elsewhere).
   * Another engine's rewrites since (see {@link IcebergCommitter#lastRowChange}) change nothing.
   */
  static boolean mirrorsSource(Table table, String resumedPipeline) {
    Snapshot current = IcebergCommitter.lastRowChange(table);
    if (current == null) {
      return true;
    }
    return resumedPipeline != null
        && resumedPipeline.equals(current.summary().get(IcebergCommitter.SUMMARY_PIPELINE))
        && saysMirrorsSource(current);
  }

  /** Whether the commit says the table mirrors its source ({@link #mirrorsSource(Table, String)}). */
  private static boolean saysMirrorsSource(Snapshot commit) {
    return "true".equals(commit.summary().get(IcebergCommitter.SUMMARY_MIRRORS_SOURCE));
  }

  /** Whether the table holds its source table's rows, each key once (see the field). */
  boolean mirrorsSource() {
    return mirrorsSource;
  }

  /**
   * An INSERT may be of a key the table holds a row of from now on (see {@link
   * dev.cdcsync.api.Sink#insertsMayRepeatKeys}).
   */
  void insertsMayRepeatKeys() {
    if (mirrorsSource) {
      LOG.info(
          "Iceberg table {} takes rows of several source tables, keys or rows a transform gives"
              + " it, or kept rows through a truncate or drop: its inserts are written as upserts"
              + " (with equality deletes)",
          sinkTable);
      mirrorLost = snapshotMirrorsSource;
    }
    mirrorsSource = false;
  }

  TableId sinkTable() {
    return sinkTable;
  }

  Table table() {
    return table;
  }

  long changes() {
    return changes;
  }

  long maxSourceTimestamp() {
    return maxSourceTimestamp;
  }

  /**
   * Whether the next commit has something to do: rows written, the rows to replace, or telling
   * that the table no longer mirrors its source.
   */
  boolean hasChanges() {
    return hasRowChanges() || mirrorLost;
  }

  /** Whether the next commit changes rows: rows written, or the rows to replace. */
  boolean hasRowChanges() {
    return hasFiles() || replaceOnCommit;
  }

  /** Whether rows were written since the last commit. */
  boolean hasFiles() {
    return writer != null || !released.isEmpty();
  }

  /** Whether this writer holds open files (and the memory their buffers take). */
  boolean hasOpenFiles() {
    return writer != null;
  }

  /**
   * Closes the open files of an append-only writer early, to bound the memory of many open
   * tables (e.g. while snapshotting hundreds of them); their rows are committed with the rest at
   * the next commit. An upsert writer cannot: it must see its commit's rows to turn their later
   * changes into position deletes; returns false then.
   */
  boolean releaseFiles() throws IOException {
    if (writer == null || !writerAppendsOnly) {
      return false;
    }
    released.add(writer.complete());
    writer = null;
    return true;
  }

  /** Whether every uncommitted change was appended (no deletes), so files may change hands. */
  boolean appendsOnly() {
    return writer == null ? !released.isEmpty() : writerAppendsOnly;
  }

  int partitionId() {
    return partitionId;
  }

  /**
   * Closes the open files of an append-only writer and gives every uncommitted file to {@code
   * next}, a writer of the same table on a newer schema; they are committed with its own.
   */
  void handOver(IcebergTableWriter next) throws IOException {
    if (!appendsOnly()) {
      throw new IllegalStateException(
          "Cannot hand over the uncommitted changes of " + sinkTable + ": they include deletes");
    }
    releaseFiles();
    next.released.addAll(released);
    next.changes += changes;
    next.maxSourceTimestamp = Math.max(next.maxSourceTimestamp, maxSourceTimestamp);
    released.clear();
    changes = 0;
  }

  boolean appendMode() {
    return appendMode;
  }

  void write(DataChangeEvent event, long sequence) throws IOException {
    RowMapping mapping = mappings.computeIfAbsent(event.schema(), this::newMapping);
    OperationType operation = event.operation();
    if (appendMode) {
      Record changeRow =
          fill(mapping, operation == OperationType.DELETE ? event.before() : event.after());
      changeRow.set(operationPosition, AppendColumns.operation(operation));
      changeRow.set(timestampPosition, event.sourceTimestampMillis());
      changeRow.set(sequencePosition, sequence);
      appendWriter().write(changeRow);
    } else if (operation == OperationType.READ
        && snapshotRowsAreNew
        && (writer == null || writerAppendsOnly)) {
      appendWriter().write(fill(mapping, event.after()));
    } else {
      if (writerAppendsOnly || !released.isEmpty()) {
        throw new IllegalStateException(
            "Cannot apply a "
                + operation
                + " to "
                + sinkTable
                + " before the snapshot rows written since the last commit are committed");
      }
      snapshotRowsAreNew &= operation == OperationType.READ;
      UpsertTaskWriter upsert = upsertWriter();
      switch (operation) {
        case READ, INSERT -> {
          boolean overOtherRows = operation == OperationType.READ && !heldOnlyLoadRows;
          if (mirrorsSource && (overOtherRows || !mapping.sourceKeyed())) {
            LOG.info(
                "Iceberg table {} gets {}: from now on it is not known to hold each source row"
                    + " once, and its inserts are written as upserts (with equality deletes)",
                sinkTable,
                overOtherRows
                    ? "snapshot rows over the rows it holds"
                    : "an insert keyed otherwise than its table");
            mirrorsSource = false;
          }
          if (operation == OperationType.READ || !mirrorsSource) {
            upsert.deleteKey(fillKey(mapping, event.after()));
          }
          upsert.write(fill(mapping, event.after()));
        }
        case UPDATE -> {
          if (event.before() != null && !sameKey(mapping, event.before(), event.after())) {
            upsert.deleteKey(fillKey(mapping, event.before()));
          }
          upsert.deleteKey(fillKey(mapping, event.after()));
          upsert.write(fill(mapping, event.after()));
        }
        case DELETE -> upsert.deleteKey(fillKey(mapping, event.before()));
        case TRUNCATE, DROP_TABLE ->
            throw new IllegalStateException(
                event.operation() + " is applied to the table, not written");
      }
    }
    changes++;
    maxSourceTimestamp = Math.max(maxSourceTimestamp, event.sourceTimestampMillis());
  }

  /**
   * Closes this checkpoint's files and starts over; returns them for the commit, which says that
   * the table holds nothing but rows of {@code initialLoad} (when that load runs) if so.
   */
  PreparedTable prepare(String initialLoad) throws IOException {
    long preparedChanges = changes;
    long preparedMaxTimestamp = maxSourceTimestamp;
    boolean replaces = replaceOnCommit;
    replaceOnCommit = false;
    mirrorLost = false;
    return PreparedTable.write(
        table,
        complete(),
        preparedChanges,
        preparedMaxTimestamp,
        !appendMode && snapshotRowsAreNew ? initialLoad : null,
        replaces,
        mirrorsSource);
  }

  private WriteResult complete() throws IOException {
    WriteResult.Builder result = WriteResult.builder();
    released.forEach(result::add);
    released.clear();
    if (writer != null) {
      result.add(writer.complete());
    }
    writer = null;
    writerAppendsOnly = false;
    changes = 0;
    maxSourceTimestamp = 0;
    return result.build();
  }

  void abort() throws IOException {
    if (writer != null) {
      writer.abort();
      writer = null;
      writerAppendsOnly = false;
    }
    for (WriteResult result : released) {
      for (DataFile file : result.dataFiles()) {
        table.io().deleteFile(file.location());
      }
    }
    released.clear();
  }

  private TaskWriter<Record> appendWriter() {
    if (writer == null) {
      writer =
          PartitionedAppendWriter.forSpec(
              table.spec(),
              writerFactory(),
              fileFactory(),
              table.io(),
              targetFileSize(table),
              schema);
      writerAppendsOnly = true;
    }
    return writer;
  }

  private UpsertTaskWriter upsertWriter() {
    if (writer == null) {
      writer =
          new UpsertTaskWriter(
              table.spec(),
              writerFactory(),
              fileFactory(),
              table.io(),
              targetFileSize(table),
              schema,
              keySchema,
              ((HasTableOperations) table).operations().current().formatVersion());
      writerAppendsOnly = false;
    }
    return (UpsertTaskWriter) writer;
  }

  private GenericFileWriterFactory writerFactory() {
    return new GenericFileWriterFactory.Builder(table)
        .dataSchema(schema)
        .dataFileFormat(FileFormat.PARQUET)
        .deleteFileFormat(FileFormat.PARQUET)
        .equalityFieldIds(
            keySchema.columns().stream().mapToInt(Types.NestedField::fieldId).toArray())
        .equalityDeleteRowSchema(keySchema)
        .build();
  }

  private OutputFileFactory fileFactory() {
    return OutputFileFactory.builderFor(table, partitionId, ++taskId)
        .format(FileFormat.PARQUET)
        .operationId(UUID.randomUUID().toString())
        .build();
  }

  /** The table's target data file size. */
  static long targetFileSize(Table table) {
    return PropertyUtil.propertyAsLong(
        table.properties(),
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
        TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
  }

  @SuppressWarnings("unchecked")
  private RowMapping newMapping(dev.cdcsync.api.Schema eventSchema) {
    List<Types.NestedField> fields = schema.columns();
    int[] positions = new int[eventSchema.size()];
    Function<Object, Object>[] converters = new Function[eventSchema.size()];
    for (int i = 0; i < eventSchema.size(); i++) {
      Column column = eventSchema.columns().get(i);
      Types.NestedField field = schema.findField(column.name());
      if (field == null) {
        // The schema change behavior chose not to add this column: its values are not written.
        positions[i] = -1;
        continue;
      }
      Function<Object, Object> converter = IcebergTypes.converter(column.type(), field.type());
      if (converter == null) {
        throw new PermanentPipelineException(
            "Cannot write to Iceberg table "
                + sinkTable
                + ": source column '"
                + column.name()
                + "' is "
                + column.type()
                + " but the table's column is "
                + field.type());
      }
      if (field.type() instanceof Types.DecimalType decimal) {
        Function<Object, Object> base = converter;
        converter = value -> IcebergTypes.checkDecimal((BigDecimal) base.apply(value), decimal);
      }
      positions[i] = fields.indexOf(field);
      converters[i] = converter;
    }
    int[] keyColumns = new int[appendMode ? 0 : keyPositions.length];
    for (int k = 0; k < keyColumns.length; k++) {
      String name = fields.get(keyPositions[k]).name();
      keyColumns[k] = eventSchema.indexOf(name);
      if (keyColumns[k] < 0) {
        throw new PermanentPipelineException(
            "Cannot write to Iceberg table "
                + sinkTable
                + ": its key column '"
                + name
                + "' is not a source column");
      }
    }
    boolean sourceKeyed =
        eventSchema.hasPrimaryKey()
            && keySchema.columns().stream()
                .map(Types.NestedField::name)
                .toList()
                .containsAll(eventSchema.primaryKeys());
    return new RowMapping(positions, converters, keyColumns, sourceKeyed);
  }

  private Record fill(RowMapping mapping, Object[] values) {
    for (int i = 0; i < row.size(); i++) {
      row.set(i, null);
    }
    for (int i = 0; i < values.length; i++) {
      Object value = values[i];
      if (value != null && mapping.positions()[i] >= 0) {
        try {
          row.set(mapping.positions()[i], mapping.converters()[i].apply(value));
        } catch (RuntimeException e) {
          throw new PermanentPipelineException(
              "Cannot write a value of column "
                  + sinkTable
                  + "."
                  + schema.columns().get(mapping.positions()[i]).name()
                  + ": "
                  + e.getMessage(),
              e);
        }
      }
    }
    return row;
  }

  private Record fillKey(RowMapping mapping, Object[] values) {
    for (int k = 0; k < mapping.keyColumns().length; k++) {
      int column = mapping.keyColumns()[k];
      Object value = values[column];
      if (value == null) {
        throw new PermanentPipelineException(
            "Cannot write to Iceberg table "
                + sinkTable
                + ": key column '"
                + keySchema.columns().get(k).name()
                + "' is null");
      }
      key.set(k, mapping.converters()[column].apply(value));
    }
    return key;
  }

  private static boolean sameKey(RowMapping mapping, Object[] before, Object[] after) {
    for (int column : mapping.keyColumns()) {
      Object a = before[column];
      Object b = after[column];
      if (a instanceof byte[] x && b instanceof byte[] y
          ? !Arrays.equals(x, y)
          : !Objects.equals(a, b)) {
        return false;
      }
    }
    return true;
  }
}
