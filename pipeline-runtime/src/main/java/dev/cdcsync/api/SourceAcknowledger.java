package dev.cdcsync.api;

/** Lets a handler tell the source that the changes it was handed are durable downstream. */
public interface SourceAcknowledger {

  /**
   * Marks every change handed over so far as consumed: the source will not deliver them again
   * after a restart, and may tell the database to release them (e.g. a PostgreSQL slot's flushed
   * LSN). Call only after the changes are durably committed downstream.
   */
  void acknowledge() throws InterruptedException;

  /** The source position after this batch, human-readable (e.g. {@code lsn=0/16B3748}). */
  String position();
}
