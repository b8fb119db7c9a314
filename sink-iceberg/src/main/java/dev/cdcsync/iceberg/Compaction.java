package dev.cdcsync.iceberg;

import dev.cdcsync.api.TableId;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.DeleteFilter;
import org.apache.iceberg.data.GenericDeleteFilter;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IdentityPartitionConverters;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.io.RollingDataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.iceberg.util.PartitionUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges small data files and applies delete files, a bounded amount of data per run, in commits
 * that replace exactly the files they read.
 *
 * <ul>
 *   <li>A table without delete files (append tables, upsert tables that only received inserts):
 *       one checkpoint writes at least one file per table, so a changelog table otherwise gains
 *       thousands of small files a day; a partition's small files are rewritten into files of
 *       the table's target size.
 *   <li>An upsert table with {@link #MIN_DELETE_FILES} or more delete files (every update and
 *       delete adds some, and each one is read again by every scan): one group of data files of
 *       one partition that deletes apply to, at most {@code maxGroupBytes} of them (or one larger
 *       file), is rewritten with its deletes applied. The group with the most deletes to apply
 *       goes first, so a table of any size has its deletes applied group by group over the runs.
 * </ul>
 *
 * <p>The rewritten files take the data sequence number of the snapshot the rewrite read (as
 * Spark's {@code use-starting-sequence-number}): equality deletes the pipeline commits while the
 * rewrite runs have greater sequence numbers, so they still apply to the rewritten rows, and
 * Iceberg does not fail the rewrite because of them. A new position delete of a rewritten file
 * (not written by cdc-sync, which deletes by position only in files of the same commit) fails it:
 * the next run tries again.
 *
 * <p>A delete file goes with the rewrite only if every data file it applied to in that snapshot
 * is among the rewritten ones: it cannot apply to any other file then, since every file committed
 * later, the rewritten ones included, has a data sequence number at least that of the snapshot
 * (an equality delete applies only to older files) and a path of its own (a position delete names
 * the files it applies to). Which files a delete applies to is what Iceberg's own scan planning
 * says, the index every reader uses.
 */
final class Compaction {

  private static final Logger LOG = LoggerFactory.getLogger(Compaction.class);

  /** A partition is compacted once it has this many small files. */
  static final int MIN_SMALL_FILES = 16;

  /** A table's deletes are applied once it has this many delete files. */
  static final int MIN_DELETE_FILES = 16;

  /** How much data one run rewrites at most to apply deletes (unless a single file is larger). */
  static final long MAX_GROUP_BYTES = 256L << 20;

  private Compaction() {}

  /**
   * Compacts the table's small files or applies some of its deletes, if it needs it; returns how
   * many data files it replaced. {@code commit} commits the rewrite (carrying the pipeline's
   * summary); if it fails with {@link CommitFailedException} or {@link ValidationException}, the
   * files written for it are deleted and the exception is rethrown.
   */
  static int compact(
      TableId sinkTable, Table table, long maxGroupBytes, Consumer<SnapshotUpdate<?>> commit) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return 0;
    }
    if (!current.deleteManifests(table.io()).isEmpty()) {
      return applyDeletes(sinkTable, table, current, maxGroupBytes, commit);
    }
    long target = IcebergTableWriter.targetFileSize(table);
    Map<String, List<DataFile>> smallFiles = new LinkedHashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(current.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile file = task.file();
        if (file.fileSizeInBytes() < target / 2 && file.format() == FileFormat.PARQUET) {
          smallFiles.computeIfAbsent(partitionKey(table, file), key -> new ArrayList<>()).add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<DataFile> replaced = new HashSet<>();
    List<DataFile> added = new ArrayList<>();
    for (List<DataFile> files : smallFiles.values()) {
      if (files.size() >= MIN_SMALL_FILES) {
        added.addAll(rewrite(table, files.get(0), files, file -> rowsOf(table, file)));
        replaced.addAll(files);
      }
    }
    if (replaced.isEmpty()) {
      return 0;
    }
    RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(current.snapshotId());
    replaced.forEach(rewrite::deleteFile);
    added.forEach(rewrite::addFile);
    commitOrClean(table, rewrite, added, commit);
    LOG.info(
        "Table {}: merged {} small data files into {}", sinkTable, replaced.size(), added.size());
    return replaced.size();
  }

  /**
   * A delete file's identity: its location, or for a deletion vector (format v3) also its place in
   * the Puffin file, which holds the vectors of several data files.
   */
  private static String deleteId(DeleteFile delete) {
    return ContentFileUtil.isDV(delete)
        ? delete.location() + "#" + delete.contentOffset()
        : delete.location();
  }

  /** Rewrites one group of data files with their deletes applied, if the table has many. */
  private static int applyDeletes(
      TableId sinkTable,
      Table table,
      Snapshot current,
      long maxGroupBytes,
      Consumer<SnapshotUpdate<?>> commit) {
    Map<String, List<FileScanTask>> byPartition = new LinkedHashMap<>();
    Map<String, DeleteFile> deleteFiles = new HashMap<>();
    // Delete file (see deleteId) -> locations of the data files it applies to in this snapshot.
    Map<String, Set<String>> appliesTo = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(current.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        if (task.deletes().isEmpty()) {
          continue;
        }
        for (DeleteFile delete : task.deletes()) {
          deleteFiles.putIfAbsent(deleteId(delete), delete);
          appliesTo
              .computeIfAbsent(deleteId(delete), key -> new HashSet<>())
              .add(task.file().location());
        }
        if (task.file().format() == FileFormat.PARQUET) {
          byPartition
              .computeIfAbsent(partitionKey(table, task.file()), key -> new ArrayList<>())
              .add(task);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (deleteFiles.size() < MIN_DELETE_FILES || byPartition.isEmpty()) {
      return 0;
    }
    List<FileScanTask> group = largestGroup(byPartition.values(), maxGroupBytes);
    List<DataFile> replaced = group.stream().map(FileScanTask::file).toList();
    List<DataFile> added = rewrite(table, replaced.get(0), group, task -> liveRowsOf(table, task));

    Set<String> replacedLocations = new HashSet<>();
    replaced.forEach(file -> replacedLocations.add(file.location()));
    List<DeleteFile> obsolete = new ArrayList<>();
    deleteFiles.forEach(
        (id, delete) -> {
          if (replacedLocations.containsAll(appliesTo.get(id))) {
            obsolete.add(delete);
          }
        });
    RewriteFiles rewrite =
        table
            .newRewrite()
            .validateFromSnapshot(current.snapshotId())
            .dataSequenceNumber(current.sequenceNumber());
    replaced.forEach(rewrite::deleteFile);
    added.forEach(rewrite::addFile);
    obsolete.forEach(rewrite::deleteFile);
    commitOrClean(table, rewrite, added, commit);
    LOG.info(
        "Table {}: applied the deletes of {} data file(s) ({} bytes) into {}; {} of {} delete file(s) no longer needed",
        sinkTable,
        replaced.size(),
        replaced.stream().mapToLong(DataFile::fileSizeInBytes).sum(),
        added.size(),
        obsolete.size(),
        deleteFiles.size());
    return replaced.size();
  }

  /**
   * Of each partition, the files with the most deletes first, as many as fit in {@code maxBytes}
   * (at least one); the partition's group with the most deletes to apply wins.
   */
  private static List<FileScanTask> largestGroup(
      Iterable<List<FileScanTask>> partitions, long maxBytes) {
    List<FileScanTask> best = List.of();
    long bestDeletes = -1;
    for (List<FileScanTask> tasks : partitions) {
      List<FileScanTask> candidates = new ArrayList<>(tasks);
      candidates.sort(
          Comparator.comparingInt((FileScanTask task) -> task.deletes().size()).reversed());
      List<FileScanTask> group = new ArrayList<>();
      long bytes = 0;
      long deletes = 0;
      for (FileScanTask task : candidates) {
        long size = task.file().fileSizeInBytes();
        if (group.isEmpty() || bytes + size <= maxBytes) {
          group.add(task);
          bytes += size;
          deletes += task.deletes().size();
        }
      }
      if (deletes > bestDeletes) {
        best = group;
        bestDeletes = deletes;
      }
    }
    return best;
  }

  static String partitionKey(Table table, DataFile file) {
    PartitionSpec spec = table.specs().get(file.specId());
    return file.specId() + "/" + spec.partitionToPath(file.partition());
  }

  private static void commitOrClean(
      Table table, RewriteFiles rewrite, List<DataFile> added, Consumer<SnapshotUpdate<?>> commit) {
    try {
      commit.accept(rewrite);
    } catch (CommitFailedException | ValidationException e) {
      // Certainly not committed (unlike CommitStateUnknownException): the new files are garbage.
      deleteQuietly(table, added);
      throw e;
    }
  }

  static void deleteQuietly(Table table, List<DataFile> files) {
    for (DataFile file : files) {
      try {
        table.io().deleteFile(file.location());
      } catch (RuntimeException e) {
        LOG.debug("Cannot delete uncommitted file {}: {}", file.location(), e.getMessage());
      }
    }
  }

  private static GenericFileWriterFactory writers(Table table) {
    return new GenericFileWriterFactory.Builder(table)
        .dataSchema(table.schema())
        .dataFileFormat(FileFormat.PARQUET)
        .build();
  }

  private static OutputFileFactory outputs(Table table) {
    return OutputFileFactory.builderFor(table, 0, System.nanoTime())
        .format(FileFormat.PARQUET)
        .operationId("compact-" + UUID.randomUUID())
        .build();
  }

  /**
   * The rows of each input, in input order, written to new files of one spec and partition;
   * files written before a failure are deleted.
   */
  static <T> List<DataFile> rewrite(
      Table table, DataFile first, List<T> inputs, Function<T, CloseableIterable<Record>> rowsOf) {
    PartitionSpec spec = table.specs().get(first.specId());
    StructLike partition = first.partition();
    long targetSize = IcebergTableWriter.targetFileSize(table);
    RollingDataWriter<Record> writer =
        new RollingDataWriter<>(
            writers(table), outputs(table), table.io(), targetSize, spec, partition);
    try {
      try (writer) {
        for (T input : inputs) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted");
          }
          try (CloseableIterable<Record> rows = rowsOf.apply(input)) {
            for (Record row : rows) {
              writer.write(row);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(table, writer.result().dataFiles());
      throw new IllegalStateException(
          "Cannot rewrite data files of " + table.name() + ": " + e.getMessage(), e);
    }
    return writer.result().dataFiles();
  }

  /** The rows of a data file, deleted ones included. */
  private static CloseableIterable<Record> rowsOf(Table table, DataFile file) {
    return Parquet.read(table.io().newInputFile(file.location()))
        .project(table.schema())
        .createReaderFunc(
            fileSchema -> GenericParquetReaders.buildReader(table.schema(), fileSchema))
        .build();
  }

  /** The rows of a task's data file that its deletes leave, in the table's schema. */
  static CloseableIterable<Record> liveRowsOf(Table table, FileScanTask task) {
    Schema schema = table.schema();
    DeleteFilter<Record> deletes = new GenericDeleteFilter(table.io(), task, schema, schema);
    // Reads what applying the deletes needs besides the table's columns (the row position).
    Schema readSchema = deletes.requiredSchema();
    Map<Integer, ?> constants =
        PartitionUtil.constantsMap(task, IdentityPartitionConverters::convertConstant);
    CloseableIterable<Record> rows =
        Parquet.read(table.io().newInputFile(task.file().location()))
            .project(readSchema)
            .createReaderFunc(
                fileSchema -> GenericParquetReaders.buildReader(readSchema, fileSchema, constants))
            .build();
    List<Types.NestedField> fields = schema.columns();
    GenericRecord copy = GenericRecord.create(schema);
    return CloseableIterable.transform(
        deletes.filter(rows),
        row -> {
          for (int i = 0; i < fields.size(); i++) {
            copy.set(i, row.getField(fields.get(i).name()));
          }
          return copy;
        });
  }
}
