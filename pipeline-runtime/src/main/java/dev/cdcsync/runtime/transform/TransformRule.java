package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.api.TableLayout.PartitionKey;
import dev.cdcsync.api.TablePatterns.TablePattern;
import dev.cdcsync.runtime.definition.RuleDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code transform} rule, checked: which source tables it takes, its projection and filter
 * (see {@link TransformProgram}), and what it says of the sink table.
 *
 * @param rule names the rule in messages
 * @param projection the projection, or null for every column
 * @param filter the filter, or null
 * @param primaryKeys the sink table's key columns instead of the source's, or empty
 * @param softDelete whether deletes are written as rows whose {@code __data_event_type__} is -D
 *     ({@code converter-after-transform: SOFT_DELETE})
 * @param userFunctions the pipeline's user-defined functions its expressions may call
 */
public record TransformRule(
    String rule,
    List<TablePattern> sources,
    String projection,
    String filter,
    List<String> primaryKeys,
    TableLayout layout,
    boolean softDelete,
    UserFunctions userFunctions) {

  public TransformRule {
    sources = List.copyOf(sources);
    primaryKeys = List.copyOf(primaryKeys);
  }

  public boolean matches(TableId table) {
    return sources.stream().anyMatch(pattern -> pattern.matches(table));
  }

  /**
   * Checks a rule of a pipeline file: its table patterns, the syntax of its expressions, its
   * partition keys and table options.
   *
   * @throws ConfigurationException naming the rule, the key and its line
   */
  public static TransformRule of(RuleDefinition definition, String tableIdFormat) {
    return of(definition, tableIdFormat, UserFunctions.NONE);
  }

  /** As {@link #of(RuleDefinition, String)}, its expressions calling these functions too. */
  public static TransformRule of(
      RuleDefinition definition, String tableIdFormat, UserFunctions userFunctions) {
    String rule = definition.describe();
    List<TablePattern> sources = definition.sourceTables(tableIdFormat);
    String projection = definition.value("projection").orElse(null);
    String filter = definition.value("filter").orElse(null);
    TransformSyntax.check(rule, projection, filter, userFunctions);
    List<String> primaryKeys = names(definition.value("primary-keys").orElse(""));
    List<PartitionKey> partitionKeys = new ArrayList<>();
    for (String item : names(definition.value("partition-keys").orElse(""))) {
      partitionKeys.add(partitionKey(definition, item));
    }
    Map<String, String> properties = new LinkedHashMap<>();
    for (String item : names(definition.value("table-options").orElse(""))) {
      int equals = item.indexOf('=');
      if (equals <= 0) {
        throw new ConfigurationException(
            "Cannot use "
                + rule
                + ": line "
                + definition.line("table-options")
                + ": table-options must be key=value pairs separated by commas, but found: "
                + item);
      }
      properties.put(item.substring(0, equals).trim(), item.substring(equals + 1).trim());
    }
    boolean softDelete = false;
    String converter = definition.value("converter-after-transform").orElse(null);
    if (converter != null) {
      if (!converter.equalsIgnoreCase("SOFT_DELETE")) {
        throw new ConfigurationException(
            "Cannot use "
                + rule
                + ": line "
                + definition.line("converter-after-transform")
                + ": unknown converter-after-transform '"
                + converter
                + "'; available: SOFT_DELETE");
      }
      softDelete = true;
    }
    return new TransformRule(
        rule,
        sources,
        projection,
        filter,
        primaryKeys,
        new TableLayout(partitionKeys, properties, rule),
        softDelete,
        userFunctions);
  }

  private static PartitionKey partitionKey(RuleDefinition definition, String item) {
    return PartitionKey.parse(item).orElseThrow(() -> badPartitionKey(definition, item));
  }

  private static ConfigurationException badPartitionKey(RuleDefinition definition, String item) {
    return new ConfigurationException(
        "Cannot use "
            + definition.describe()
            + ": line "
            + definition.line("partition-keys")
            + ": cannot parse partition key '"
            + item
            + "'; write a column, or identity(c),"
            + " year(c), month(c), day(c), hour(c), bucket[N](c), truncate[W](c)");
  }

  private static List<String> names(String text) {
    List<String> names = new ArrayList<>();
    for (String part : text.split(",")) {
      if (!part.isBlank()) {
        names.add(part.trim());
      }
    }
    return names;
  }
}
