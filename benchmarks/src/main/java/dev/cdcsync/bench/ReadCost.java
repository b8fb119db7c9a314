package dev.cdcsync.bench;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * What the streaming scenario's updates cost a reader of the upsert table: a full scan with
 * Iceberg's generic reader right after them, and again once cdc-sync's own maintenance has applied
 * their deletes (it does so after one of its commits when the table has many delete files; a
 * one-row update every few seconds gives it those commits).
 */
final class ReadCost {

  private static final Duration MAINTENANCE_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration UPDATE_PERIOD = Duration.ofSeconds(5);

  /** One full scan: what the reader had to apply, and how long it took. */
  record Scan(
      long rows,
      int dataFiles,
      int deleteFiles,
      long deleteRecords,
      int mostDeletesPerFile,
      double seconds) {

    @Override
    public String toString() {
      return String.format(
          "%,d rows from %d data file(s) with %d delete file(s) (%,d delete records, at most %d"
              + " per data file): full scan %.2f s",
          rows, dataFiles, deleteFiles, deleteRecords, mostDeletesPerFile, seconds);
    }
  }

  private ReadCost() {}

  static void measure(RowsTableRun target) throws Exception {
    Table table = target.table();
    Scan before = scan(table);
    Progress.say("  read cost after the updates: " + before);
    long start = table.currentSnapshot().snapshotId();
    long deadline = System.nanoTime() + MAINTENANCE_TIMEOUT.toNanos();
    while (!rewroteSince(target.table(), start)) {
      if (System.nanoTime() > deadline) {
        Progress.say(
            "  read cost: maintenance did not apply the deletes within " + MAINTENANCE_TIMEOUT);
        return;
      }
      target.load().runBackToBack(1, 1);
      target.run().requireAlive();
      Thread.sleep(UPDATE_PERIOD.toMillis());
    }
    Progress.say("  read cost once maintenance applied the deletes: " + scan(target.table()));
  }

  /** Whether a maintenance rewrite was committed after {@code snapshotId}. */
  private static boolean rewroteSince(Table table, long snapshotId) {
    for (Snapshot snapshot = table.currentSnapshot();
        snapshot != null && snapshot.snapshotId() != snapshotId;
        snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId())) {
      if ("replace".equals(snapshot.operation())) {
        return true;
      }
    }
    return false;
  }

  static Scan scan(Table table) throws Exception {
    int dataFiles = 0;
    int mostDeletes = 0;
    Set<String> deleteFiles = new HashSet<>();
    long deleteRecords = 0;
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        dataFiles++;
        mostDeletes = Math.max(mostDeletes, task.deletes().size());
        for (DeleteFile delete : task.deletes()) {
          if (deleteFiles.add(delete.location() + "#" + delete.contentOffset())) {
            deleteRecords += delete.recordCount();
          }
        }
      }
    }
    long started = System.nanoTime();
    long rows = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record ignored : records) {
        rows++;
      }
    }
    return new Scan(
        rows,
        dataFiles,
        deleteFiles.size(),
        deleteRecords,
        mostDeletes,
        Durations.secondsBetween(started, System.nanoTime()));
  }
}
