package dev.cdcsync.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Receives a source's changes, in source order. */
@FunctionalInterface
public interface ChangeHandler {

  /**
   * Takes one batch of changes.
   *
   * @param events the changes, possibly none (the source calls in regularly even when the
   *     database is idle, so that the handler can commit and acknowledge on time)
   * @param acknowledger acknowledges every change handed over up to the end of this batch; it
   *     stays valid after this method returns and may be called from another thread, provided
   *     calls of acknowledgers never overlap and come in the order of their batches
   */
  void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger)
      throws InterruptedException;

  /**
   * The source starts reading a snapshot of these tables; called before their first snapshot row,
   * on the source's thread, for progress reports only.
   *
   * @param estimatedRows per table, the database's estimate of its rows (-1 when it has none)
   */
  default void snapshotStarting(Map<TableId, Long> estimatedRows) {}

  /**
   * Where a table's chunked initial load stands; called on the source's thread when the load
   * starts and after each of the table's chunks, for progress reports only.
   *
   * @param rowsBefore rows of the table loaded by earlier runs of the load (a resumed load), which
   *     this run hands over no more
   * @param chunksLoaded the table's chunks read so far, earlier runs' included
   * @param chunksExpected about how many chunks the table has in all
   */
  default void snapshotChunks(
      TableId table, long rowsBefore, long chunksLoaded, long chunksExpected) {}

  /**
   * The source's chunked initial load starts or resumes ({@code loadId}: its identity, the same
   * across its restarts; null if it has none) or is over (null), on the source's thread. Each row
   * such a load hands over is of a key range no earlier run committed; the handler tells the sink
   * (see {@link Sink#initialLoad}).
   *
   * @param replacing the source tables whose rows this load replaces: rows their sink tables hold
   *     from before (a table captured earlier, left out, and taken in again, or loaded again on
   *     request) may be stale, so the load's rows take their place
   */
  default void initialLoad(String loadId, Set<TableId> replacing) {}

  /**
   * Whether the handler wants every transaction boundary to end a batch (for a while, to commit
   * at one it cannot tell in advance); asked by the source before each batch it hands over.
   */
  default boolean wantsEveryBoundary() {
    return false;
  }
}
