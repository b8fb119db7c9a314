package dev.cdcsync.api;

import java.util.List;

/**
 * Writes changes into tables. Changes are buffered (in files not yet visible) by {@link #write}
 * and become visible atomically per table by {@link #commit}.
 *
 * <p>Threading: one thread at a time; calls are never concurrent.
 */
public interface Sink extends AutoCloseable {

  /**
   * Buffers one change for the sink table; the table is created on first use from the event's
   * schema (its primary key becomes the table's key). Changes to one key within one commit apply
   * in the order written.
   */
  void write(TableId sinkTable, DataChangeEvent event) throws Exception;

  /**
   * Makes everything written since the previous commit visible, with at most one commit per
   * table, each recording {@code checkpoint}. Returns what was committed, one entry per table
   * that had changes. Writing after a commit starts the next one.
   */
  List<TableCommit> commit(Checkpoint checkpoint) throws Exception;

  /** Drops what was written and not committed, and releases resources. */
  @Override
  void close() throws Exception;
}
