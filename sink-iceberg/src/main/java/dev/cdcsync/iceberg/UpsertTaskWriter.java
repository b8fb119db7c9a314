package dev.cdcsync.iceberg;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.DeleteGranularity;
import org.apache.iceberg.io.BaseTaskWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Writes one table's changes of one checkpoint: rows go to data files, deleted keys to position
 * deletes (when the row was written in this checkpoint) or equality deletes. In a partitioned
 * table every partition column is a key column, so a key's partition follows from the key alone.
 *
 * <p>In a format v3 table the position deletes are deletion vectors (one Puffin blob per data
 * file, as v3 asks) instead of position delete files.
 */
final class UpsertTaskWriter extends BaseTaskWriter<Record> {

  /** The first table format version whose position deletes are deletion vectors. */
  static final int DELETION_VECTORS_FORMAT = 3;

  private final Schema schema;
  private final Schema keySchema;
  private final PartitionKey rowPartition;
  private final PartitionKey keyPartition;
  private final InternalRecordWrapper rowWrapper;
  private final InternalRecordWrapper keyWrapper;
  private final Map<PartitionKey, DeltaWriter> writers = new HashMap<>();
  private final boolean deletionVectors;

  UpsertTaskWriter(
      PartitionSpec spec,
      FileWriterFactory<Record> writerFactory,
      OutputFileFactory fileFactory,
      FileIO io,
      long targetFileSize,
      Schema schema,
      Schema keySchema,
      int formatVersion) {
    super(
        spec,
        FileFormat.PARQUET,
        writerFactory,
        fileFactory,
        io,
        targetFileSize,
        formatVersion >= DELETION_VECTORS_FORMAT);
    this.deletionVectors = formatVersion >= DELETION_VECTORS_FORMAT;
    this.schema = schema;
    this.keySchema = keySchema;
    this.rowPartition = new PartitionKey(spec, schema);
    this.keyPartition = new PartitionKey(spec, keySchema);
    this.rowWrapper = new InternalRecordWrapper(schema.asStruct());
    this.keyWrapper = new InternalRecordWrapper(keySchema.asStruct());
  }

  /** Writes a row; an earlier row of the same key written in this checkpoint is deleted. */
  @Override
  public void write(Record row) throws IOException {
    rowPartition.partition(rowWrapper.wrap(row));
    writer(rowPartition).write(row);
  }

  /** Deletes the row with this key, in this checkpoint's files or in the table. */
  void deleteKey(Record key) throws IOException {
    keyPartition.partition(keyWrapper.wrap(key));
    writer(keyPartition).deleteKey(key);
  }

  private DeltaWriter writer(PartitionKey partition) {
    DeltaWriter writer = writers.get(partition);
    if (writer == null) {
      PartitionKey copy = partition.copy();
      writer = new DeltaWriter(spec().isUnpartitioned() ? null : copy, schema, keySchema);
      writers.put(copy, writer);
    }
    return writer;
  }

  /** Closes the delta writers, then the deletion vectors they wrote to (see the superclass). */
  @Override
  public void close() throws IOException {
    for (DeltaWriter writer : writers.values()) {
      writer.close();
    }
    writers.clear();
    super.close();
  }

  /**
   * Finds the rows written in this checkpoint by key. The keys it holds are read in Iceberg's
   * internal representation (a date as days, a timestamp as microseconds), as Iceberg's hashing
   * and comparing of keys expects: Java time values in their place make a date key miss its row.
   * The wrappers are the task writer's, which wrap the same row or key just before to partition
   * it; the map keeps copies, never a wrapper.
   */
  private final class DeltaWriter extends BaseEqualityDeltaWriter {

    DeltaWriter(StructLike partition, Schema schema, Schema keySchema) {
      super(
          partition,
          schema,
          keySchema,
          DeleteGranularity.PARTITION,
          deletionVectors ? dvFileWriter() : null);
    }

    @Override
    protected StructLike asStructLike(Record data) {
      return rowWrapper.wrap(data);
    }

    @Override
    protected StructLike asStructLikeKey(Record key) {
      return keyWrapper.wrap(key);
    }
  }
}
