package dev.cdcsync.api;

import java.util.Objects;

/**
 * What one commit did to one sink table.
 *
 * @param changes the changes applied (inserts, updates and deletes)
 * @param maxSourceTimestampMillis the newest source commit time among them
 */
public record TableCommit(TableId sinkTable, long changes, long maxSourceTimestampMillis) {

  public TableCommit {
    Objects.requireNonNull(sinkTable, "sinkTable");
  }
}
