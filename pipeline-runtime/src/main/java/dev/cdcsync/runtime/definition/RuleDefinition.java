package dev.cdcsync.runtime.definition;

import dev.cdcsync.api.TablePatterns;
import dev.cdcsync.api.TablePatterns.TablePattern;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One item of a {@code route} or {@code transform} list, as written: its keys and their values.
 *
 * @param section {@code route} or {@code transform}
 * @param index the item's number in its list, from 1
 * @param line the line the item starts on
 */
public record RuleDefinition(String section, int index, int line, Map<String, ConfigValue> values) {

  /** The keys a route rule takes. */
  public static final List<String> ROUTE_KEYS =
      List.of("source-table", "sink-table", "replace-symbol", "description");

  /** The keys a transform rule takes. */
  public static final List<String> TRANSFORM_KEYS =
      List.of(
          "source-table",
          "projection",
          "filter",
          "primary-keys",
          "partition-keys",
          "table-options",
          "converter-after-transform",
          "description");

  public RuleDefinition {
    Objects.requireNonNull(section, "section");
    values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The value of a key, trimmed, if given and not blank. */
  public Optional<String> value(String key) {
    ConfigValue value = values.get(key);
    return value == null || value.text().isBlank()
        ? Optional.empty()
        : Optional.of(value.text().trim());
  }

  /** The line a key is on, or the rule's own line. */
  public int line(String key) {
    ConfigValue value = values.get(key);
    return value == null ? line : value.line();
  }

  /**
   * The rule's {@code source-table} patterns: as many parts as the source's table ids, or for
   * three-part ids also two ({@code schema.table}: Flink CDC's PostgreSQL table ids leave the
   * database out unless {@code table-id.include-database} is set), matched against their last two.
   *
   * @param tableIdFormat the source's table ids, e.g. {@code database.schema.table}
   * @throws dev.cdcsync.api.ConfigurationException naming the rule
   */
  public List<TablePattern> sourceTables(String tableIdFormat) {
    String[] parts = tableIdFormat.split("\\.");
    boolean threeParts = parts.length == 3;
    return TablePatterns.parse(
        describe() + " source-table",
        value("source-table").orElseThrow(),
        threeParts ? List.of(3, 2) : List.of(parts.length),
        threeParts ? tableIdFormat + " or " + parts[1] + "." + parts[2] : tableIdFormat);
  }

  /** Names the rule in messages, e.g. {@code route rule 2 (line 14)}. */
  public String describe() {
    return section + " rule " + index + " (line " + line + ")";
  }
}
