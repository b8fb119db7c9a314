package dev.cdcsync.runtime.schema;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.SchemaChange.AddColumn;
import dev.cdcsync.api.SchemaChange.ColumnComment;
import dev.cdcsync.api.SchemaChange.DropColumn;
import dev.cdcsync.api.SchemaChange.RenameColumn;
import dev.cdcsync.api.SchemaChange.TableComment;
import dev.cdcsync.api.SchemaChange.WidenColumnType;
import dev.cdcsync.api.TableId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Compares a source table's columns with its sink table's and decides, by {@link
 * SchemaChangeBehavior} and {@link SchemaChangeFilter}, which changes the sink applies and how
 * rows reach it. Comparing states rather than replaying DDL makes applying a change twice (after a
 * crash) a no-op.
 *
 * <p>A type change Iceberg cannot express (e.g. int to string) never stops lenient or try_evolve
 * pipelines and never loses a value: from then on the column's values go to a new column named
 * {@code <column>__<type>} (e.g. {@code price__string}) and the old column keeps the earlier ones.
 */
public final class SchemaEvolver {

  /**
   * The decision for one table.
   *
   * @param apply the changes the sink makes, in order
   * @param redirects source columns whose values go to a sink column of another name
   * @param unwritten source columns whose values are not written
   * @param notes what was done or skipped, for the log
   */
  public record Plan(
      List<SchemaChange> apply,
      Map<String, String> redirects,
      Set<String> unwritten,
      List<String> notes) {
    public Plan {
      apply = List.copyOf(apply);
      redirects = Map.copyOf(redirects);
      unwritten = Set.copyOf(unwritten);
      notes = List.copyOf(notes);
    }
  }

  private final SchemaChangeBehavior behavior;
  private final SchemaChangeFilter filter;

  public SchemaEvolver(SchemaChangeBehavior behavior) {
    this(behavior, SchemaChangeFilter.ALL);
  }

  public SchemaEvolver(SchemaChangeBehavior behavior, SchemaChangeFilter filter) {
    this.behavior = behavior;
    this.filter = filter;
  }

  public SchemaChangeBehavior behavior() {
    return behavior;
  }

  /**
   * Whether a source TRUNCATE empties the sink table: under evolve and try_evolve; exception
   * stops the pipeline; lenient and ignore leave the rows; never when truncate.table is left out.
   */
  public boolean appliesTruncate(TableId table) {
    return appliesTableChange(table, SchemaChangeKind.TRUNCATE_TABLE, "it was truncated");
  }

  /** Whether a source DROP TABLE drops the sink table; as {@link #appliesTruncate}. */
  public boolean appliesDropTable(TableId table) {
    return appliesTableChange(table, SchemaChangeKind.DROP_TABLE, "it was dropped");
  }

  /** Stops the pipeline when a sink table must not be created (create.table is left out). */
  public void checkCreateTable(TableId table) {
    if (!filter.includes(SchemaChangeKind.CREATE_TABLE)) {
      throw new PermanentPipelineException(
          "Cannot create sink table "
              + table
              + ": create.table is not among the schema changes"
              + " the sink takes (sink options include.schema.changes / exclude.schema.changes);"
              + " create the table, or let create.table through");
    }
  }

  private boolean appliesTableChange(TableId table, SchemaChangeKind kind, String what) {
    if (!filter.includes(kind)) {
      return false;
    }
    return switch (behavior) {
      case EVOLVE, TRY_EVOLVE -> true;
      case LENIENT, IGNORE -> false;
      case EXCEPTION ->
          throw new PermanentPipelineException(
              "Cannot apply a schema change to table "
                  + table
                  + ": "
                  + what
                  + "; pipeline.schema.change.behavior is exception");
    };
  }

  public Plan plan(TableId table, Schema sink, Schema source) {
    Decision decision = new Decision(table);
    String previous = null;
    for (Column column : source.columns()) {
      String name = column.name();
      int index = sink.indexOf(name);
      String oldName = source.renamedFrom().get(name);
      if (index < 0
          && oldName != null
          && sink.indexOf(oldName) >= 0
          && source.indexOf(oldName) < 0
          && behavior != SchemaChangeBehavior.LENIENT
          && filter.includes(SchemaChangeKind.RENAME_COLUMN)) {
        // Lenient adds the new name instead and keeps the old column (Flink CDC's semantics).
        if (decision.decide(
            new RenameColumn(oldName, name), "renamed column " + oldName + " to " + name)) {
          decision.kept.add(oldName);
        } else {
          decision.unwritten.add(name);
        }
      } else if (index < 0) {
        String change = "added column " + name + " " + column.type();
        // A renamed column added under its new name holds the old column's values, not its default.
        Column added = oldName == null ? column : column.withoutDefault();
        if (!filter.includes(SchemaChangeKind.ADD_COLUMN)) {
          decision.leaveOut(name, change, SchemaChangeKind.ADD_COLUMN);
        } else if (!decision.decide(new AddColumn(added, previous), change)) {
          decision.unwritten.add(name);
        }
      } else {
        planType(decision, sink, source, column, sink.columns().get(index).type());
        planComment(decision, column, sink.columns().get(index).comment());
      }
      previous = name;
    }
    if (source.comment() != null
        && !source.comment().equals(sink.comment())
        && filter.includes(SchemaChangeKind.ALTER_TABLE_COMMENT)) {
      decision.decide(new TableComment(source.comment()), "table comment changed");
    }
    for (Column column : sink.columns()) {
      String name = column.name();
      if (source.indexOf(name) >= 0
          || decision.kept.contains(name)
          || isOverflowColumn(name, source)) {
        continue;
      }
      String change = "dropped column " + name;
      if (behavior == SchemaChangeBehavior.LENIENT
          || !filter.includes(SchemaChangeKind.DROP_COLUMN)) {
        decision.notes.add(change + ": kept in the sink table, null from now on");
      } else {
        decision.decide(new DropColumn(name), change);
      }
    }
    for (String key : source.primaryKeys()) {
      if (decision.unwritten.contains(key) || decision.redirects.containsKey(key)) {
        throw new PermanentPipelineException(
            "Cannot apply a schema change to table "
                + decision.table
                + ": the values of key column "
                + key
                + " would no longer reach it ("
                + String.join("; ", decision.notes)
                + "); recreate the table, or set pipeline.schema.change.behavior to evolve");
      }
    }
    return new Plan(decision.apply, decision.redirects, decision.unwritten, decision.notes);
  }

  private void planType(
      Decision decision, Schema sink, Schema source, Column column, DataType sinkType) {
    DataType to = column.type();
    if (fits(to, sinkType)) {
      return;
    }
    String name = column.name();
    String change = "column " + name + " changed type from " + sinkType + " to " + to;
    if (!filter.includes(SchemaChangeKind.ALTER_COLUMN_TYPE)) {
      overflow(
          decision,
          sink,
          column,
          change + " (alter.column.type is not among the sink's schema changes)");
    } else if (widens(sinkType, to)) {
      if (!decision.decide(new WidenColumnType(name, sinkType, to), change)) {
        decision.unwritten.add(name);
      }
    } else {
      switch (behavior) {
        case EXCEPTION, EVOLVE ->
            throw new PermanentPipelineException(
                "Cannot apply a schema change to table "
                    + decision.table
                    + ": "
                    + change
                    + ", which Iceberg cannot express; recreate the table, or set"
                    + " pipeline.schema.change.behavior to lenient or try_evolve to write the new"
                    + " values to a new column");
        case IGNORE -> {
          decision.unwritten.add(name);
          decision.notes.add(
              change
                  + ": ignored (pipeline.schema.change.behavior is ignore);"
                  + " its values are not written");
        }
        case LENIENT, TRY_EVOLVE ->
            overflow(decision, sink, column, change + ", which Iceberg cannot express");
      }
    }
  }

  /**
   * A column comment the source gives and the sink column's doc lacks. A comment travels as part
   * of the column's type, as in Flink CDC (alter.column.type); one the source drops stays.
   */
  private void planComment(Decision decision, Column column, String sinkComment) {
    if (column.comment() != null
        && !column.comment().equals(sinkComment)
        && filter.includes(SchemaChangeKind.ALTER_COLUMN_TYPE)) {
      decision.decide(
          new ColumnComment(column.name(), column.comment()),
          "column " + column.name() + " comment changed");
    }
  }

  /** Sends a column's values, of a type its sink column cannot hold, to {@code <column>__<type>}. */
  private static void overflow(Decision decision, Schema sink, Column column, String change) {
    String overflow = overflowName(column.name(), column.type().root());
    int index = sink.indexOf(overflow);
    if (index < 0) {
      decision.apply.add(new AddColumn(Column.of(overflow, column.type()), column.name()));
      decision.notes.add(
          change
              + ": its values go to new column "
              + overflow
              + " from now on; "
              + column.name()
              + " keeps the earlier ones");
    } else {
      DataType overflowType = sink.columns().get(index).type();
      if (widens(overflowType, column.type())) {
        decision.apply.add(new WidenColumnType(overflow, overflowType, column.type()));
      } else if (!fits(column.type(), overflowType)) {
        throw new PermanentPipelineException(
            "Cannot apply a schema change to table "
                + decision.table
                + ": "
                + change
                + ", and its column "
                + overflow
                + " has type "
                + overflowType
                + ", which cannot hold "
                + column.type()
                + " either; recreate the table");
      }
      decision.notes.add(change + ": its values go to column " + overflow);
    }
    decision.redirects.put(column.name(), overflow);
    decision.kept.add(overflow);
  }

  static String overflowName(String column, DataTypeRoot root) {
    return column + "__" + root.name().toLowerCase(Locale.ROOT);
  }

  /** Whether a sink column holds the values of a source column whose type changed. */
  private static boolean isOverflowColumn(String sinkColumn, Schema source) {
    for (Column column : source.columns()) {
      for (DataTypeRoot root : DataTypeRoot.values()) {
        if (sinkColumn.equals(overflowName(column.name(), root))) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether values of {@code source} fit a column of {@code sink} as they are. */
  static boolean fits(DataType source, DataType sink) {
    return source.equals(sink) || widens(source, sink);
  }

  /** Whether Iceberg can change a column from {@code from} to {@code to} in place. */
  static boolean widens(DataType from, DataType to) {
    return (from.root() == DataTypeRoot.INT && to.root() == DataTypeRoot.BIGINT)
        || (from.root() == DataTypeRoot.FLOAT && to.root() == DataTypeRoot.DOUBLE)
        || (from.root() == DataTypeRoot.DECIMAL
            && to.root() == DataTypeRoot.DECIMAL
            && from.scale() == to.scale()
            && to.precision() > from.precision());
  }

  /** The plan being built for one table. */
  private final class Decision {
    final TableId table;
    final List<SchemaChange> apply = new ArrayList<>();
    final Map<String, String> redirects = new LinkedHashMap<>();
    final Set<String> unwritten = new HashSet<>();
    final Set<String> kept = new HashSet<>();
    final List<String> notes = new ArrayList<>();

    Decision(TableId table) {
      this.table = table;
    }

    /** Applies a change as the behavior says; false when it is ignored. */
    boolean decide(SchemaChange change, String description) {
      switch (behavior) {
        case EXCEPTION ->
            throw new PermanentPipelineException(
                "Cannot apply a schema change to table "
                    + table
                    + ": "
                    + description
                    + "; pipeline.schema.change.behavior is exception");
        case EVOLVE, TRY_EVOLVE, LENIENT -> {
          apply.add(change);
          notes.add(description + ": applied");
          return true;
        }
        case IGNORE -> {
          notes.add(description + ": ignored (pipeline.schema.change.behavior is ignore)");
          return false;
        }
      }
      throw new IllegalStateException("Unknown behavior " + behavior);
    }

    void leaveOut(String column, String change, SchemaChangeKind kind) {
      unwritten.add(column);
      notes.add(
          change
              + ": not applied ("
              + kind.optionName()
              + " is not among the sink's schema"
              + " changes); its values are not written");
    }
  }
}
