package dev.cdcsync.api;

/** Lets a handler tell the source that the changes it was handed are durable downstream. */
public interface SourceAcknowledger {

  /**
   * Marks every change handed over so far as consumed: the source may tell the database to
   * release them (e.g. a PostgreSQL slot's flushed LSN). Call only after the changes are durably
   * committed downstream, and on an acknowledger whose batch ended at a {@link
   * #isTransactionBoundary() transaction boundary} — or, where the pipeline must split a source
   * transaction, at the place it split it: the source then resumes from there, inside the
   * transaction.
   */
  void acknowledge() throws InterruptedException;

  /** The source position right after this batch. */
  SourcePosition position();

  /**
   * Whether this batch ends where a commit may cut: after a source transaction's last change, and
   * never inside the initial snapshot (a snapshot is committed whole, once its last row arrives).
   */
  boolean isTransactionBoundary();

  /**
   * Whether the source transaction right after this boundary changes a table itself (its
   * columns change, it is truncated or dropped) after other changes: the pipeline commits here, so
   * the change need not wait for rows of that transaction it cannot split off. False where the
   * source cannot tell.
   */
  default boolean tableChangeFollows() {
    return false;
  }

  /**
   * Whether this batch ends a chunk of a snapshot that goes on: a commit may cut here (the source
   * resumes after the chunk), but need not, unlike at the snapshot's end, where the pipeline
   * commits the snapshot before any streamed change.
   */
  default boolean snapshotGoesOn() {
    return false;
  }
}
