package dev.cdcsync.iceberg;

import java.io.IOException;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.BaseTaskWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;

/**
 * Writes one unpartitioned table's changes of one checkpoint: rows go to data files, deleted keys
 * to position deletes (when the row was written in this checkpoint) or equality deletes.
 */
final class UpsertTaskWriter extends BaseTaskWriter<Record> {

  private final DeltaWriter writer;

  UpsertTaskWriter(
      PartitionSpec spec,
      FileWriterFactory<Record> writerFactory,
      OutputFileFactory fileFactory,
      FileIO io,
      long targetFileSize,
      Schema schema,
      Schema keySchema) {
    super(spec, FileFormat.PARQUET, writerFactory, fileFactory, io, targetFileSize);
    this.writer = new DeltaWriter(schema, keySchema);
  }

  /** Writes a row; an earlier row of the same key written in this checkpoint is deleted. */
  @Override
  public void write(Record row) throws IOException {
    writer.write(row);
  }

  /** Deletes the row with this key, in this checkpoint's files or in the table. */
  void deleteKey(Record key) throws IOException {
    writer.deleteKey(key);
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }

  private final class DeltaWriter extends BaseEqualityDeltaWriter {

    DeltaWriter(Schema schema, Schema keySchema) {
      super(null, schema, keySchema);
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
