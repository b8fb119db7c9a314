package dev.cdcsync.iceberg;

import dev.cdcsync.api.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the rows already in a table the default of a column added to it, as the source gave its
 * existing rows: every data file is rewritten with its deletes applied and the column filled in.
 *
 * <p>The rewrite goes into the transaction that adds the column, so the table never shows the
 * column without its values, and a crash leaves either both or neither (the pipeline replays the
 * change that added the column if neither). Format v3's {@code initial-default} would do this
 * without a rewrite, but v3 tables need deletion vectors and readers that not every engine has yet.
 *
 * <p>The rewritten files take the data sequence number of the snapshot they were read from, as
 * {@link Compaction}'s do: the deletes are applied already and no other delete file can apply to
 * them. Every delete file that applied to some data file goes with the rewrite.
 */
final class AddedColumnDefaults {

  private static final Logger LOG = LoggerFactory.getLogger(AddedColumnDefaults.class);

  private AddedColumnDefaults() {}

  /**
   * Rewrites the table's rows with {@code defaults} (column name to value in Iceberg's generic
   * representation) in a rewrite staged on {@code table}, a transaction's table whose schema has
   * the columns already; {@code committed} is the table as committed, whose files it reads (a
   * transaction's table cannot plan scans). Returns the files written, for the caller to delete
   * if the transaction does not commit.
   */
  static List<DataFile> fill(
      TableId sinkTable, Table committed, Table table, Map<String, Object> defaults) {
    Snapshot current = committed.currentSnapshot();
    if (current == null) {
      return List.of();
    }
    long started = System.nanoTime();
    Map<String, List<FileScanTask>> byPartition = new LinkedHashMap<>();
    Map<String, DeleteFile> deleteFiles = new HashMap<>();
    long rows = 0;
    long bytes = 0;
    try (CloseableIterable<FileScanTask> tasks =
        committed.newScan().useSnapshot(current.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        byPartition
            .computeIfAbsent(Compaction.partitionKey(table, task.file()), key -> new ArrayList<>())
            .add(task);
        task.deletes().forEach(delete -> deleteFiles.putIfAbsent(delete.location(), delete));
        rows += task.file().recordCount();
        bytes += task.file().fileSizeInBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (byPartition.isEmpty()) {
      return List.of();
    }
    if (byPartition.values().stream()
        .flatMap(List::stream)
        .anyMatch(task -> task.file().format() != FileFormat.PARQUET)) {
      // Written by another writer; cdc-sync reads and rewrites Parquet only.
      LOG.warn(
          "Table {}: rows written before column(s) {} read NULL in them, not the source's default: the table has"
              + " data files in a format other than Parquet",
          sinkTable,
          defaults.keySet());
      return List.of();
    }
    LOG.info(
        "Table {}: giving the rows written before column(s) {} the source's default: rewriting {} data file(s),"
            + " {} row(s), {} bytes; the stream waits meanwhile",
        sinkTable,
        defaults.keySet(),
        byPartition.values().stream().mapToInt(List::size).sum(),
        rows,
        bytes);
    List<Types.NestedField> columns = table.schema().columns();
    int[] positions =
        defaults.keySet().stream()
            .mapToInt(name -> columns.indexOf(table.schema().findField(name)))
            .toArray();
    Object[] values = defaults.values().toArray();
    List<DataFile> replaced = new ArrayList<>();
    List<DataFile> added = new ArrayList<>();
    try {
      Progress progress =
          new Progress(sinkTable, byPartition.values().stream().mapToInt(List::size).sum(), bytes);
      for (List<FileScanTask> group : byPartition.values()) {
        added.addAll(
            Compaction.rewrite(
                table,
                group.get(0).file(),
                group,
                task -> {
                  progress.starting(task.file().fileSizeInBytes());
                  return CloseableIterable.transform(
                      Compaction.liveRowsOf(table, task),
                      row -> withDefaults(row, positions, values));
                }));
        group.forEach(task -> replaced.add(task.file()));
      }
    } catch (RuntimeException e) {
      Compaction.deleteQuietly(table, added);
      throw e;
    }
    RewriteFiles rewrite =
        table
            .newRewrite()
            .validateFromSnapshot(current.snapshotId())
            .dataSequenceNumber(current.sequenceNumber());
    replaced.forEach(rewrite::deleteFile);
    added.forEach(rewrite::addFile);
    deleteFiles.values().forEach(rewrite::deleteFile);
    IcebergCommitter.carrySummary(rewrite, current);
    try {
      rewrite.commit();
    } catch (RuntimeException e) {
      Compaction.deleteQuietly(table, added);
      throw e;
    }
    LOG.info(
        "Table {}: rewrote {} data file(s) into {} with the default of column(s) {} in {} ms",
        sinkTable,
        replaced.size(),
        added.size(),
        defaults.keySet(),
        (System.nanoTime() - started) / 1_000_000);
    return added;
  }

  /** Logs how far the rewrite is, every {@link #EVERY_NANOS} at most. */
  private static final class Progress {
    private static final long EVERY_NANOS = 10_000_000_000L;
    private final TableId sinkTable;
    private final int files;
    private final long bytes;
    private int filesStarted;
    private long bytesDone;
    private long lastLogged = System.nanoTime();

    Progress(TableId sinkTable, int files, long bytes) {
      this.sinkTable = sinkTable;
      this.files = files;
      this.bytes = bytes;
    }

    void starting(long fileBytes) {
      if (System.nanoTime() - lastLogged >= EVERY_NANOS) {
        LOG.info(
            "Table {}: rewrote {} of {} data file(s), {} of {} bytes",
            sinkTable,
            filesStarted,
            files,
            bytesDone,
            bytes);
        lastLogged = System.nanoTime();
      }
      filesStarted++;
      bytesDone += fileBytes;
    }
  }

  private static Record withDefaults(Record row, int[] positions, Object[] values) {
    for (int i = 0; i < positions.length; i++) {
      row.set(positions[i], values[i]);
    }
    return row;
  }
}
