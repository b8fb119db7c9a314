package dev.cdcsync.runtime.checkpoint;

import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What checkpoint {@code id} commits: the source position it reaches and, per sink table, the
 * sink's description of the prepared files. Written before any table is committed, so that a
 * restarted pipeline can finish the commit and resume exactly after {@code position}.
 */
public record CheckpointRecord(
    long id,
    String pipeline,
    long epoch,
    Instant createdAt,
    SourcePosition position,
    Map<TableId, byte[]> tables) {

  public CheckpointRecord {
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(position, "position");
    tables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }
}
