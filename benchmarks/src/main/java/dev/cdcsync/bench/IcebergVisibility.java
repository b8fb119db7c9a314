package dev.cdcsync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * Watches what a reader of the warehouse sees: refreshes a table every {@code period} and records
 * each new snapshot with the moment it was first seen and the records cdc-sync had written by then.
 *
 * <p>cdc-sync writes every snapshot row, insert and update as exactly one data row (upsert: the
 * new row image; append: one changelog row), and never splits a source transaction across
 * commits, so the records written tell how many of the changes made so far are visible. They are
 * the first snapshot's {@code total-records} plus the {@code added-records} of each later commit
 * but maintenance's: a rewrite that applies deletes lowers {@code total-records} by the rows they
 * removed, and adds no change.
 */
final class IcebergVisibility implements AutoCloseable {

  /**
   * A snapshot as first seen by the poller; {@code seenAtNanos} is on the {@link System#nanoTime()}
   * scale, {@code records} are those written up to it.
   */
  record Appearance(long snapshotId, long seenAtNanos, long records) {}

  private final Catalog catalog;
  private final TableIdentifier identifier;
  private final Duration period;
  private final List<Appearance> appearances = new ArrayList<>();
  private final Thread poller;
  private volatile boolean closed;
  private volatile RuntimeException lastFailure;
  private Table table;

  private IcebergVisibility(Catalog catalog, TableIdentifier identifier, Duration period) {
    this.catalog = catalog;
    this.identifier = identifier;
    this.period = period;
    this.poller = new Thread(this::pollUntilClosed, "iceberg-visibility-" + identifier);
    poller.setDaemon(true);
  }

  /** Starts watching {@code identifier}; it need not exist yet. */
  static IcebergVisibility watch(Catalog catalog, TableIdentifier identifier, Duration period) {
    IcebergVisibility visibility = new IcebergVisibility(catalog, identifier, period);
    visibility.poller.start();
    return visibility;
  }

  /**
   * Waits for the first snapshot with at least {@code records} records written.
   *
   * @param requireAlive called on every check; throws when the writer has died
   */
  Appearance awaitRecords(long records, Duration timeout, Runnable requireAlive)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      synchronized (appearances) {
        for (Appearance appearance : appearances) {
          if (appearance.records() >= records) {
            return appearance;
          }
        }
        requireAlive.run();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException(
              "Cannot see "
                  + records
                  + " records in Iceberg table "
                  + identifier
                  + " within "
                  + timeout.toSeconds()
                  + " s: written up to the latest snapshot: "
                  + latestRecords()
                  + (lastFailure == null
                      ? ""
                      : "; last refresh failed: " + lastFailure.getMessage()));
        }
        appearances.wait(Math.max(1, Math.min(left / 1_000_000, 1_000)));
      }
    }
  }

  /** The records written up to the latest snapshot seen, 0 before the first. */
  long latestRecords() {
    synchronized (appearances) {
      return appearances.isEmpty() ? 0 : appearances.get(appearances.size() - 1).records();
    }
  }

  /** Every snapshot seen so far, in order. */
  List<Appearance> appearances() {
    synchronized (appearances) {
      return List.copyOf(appearances);
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    poller.interrupt();
    poller.join(10_000);
  }

  private void pollUntilClosed() {
    while (!closed) {
      try {
        pollOnce();
        lastFailure = null;
      } catch (RuntimeException e) {
        lastFailure = e; // e.g. a metadata file read while being replaced; the next poll retries
      }
      try {
        Thread.sleep(period.toMillis());
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void pollOnce() {
    if (table == null) {
      if (!catalog.tableExists(identifier)) {
        return;
      }
      table = catalog.loadTable(identifier);
    } else {
      table.refresh();
    }
    Snapshot current = table.currentSnapshot();
    long seenAt = System.nanoTime();
    if (current == null) {
      return;
    }
    synchronized (appearances) {
      Appearance last = appearances.isEmpty() ? null : appearances.get(appearances.size() - 1);
      if (last == null || last.snapshotId() != current.snapshotId()) {
        long records =
            last == null
                ? totalRecords(current)
                : last.records() + recordsAddedSince(current, last.snapshotId());
        appearances.add(new Appearance(current.snapshotId(), seenAt, records));
        appearances.notifyAll();
      }
    }
  }

  /** The records the commits after snapshot {@code since} added, up to {@code current}. */
  private long recordsAddedSince(Snapshot current, long since) {
    long records = 0;
    Snapshot snapshot = current;
    while (snapshot != null && snapshot.snapshotId() != since) {
      if (!DataOperations.REPLACE.equals(snapshot.operation())) {
        records +=
            Long.parseLong(
                snapshot.summary().getOrDefault(SnapshotSummary.ADDED_RECORDS_PROP, "0"));
      }
      snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId());
    }
    return records;
  }

  static long totalRecords(Snapshot snapshot) {
    return Long.parseLong(snapshot.summary().getOrDefault(SnapshotSummary.TOTAL_RECORDS_PROP, "0"));
  }

  /**
   * Waits until every table has a snapshot with at least its number of records, checking the
   * tables not yet complete in rounds.
   *
   * @return when the last of them was seen complete, on the {@link System#nanoTime()} scale
   */
  static long awaitAllTables(
      Catalog catalog,
      Map<TableIdentifier, Long> totalRecords,
      Duration timeout,
      Duration period,
      Runnable requireAlive)
      throws InterruptedException, TimeoutException {
    Map<TableIdentifier, Long> pending = new LinkedHashMap<>(totalRecords);
    Map<TableIdentifier, Table> loaded = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    long lastSeen = System.nanoTime();
    RuntimeException failure = null;
    while (!pending.isEmpty()) {
      requireAlive.run();
      if (System.nanoTime() > deadline) {
        throw new TimeoutException(
            "Cannot see all "
                + totalRecords.size()
                + " tables complete in Iceberg within "
                + timeout.toSeconds()
                + " s: "
                + pending.size()
                + " are not, e.g. "
                + pending.keySet().iterator().next()
                + (failure == null ? "" : "; last refresh failed: " + failure.getMessage()));
      }
      for (var iterator = pending.entrySet().iterator(); iterator.hasNext(); ) {
        var entry = iterator.next();
        try {
          Table table = loaded.get(entry.getKey());
          if (table == null) {
            if (!catalog.tableExists(entry.getKey())) {
              continue;
            }
            table = catalog.loadTable(entry.getKey());
            loaded.put(entry.getKey(), table);
          } else {
            table.refresh();
          }
          Snapshot current = table.currentSnapshot();
          if (current != null && totalRecords(current) >= entry.getValue()) {
            lastSeen = System.nanoTime();
            iterator.remove();
          }
        } catch (RuntimeException e) {
          failure = e;
        }
      }
      if (!pending.isEmpty()) {
        Thread.sleep(period.toMillis());
      }
    }
    return lastSeen;
  }
}
