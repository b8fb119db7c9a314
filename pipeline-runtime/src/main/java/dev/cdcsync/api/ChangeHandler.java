package dev.cdcsync.api;

import java.util.List;

/** Receives a source's changes, in source order. */
@FunctionalInterface
public interface ChangeHandler {

  /**
   * Takes one batch of changes.
   *
   * @param events the changes, possibly none (the source calls in regularly even when the
   *     database is idle, so that the handler can commit and acknowledge on time)
   * @param acknowledger acknowledges every change handed over so far, up to the end of this batch;
   *     valid until the next call of this method; it may be called from another thread, provided
   *     calls of acknowledgers never overlap
   */
  void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger)
      throws InterruptedException;
}
