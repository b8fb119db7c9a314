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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Chooses the sink tables of each source table by the {@code route} rules, as Flink CDC does:
 * every rule whose {@code source-table} matches sends the table's changes to its {@code
 * sink-table} (in which {@code replace-symbol} stands for the source table's name, or {@code $1}
 * … for the groups {@code source-table} captured; with {@code route-mode: first_match} only the
 * first such rule), so one source table may feed several sink tables and several source tables
 * one sink table. A table no rule matches keeps its last two parts: {@code <database>.<table>} for
 * MySQL / MariaDB and {@code <schema>.<table>} for PostgreSQL.
 *
 * <p>A sink table that a rule fills from a pattern, or that several rules name, <em>merges</em>
 * tables: its columns are the union of theirs (see {@link SchemaMerger}); so does one that a rule
 * with groups names, unless the rule gives distinct tables distinct names ({@link
 * RouteRule#distinctSinkTables}).
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
      if (replaceSymbol != null) {
        return TableId.parse(sinkTable.replace(replaceSymbol, source.tableName()));
      }
      if (capturesGroups()) {
        for (TablePattern pattern : sources) {
          Matcher matcher = wholeName(pattern).matcher(lastParts(source, pattern));
          if (matcher.matches()) {
            return TableId.parse(matcher.replaceFirst(sinkTable));
          }
        }
      }
      return TableId.parse(sinkTable);
    }

    /**
     * Whether {@code sink-table} refers to the {@code source-table}'s capturing groups ({@code
     * $1}), as Flink CDC's regex replacement does; not with a replace-symbol.
     */
    boolean capturesGroups() {
      return replaceSymbol == null && GROUP_REFERENCE.matcher(sinkTable).find();
    }

    /**
     * Whether no two tables the rule matches can get the same sink table from its groups: each
     * part of each pattern is a name, or one group between fixed text ({@code db_(\\.*)}), every
     * group is referred to, and no two references touch ({@code $1$2} would join "a" + "bc" and
     * "ab" + "c" alike). Otherwise tables may share a sink table, which then counts as merged from
     * their first change on, before a second table is seen: a column one of them drops must not
     * be dropped from the others' rows.
     */
    boolean distinctSinkTables() {
      if (Pattern.compile("\\$\\d+\\$\\d").matcher(sinkTable).find()) {
        return false;
      }
      for (TablePattern pattern : sources) {
        int groups = 0;
        for (String part : pattern.parts()) {
          if (ONE_GROUP.matcher(part).matches()) {
            groups++;
          } else if (!FIXED_TEXT.matcher(part).matches()) {
            return false;
          }
        }
        for (int group = 1; group <= groups; group++) {
          if (!Pattern.compile("\\$" + group + "(?!\\d)").matcher(sinkTable).find()) {
            return false;
          }
        }
      }
      return true;
    }

    /** Whether the sink table is one name for every table the rule matches. */
    boolean fixedSinkTable() {
      return (replaceSymbol == null || !sinkTable.contains(replaceSymbol)) && !capturesGroups();
    }
  }

  /** A name without regular expression syntax. */
  private static final Pattern FIXED_TEXT = Pattern.compile("[A-Za-z0-9_-]*");

  /** One capturing group, without groups inside, between fixed text. */
  private static final Pattern ONE_GROUP =
      Pattern.compile("[A-Za-z0-9_-]*\\((?!\\?)[^()]*\\)[A-Za-z0-9_-]*");

  /**
   * A reference to a capturing group in a sink table ({@code $1}); no named groups, whose {@code
   * ${name}} a pipeline file reads as an environment variable.
   */
  private static final Pattern GROUP_REFERENCE = Pattern.compile("\\$(\\d+)");

  /** The pattern as one regex over the names it matches, joined by dots, groups numbered in order. */
  private static Pattern wholeName(TablePattern pattern) {
    return Pattern.compile(
        pattern.parts().stream()
            .map(part -> "(?:" + part + ")")
            .collect(Collectors.joining("\\.", "^", "$")),
        Pattern.CASE_INSENSITIVE);
  }

  /** The table id's last names, as many as the pattern has parts, joined by dots. */
  private static String lastParts(TableId table, TablePattern pattern) {
    List<String> names = table.parts();
    return String.join(".", names.subList(names.size() - pattern.parts().size(), names.size()));
  }

  private final List<RouteRule> rules;
  private final RouteMode mode;
  private final Set<TableId> mergedTables;
  private final Map<TableId, List<TableId>> cache = new ConcurrentHashMap<>();

  /** The sink tables that rules with groups named, which may hold several tables' rows. */
  private final Set<TableId> groupMerged = ConcurrentHashMap.newKeySet();

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
      String example =
          replaceSymbol == null
              ? GROUP_REFERENCE.matcher(sinkTable).replaceAll("g")
              : sinkTable.replace(replaceSymbol, "t");
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
      RouteRule checked = new RouteRule(rule, sources, sinkTable, replaceSymbol);
      if (checked.capturesGroups()) {
        requireGroups(checked);
      }
      rules.add(checked);
    }
    return new TableRouter(rules, mode);
  }

  /** Every group the sink table refers to is in each of the rule's patterns. */
  private static void requireGroups(RouteRule rule) {
    for (TablePattern pattern : rule.sources()) {
      Pattern whole = wholeName(pattern);
      int groups = whole.matcher("").groupCount();
      Matcher reference = GROUP_REFERENCE.matcher(rule.sinkTable());
      while (reference.find()) {
        String group = reference.group(1);
        if (Integer.parseInt(group) > groups) {
          throw new ConfigurationException(
              "Cannot use "
                  + rule.rule()
                  + ": sink-table refers to group $"
                  + group
                  + ", which source-table pattern '"
                  + String.join(".", pattern.parts())
                  + "' does not capture (it has "
                  + groups
                  + " group"
                  + (groups == 1 ? "" : "s")
                  + ")");
        }
      }
    }
  }

  /** The sink tables of a source table, at least one, in rule order. */
  public List<TableId> route(TableId sourceTable) {
    return cache.computeIfAbsent(sourceTable, this::resolve);
  }

  /**
   * Whether a sink table merges several source tables (its columns are the union of theirs): one
   * a rule fills from a pattern or several rules name, or one that a rule with capturing groups
   * named for a table, unless the rule gives distinct tables distinct sink tables.
   */
  public boolean merges(TableId sinkTable) {
    return mergedTables.contains(sinkTable) || groupMerged.contains(sinkTable);
  }

  private List<TableId> resolve(TableId source) {
    List<TableId> sinks = new ArrayList<>();
    for (RouteRule rule : rules) {
      if (rule.matches(source)) {
        TableId sink = rule.sinkTable(source);
        if (rule.capturesGroups() && !rule.distinctSinkTables()) {
          groupMerged.add(sink);
        }
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
