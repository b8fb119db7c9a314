package dev.cdcsync.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a sink creates a table it does not have yet, as a transform rule asks: its partitioning and
 * table properties. A table that exists keeps its own.
 *
 * @param partitionKeys the partition fields, in order
 * @param properties table properties on top of the sink's own
 * @param origin names the rule that asked for it, for messages
 */
public record TableLayout(List<PartitionKey> partitionKeys, Map<String, String> properties, String origin) {

  public static final TableLayout DEFAULT = new TableLayout(List.of(), Map.of(), "the sink's defaults");

  public TableLayout {
    partitionKeys = List.copyOf(partitionKeys);
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    Objects.requireNonNull(origin, "origin");
  }

  /**
   * One partition field: a column and how its values are grouped.
   *
   * @param width the bucket count or truncation width; 0 for the other transforms
   */
  public record PartitionKey(PartitionTransform transform, String column, int width) {
    public PartitionKey {
      Objects.requireNonNull(transform, "transform");
      Objects.requireNonNull(column, "column");
      if ((transform == PartitionTransform.BUCKET || transform == PartitionTransform.TRUNCATE) != (width > 0)) {
        throw new IllegalArgumentException("Cannot create partition key: width " + width + " for " + transform);
      }
    }
  }

  /** Iceberg's partition transforms. */
  public enum PartitionTransform {
    IDENTITY,
    YEAR,
    MONTH,
    DAY,
    HOUR,
    BUCKET,
    TRUNCATE
  }
}
