package dev.cdcsync.iceberg;

import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.InternalRecordWrapper;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.PartitionedFanoutWriter;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.io.UnpartitionedWriter;

/** Appends rows to a partitioned table, one open file per partition. */
final class PartitionedAppendWriter extends PartitionedFanoutWriter<Record> {

  /** A writer appending rows of {@code schema} to a table of {@code spec}, partitioned or not. */
  static TaskWriter<Record> forSpec(
      PartitionSpec spec,
      FileWriterFactory<Record> writerFactory,
      OutputFileFactory fileFactory,
      FileIO io,
      long targetFileSize,
      Schema schema) {
    return spec.isUnpartitioned()
        ? new UnpartitionedWriter<>(
            spec, FileFormat.PARQUET, writerFactory, fileFactory, io, targetFileSize)
        : new PartitionedAppendWriter(spec, writerFactory, fileFactory, io, targetFileSize, schema);
  }

  private final PartitionKey partition;
  private final InternalRecordWrapper wrapper;

  PartitionedAppendWriter(
      PartitionSpec spec,
      FileWriterFactory<Record> writerFactory,
      OutputFileFactory fileFactory,
      FileIO io,
      long targetFileSize,
      Schema schema) {
    super(spec, FileFormat.PARQUET, writerFactory, fileFactory, io, targetFileSize);
    this.partition = new PartitionKey(spec, schema);
    this.wrapper = new InternalRecordWrapper(schema.asStruct());
  }

  @Override
  protected PartitionKey partition(Record row) {
    partition.partition(wrapper.wrap(row));
    return partition;
  }
}
