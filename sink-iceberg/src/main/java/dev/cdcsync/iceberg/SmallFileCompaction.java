package dev.cdcsync.iceberg;

import dev.cdcsync.api.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriteResult;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.util.PropertyUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the small data files of tables that have no delete files (append tables, and upsert
 * tables that only ever received inserts): one checkpoint writes at least one file per table, so
 * a changelog table otherwise gains thousands of small files a day. Files are rewritten per
 * partition into files of the table's target size, in one commit that fails if anything else
 * committed meanwhile. Tables with delete files are left alone (applying deletes is not done
 * yet).
 */
final class SmallFileCompaction {

  private static final Logger LOG = LoggerFactory.getLogger(SmallFileCompaction.class);
  /** A partition is compacted once it has this many small files. */
  static final int MIN_SMALL_FILES = 16;

  private SmallFileCompaction() {}

  /** Compacts the table's small files if it needs it; returns how many files it replaced. */
  static int compact(TableId sinkTable, Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null || !current.deleteManifests(table.io()).isEmpty()) {
      return 0;
    }
    long target = PropertyUtil.propertyAsLong(
        table.properties(), TableProperties.WRITE_TARGET_FILE_SIZE_BYTES, TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
    Map<String, List<DataFile>> smallFiles = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(current.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        if (file.fileSizeInBytes() < target / 2 && file.format() == FileFormat.PARQUET) {
          PartitionSpec spec = table.specs().get(file.specId());
          smallFiles.computeIfAbsent(file.specId() + "/" + spec.partitionToPath(file.partition()), key -> new ArrayList<>()).add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<DataFile> replaced = new HashSet<>();
    Set<DataFile> added = new HashSet<>();
    for (List<DataFile> files : smallFiles.values()) {
      if (files.size() >= MIN_SMALL_FILES) {
        added.addAll(rewrite(table, files, target));
        replaced.addAll(files);
      }
    }
    if (replaced.isEmpty()) {
      return 0;
    }
    RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(current.snapshotId());
    replaced.forEach(rewrite::deleteFile);
    added.forEach(rewrite::addFile);
    for (String key : IcebergSink.SUMMARY_KEYS) {
      String value = current.summary().get(key);
      if (value != null) {
        rewrite.set(key, value);
      }
    }
    rewrite.commit();
    LOG.info("Table {}: merged {} small data files into {}", sinkTable, replaced.size(), added.size());
    return replaced.size();
  }

  /** The files' rows, in file order, written to new files of one partition. */
  private static List<DataFile> rewrite(Table table, List<DataFile> files, long targetSize) {
    DataFile first = files.get(0);
    PartitionSpec spec = table.specs().get(first.specId());
    StructLike partition = first.partition();
    GenericFileWriterFactory writers =
        new GenericFileWriterFactory.Builder(table).dataSchema(table.schema()).dataFileFormat(FileFormat.PARQUET).build();
    OutputFileFactory outputs =
        OutputFileFactory.builderFor(table, 0, System.nanoTime())
            .format(FileFormat.PARQUET)
            .operationId("compact-" + UUID.randomUUID())
            .build();
    RollingDataWriter<Record> writer = new RollingDataWriter<>(writers, outputs, table.io(), targetSize, spec, partition);
    try {
      for (DataFile file : files) {
        try (CloseableIterable<Record> rows =
            Parquet.read(table.io().newInputFile(file.location()))
                .project(table.schema())
                .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(table.schema(), fileSchema))
                .build()) {
          for (Record row : rows) {
            writer.write(row);
          }
        }
      }
      writer.close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot compact the small files of " + table.name() + ": " + e.getMessage(), e);
    }
    DataWriteResult result = writer.result();
    return result.dataFiles();
  }
}
