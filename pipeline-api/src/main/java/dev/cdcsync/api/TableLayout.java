package dev.cdcsync.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a sink creates a table it does not have yet, as a transform rule asks: its partitioning and
 * table properties. A table that exists keeps its own.
 *
 * @param partitionKeys the partition fields, in order
 * @param properties table properties on top of the sink's own
 * @param origin names the rule that asked for it, for messages
 */
public record TableLayout(
    List<PartitionKey> partitionKeys, Map<String, String> properties, String origin) {

  public static final TableLayout DEFAULT =
      new TableLayout(List.of(), Map.of(), "the sink's defaults");

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

    private static final Pattern SYNTAX =
        Pattern.compile("(?:(\\w+)(?:\\[(\\d+)])?\\(\\s*([^()\\s]+)\\s*\\)|([^()\\s\\[\\]]+))");

    /** The syntax, for messages. */
    public static final String FORMAT =
        "a column, or identity(c), year(c), month(c), day(c), hour(c), bucket[N](c), truncate[W](c)";

    /**
     * Reads {@code id}, {@code day(created_at)}, {@code bucket[16](id)}, {@code truncate[4](name)}
     * (Flink CDC's syntax, plural transform names too); empty when the text is none of these.
     */
    public static Optional<PartitionKey> parse(String text) {
      Matcher matcher = SYNTAX.matcher(text.trim());
      if (!matcher.matches()) {
        return Optional.empty();
      }
      if (matcher.group(4) != null) {
        return Optional.of(new PartitionKey(PartitionTransform.IDENTITY, matcher.group(4), 0));
      }
      String column = matcher.group(3);
      int width = matcher.group(2) == null ? 0 : Integer.parseInt(matcher.group(2));
      PartitionTransform transform =
          switch (matcher.group(1).toLowerCase(Locale.ROOT)) {
            case "identity" -> PartitionTransform.IDENTITY;
            case "year", "years" -> PartitionTransform.YEAR;
            case "month", "months" -> PartitionTransform.MONTH;
            case "day", "days" -> PartitionTransform.DAY;
            case "hour", "hours" -> PartitionTransform.HOUR;
            case "bucket" -> PartitionTransform.BUCKET;
            case "truncate" -> PartitionTransform.TRUNCATE;
            default -> null;
          };
      boolean needsWidth =
          transform == PartitionTransform.BUCKET || transform == PartitionTransform.TRUNCATE;
      if (transform == null || needsWidth != (width > 0)) {
        return Optional.empty();
      }
      return Optional.of(new PartitionKey(transform, column, width));
    }

    public PartitionKey {
      Objects.requireNonNull(transform, "transform");
      Objects.requireNonNull(column, "column");
      if ((transform == PartitionTransform.BUCKET || transform == PartitionTransform.TRUNCATE)
          != (width > 0)) {
        throw new IllegalArgumentException(
            "Cannot create partition key: width " + width + " for " + transform);
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
