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
import org.apache.iceberg.io.BaseTaskWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Writes one table's changes of one checkpoint: rows go to data files, deleted keys to position
 * deletes (when the row was written in this checkpoint) or equality deletes. In a partitioned
 * table every partition column is a key column, so a key's partition follows from the key alone.
 */
final class UpsertTaskWriter extends BaseTaskWriter<Record> {

  private final Schema schema;
  private final Schema keySchema;
  private final PartitionKey rowPartition;
  private final PartitionKey keyPartition;
  private final InternalRecordWrapper rowWrapper;
  private final InternalRecordWrapper keyWrapper;
  private final Map<PartitionKey, DeltaWriter> writers = new HashMap<>();

  UpsertTaskWriter(
      PartitionSpec spec,
      FileWriterFactory<Record> writerFactory,
      OutputFileFactory fileFactory,
      FileIO io,
      long targetFileSize,
      Schema schema,
      Schema keySchema) {
    super(spec, FileFormat.PARQUET, writerFactory, fileFactory, io, targetFileSize);
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

  @Override
  public void close() throws IOException {
    for (DeltaWriter writer : writers.values()) {
      writer.close();
    }
    writers.clear();
  }

  private final class DeltaWriter extends BaseEqualityDeltaWriter {

    DeltaWriter(StructLike partition, Schema schema, Schema keySchema) {
      super(partition, schema, keySchema);
    }

    @Override
    protected StructLike asStructLike(Record data) {
      return data;
    }

    @Override
    protected StructLike asStructLikeKey(Record key) {
      return key;
    }
  }
}
