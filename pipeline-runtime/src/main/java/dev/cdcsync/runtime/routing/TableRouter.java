package dev.cdcsync.runtime.routing;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TablePatterns.TablePattern;
import dev.cdcsync.runtime.definition.PipelineOptions.RouteMode;
import dev.cdcsync.runtime.definition.RuleDefinition;
import dev.cdcsync.runtime.schema.SchemaMerger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the sink tables of each source table by the {@code route} rules, as Flink CDC does:
 * every rule whose {@code source-table} matches sends the table's changes to its {@code
 * sink-table} (in which {@code replace-symbol} stands for the source table's name; with {@code
 * route-mode: first_match} only the first such rule), so one source
 * table may feed several sink tables and several source tables one sink table. A table no rule
 * matches keeps its last two parts: {@code <database>.<table>} for MySQL / MariaDB and {@code
 * <schema>.<table>} for PostgreSQL.
 *
 * <p>A sink table that a rule fills from a pattern, or that several rules name, <em>merges</em>
 * tables: its columns are the union of theirs (see {@link SchemaMerger}).
 */
public final class TableRouter {

  /** One route rule, checked. */
  public record RouteRule(
      String rule, List<TablePattern> sources, String sinkTable, String replaceSymbol) {
    public RouteRule {
      sources = List.copyOf(sources);
    }

    boolean matches(TableId table) {
      return sources.stream().anyMatch(pattern -> pattern.matches(table));
    }

    TableId sinkTable(TableId source) {
      String name =
          replaceSymbol == null ? sinkTable : sinkTable.replace(replaceSymbol, source.tableName());
      return TableId.parse(name);
    }

    /** Whether the sink table is one name for every table the rule matches. */
    boolean fixedSinkTable() {
      return replaceSymbol == null || !sinkTable.contains(replaceSymbol);
    }
  }

  private final List<RouteRule> rules;
  private final RouteMode mode;
  private final Set<TableId> mergedTables;
  private final Map<TableId, List<TableId>> cache = new ConcurrentHashMap<>();

  /** A router without rules. */
  public TableRouter() {
    this(List.of());
  }

  public TableRouter(List<RouteRule> rules) {
    this(rules, RouteMode.ALL_MATCH);
  }

  public TableRouter(List<RouteRule> rules, RouteMode mode) {
    this.rules = List.copyOf(rules);
    this.mode = java.util.Objects.requireNonNull(mode, "mode");
    Map<TableId, Integer> named = new HashMap<>();
    Set<TableId> merged = new HashSet<>();
    for (RouteRule rule : rules) {
      if (rule.fixedSinkTable()) {
        TableId sink = TableId.parse(rule.sinkTable());
        named.merge(sink, 1, Integer::sum);
        if (rule.sources().size() > 1 || !rule.sources().get(0).isLiteral()) {
          merged.add(sink);
        }
      }
    }
    named.forEach(
        (sink, count) -> {
          if (count > 1) {
            merged.add(sink);
          }
        });
    this.mergedTables = Set.copyOf(merged);
  }

  /**
   * Checks the rules of a pipeline file.
   *
   * @param tableIdFormat the source's table ids, e.g. {@code database.schema.table}
   * @throws ConfigurationException naming the rule and its line
   */
  public static TableRouter of(List<RuleDefinition> definitions, String tableIdFormat) {
    return of(definitions, tableIdFormat, RouteMode.ALL_MATCH);
  }

  /** As {@link #of(List, String)}, applying the rules as {@code mode} says. */
  public static TableRouter of(
      List<RuleDefinition> definitions, String tableIdFormat, RouteMode mode) {
    List<RouteRule> rules = new ArrayList<>();
    for (RuleDefinition definition : definitions) {
      String rule = definition.describe();
      List<TablePattern> sources = definition.sourceTables(tableIdFormat);
      String sinkTable = definition.value("sink-table").orElseThrow();
      String replaceSymbol = definition.value("replace-symbol").orElse(null);
      String example = replaceSymbol == null ? sinkTable : sinkTable.replace(replaceSymbol, "t");
      try {
        TableId.parse(example);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(
            "Cannot use " + rule + ": sink-table must be [namespace.][schema.]table: " + sinkTable);
      }
      if (example.isBlank()
          || example.startsWith(".")
          || example.endsWith(".")
          || example.contains("..")) {
        throw new ConfigurationException(
            "Cannot use " + rule + ": sink-table has an empty part: " + sinkTable);
      }
      rules.add(new RouteRule(rule, sources, sinkTable, replaceSymbol));
    }
    return new TableRouter(rules, mode);
  }

  /** The sink tables of a source table, at least one, in rule order. */
  public List<TableId> route(TableId sourceTable) {
    return cache.computeIfAbsent(sourceTable, this::resolve);
  }

  /** Whether a sink table merges several source tables (its columns are the union of theirs). */
  public boolean merges(TableId sinkTable) {
    return mergedTables.contains(sinkTable);
  }

  private List<TableId> resolve(TableId source) {
    List<TableId> sinks = new ArrayList<>();
    for (RouteRule rule : rules) {
      if (rule.matches(source)) {
        TableId sink = rule.sinkTable(source);
        if (!sinks.contains(sink)) {
          sinks.add(sink);
        }
        if (mode == RouteMode.FIRST_MATCH) {
          break;
        }
      }
    }
    if (sinks.isEmpty()) {
      sinks.add(TableId.of(source.schemaName(), source.tableName()));
    }
    return List.copyOf(sinks);
  }
}
