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
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriteResult;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.io.TaskWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges small data files and applies delete files, in one commit that fails if anything else
 * committed meanwhile.
 *
 * <ul>
 *   <li>A table without delete files (append tables, upsert tables that only received inserts):
 *       one checkpoint writes at least one file per table, so a changelog table otherwise gains
 *       thousands of small files a day; a partition's small files are rewritten into files of
 *       the table's target size.
 *   <li>An upsert table with many delete files (every update and delete adds some) and at most
 *       {@link #MAX_BYTES_TO_APPLY_DELETES} of data: the whole table is rewritten with its deletes
 *       applied, and the delete files go. Larger tables keep their delete files.
 * </ul>
 */
final class Compaction {

  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);
  /** A partition is compacted once it has this many small files. */
  static final int MIN_SMALL_FILES = 16;
  /** A table's deletes are applied once it has this many delete files. */
  static final int MIN_DELETE_FILES = 16;
  /** Tables larger than this keep their delete files (the rewrite runs on the commit thread). */
  static final long MAX_BYTES_TO_APPLY_DELETES = 256L << 20;

  private Compaction() {}

  /** Compacts the table's small files if it needs it; returns how many files it replaced. */
  static int compact(TableId sinkTable, Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return 0;
    }
    if (!current.deleteManifests(table.io()).isEmpty()) {
      return applyDeletes(sinkTable, table, current);
    }
    long target = IcebergTableWriter.targetFileSize(table);
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
    IcebergSink.carrySummary(rewrite, current);
    rewrite.commit();
    LOG.info("Table {}: merged {} small data files into {}", sinkTable, replaced.size(), added.size());
    return replaced.size();
  }

  /** Rewrites a small table with its deletes applied, if it has many delete files. */
  private static int applyDeletes(TableId sinkTable, Table table, Snapshot current) {
    Set<DataFile> dataFiles = new HashSet<>();
    Set<DeleteFile> deleteFiles = new HashSet<>();
    long bytes = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(current.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        if (dataFiles.add(task.file())) {
          bytes += task.file().fileSizeInBytes();
        }
        deleteFiles.addAll(task.deletes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (deleteFiles.size() < MIN_DELETE_FILES || bytes > MAX_BYTES_TO_APPLY_DELETES) {
      return 0;
    }
    long target = IcebergTableWriter.targetFileSize(table);
    GenericFileWriterFactory writers = writers(table);
    OutputFileFactory outputs = outputs(table);
    TaskWriter<Record> writer =
        PartitionedAppendWriter.forSpec(table.spec(), writers, outputs, table.io(), target, table.schema());
    List<DataFile> added;
    try {
      GenericRecord copy = GenericRecord.create(table.schema());
      List<Types.NestedField> fields = table.schema().columns();
      // The generic reader applies the deletes; its records may carry extra fields: copy by name.
      try (CloseableIterable<Record> rows = IcebergGenerics.read(table).useSnapshot(current.snapshotId()).build()) {
        for (Record row : rows) {
          for (int i = 0; i < fields.size(); i++) {
            copy.set(i, row.getField(fields.get(i).name()));
          }
          writer.write(copy);
        }
      }
      added = List.of(writer.complete().dataFiles());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot apply the deletes of " + table.name() + ": " + e.getMessage(), e);
    }
    RewriteFiles rewrite =
        table.newRewrite()
            .validateFromSnapshot(current.snapshotId())
            .rewriteFiles(dataFiles, deleteFiles, Set.copyOf(added), Set.of());
    IcebergSink.carrySummary(rewrite, current);
    rewrite.commit();
    LOG.info("Table {}: applied {} delete file(s): {} data file(s) rewritten into {}",
        sinkTable, deleteFiles.size(), dataFiles.size(), added.size());
    return dataFiles.size();
  }

  private static GenericFileWriterFactory writers(Table table) {
    return new GenericFileWriterFactory.Builder(table).dataSchema(table.schema()).dataFileFormat(FileFormat.PARQUET).build();
  }

  private static OutputFileFactory outputs(Table table) {
    return OutputFileFactory.builderFor(table, 0, System.nanoTime())
        .format(FileFormat.PARQUET)
        .operationId("compact-" + UUID.randomUUID())
        .build();
  }

  /** The files' rows, in file order, written to new files of one partition. */
  private static List<DataFile> rewrite(Table table, List<DataFile> files, long targetSize) {
    DataFile first = files.get(0);
    PartitionSpec spec = table.specs().get(first.specId());
    StructLike partition = first.partition();
    GenericFileWriterFactory writers = writers(table);
    OutputFileFactory outputs = outputs(table);
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
