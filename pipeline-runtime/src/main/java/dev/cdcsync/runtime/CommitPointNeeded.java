package dev.cdcsync.runtime;

import dev.cdcsync.api.TableId;

/**
 * A change to a table itself (its columns, a truncate, a drop) arrived inside a source transaction
 * after other changes of that transaction, while the table had uncommitted changes from before
 * it. The table must be committed before the change, and no commit may cut into the transaction;
 * so the run ends, and the next run from the newest checkpoint commits at the transaction's start
 * (the boundary after {@link #events()} source events), where the change then applies. The
 * pipeline process restarts at once; a second such failure for the same checkpoint is permanent.
 *
 * @param checkpointId the newest checkpoint, which the next run resumes after
 * @param events source events from that checkpoint's position to the transaction's start
 */
public final class CommitPointNeeded extends RuntimeException {

  private final long checkpointId;
  private final long events;

  CommitPointNeeded(long checkpointId, long events, TableId table, String what) {
    super(
        "Cannot "
            + what
            + " table "
            + table
            + " in the middle of a source transaction whose"
            + " earlier changes are not committed; restarting from checkpoint "
            + checkpointId
            + " to commit at the transaction's start");
    this.checkpointId = checkpointId;
    this.events = events;
  }

  public long checkpointId() {
    return checkpointId;
  }

  public long events() {
    return events;
  }
}
