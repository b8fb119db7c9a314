package dev.cdcsync.api;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where a source is in its change log, in a form the pipeline can store in a checkpoint and hand
 * back to the source on restart. Opaque to the pipeline.
 *
 * @param offsets the source's own position entries (for Debezium: serialized partition to
 *     serialized offset)
 * @param description human-readable, e.g. {@code lsn=0/16B3748} or {@code mysql-bin.000003:1547}
 */
public record SourcePosition(Map<String, String> offsets, String description) {

  public SourcePosition {
    offsets = java.util.Collections.unmodifiableMap(new TreeMap<>(offsets));
    Objects.requireNonNull(description, "description");
  }

  /** The position before anything was read. */
  public static SourcePosition none() {
    return new SourcePosition(Map.of(), "");
  }

  @Override
  public String toString() {
    return description;
  }
}
