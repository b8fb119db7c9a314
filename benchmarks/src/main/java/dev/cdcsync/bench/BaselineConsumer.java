package dev.cdcsync.bench;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.SourceAcknowledger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * The engine's ceiling: a {@link ChangeHandler} that does nothing with the changes but count them
 * and acknowledge each batch that ends where a commit may cut (as cdc-sync acknowledges at most).
 * Remembers when the latest snapshot row and the latest other change arrived.
 */
final class BaselineConsumer implements ChangeHandler {

  private long snapshotRows;
  private long changes;
  private long firstSnapshotRowNanos;
  private long lastSnapshotRowNanos;
  private long lastChangeNanos;
  private long batchesAfterSnapshot;

  @Override
  public void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger)
      throws InterruptedException {
    long now = System.nanoTime();
    long read = 0;
    long changed = 0;
    for (DataChangeEvent event : events) {
      if (event.operation() == OperationType.READ) {
        read++;
      } else {
        changed++;
      }
    }
    if (acknowledger.isTransactionBoundary()) {
      acknowledger.acknowledge();
    }
    synchronized (this) {
      if (read > 0) {
        if (snapshotRows == 0) {
          firstSnapshotRowNanos = now;
        }
        snapshotRows += read;
        lastSnapshotRowNanos = now;
      } else if (snapshotRows > 0) {
        batchesAfterSnapshot++;
      }
      if (changed > 0) {
        changes += changed;
        lastChangeNanos = now;
      }
      notifyAll();
    }
  }

  synchronized long snapshotRows() {
    return snapshotRows;
  }

  synchronized long changes() {
    return changes;
  }

  /** When the first snapshot row arrived, on the {@link System#nanoTime()} scale; 0 before. */
  synchronized long firstSnapshotRowNanos() {
    return firstSnapshotRowNanos;
  }

  /**
   * Waits for a batch after the snapshot's rows: the source has switched to streaming (it calls in
   * with heartbeats while the database is idle), so changes made from now on measure streaming,
   * not the switch.
   */
  synchronized void awaitStreaming(Duration timeout, Runnable requireRunning)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (batchesAfterSnapshot == 0) {
      waitUntil(deadline, requireRunning, "Cannot see the source stream after its snapshot");
    }
  }

  /**
   * Waits until {@code rows} snapshot rows have arrived.
   *
   * @return when the last of them arrived, on the {@link System#nanoTime()} scale
   */
  synchronized long awaitSnapshotRows(long rows, Duration timeout, Runnable requireRunning)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (snapshotRows < rows) {
      waitUntil(
          deadline,
          requireRunning,
          "Cannot receive " + rows + " snapshot rows: got " + snapshotRows);
    }
    return lastSnapshotRowNanos;
  }

  /**
   * Waits until {@code count} changes (not snapshot rows) have arrived.
   *
   * @return when the last of them arrived, on the {@link System#nanoTime()} scale
   */
  synchronized long awaitChanges(long count, Duration timeout, Runnable requireRunning)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (changes < count) {
      waitUntil(deadline, requireRunning, "Cannot receive " + count + " changes: got " + changes);
    }
    return lastChangeNanos;
  }

  private void waitUntil(long deadline, Runnable requireRunning, String timeoutMessage)
      throws InterruptedException, TimeoutException {
    requireRunning.run();
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new TimeoutException(timeoutMessage);
    }
    wait(Math.max(1, Math.min(left / 1_000_000, 1_000)));
  }
}
