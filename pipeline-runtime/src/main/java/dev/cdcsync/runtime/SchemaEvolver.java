package dev.cdcsync.runtime;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.SchemaChange.AddColumn;
import dev.cdcsync.api.SchemaChange.DropColumn;
import dev.cdcsync.api.SchemaChange.RenameColumn;
import dev.cdcsync.api.SchemaChange.WidenColumnType;
import dev.cdcsync.api.TableId;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares a source table's columns with its sink table's and decides, by {@link
 * SchemaChangeBehavior}, which changes the sink applies. Comparing states rather than replaying
 * DDL makes applying a change twice (after a crash) a no-op.
 */
public final class SchemaEvolver {

  /**
   * The decision for one table.
   *
   * @param apply the changes the sink makes, in order
   * @param notes what was done or skipped, for the log
   */
  public record Plan(List<SchemaChange> apply, List<String> notes) {
    public Plan {
      apply = List.copyOf(apply);
      notes = List.copyOf(notes);
    }
  }

  private final SchemaChangeBehavior behavior;

  public SchemaEvolver(SchemaChangeBehavior behavior) {
    this.behavior = behavior;
  }

  public SchemaChangeBehavior behavior() {
    return behavior;
  }

  /**
   * Whether a source TRUNCATE empties the sink table: under evolve and try_evolve; exception
   * stops the pipeline; lenient and ignore leave the rows.
   */
  public boolean appliesTruncate(TableId table) {
    return switch (behavior) {
      case EVOLVE, TRY_EVOLVE -> true;
      case LENIENT, IGNORE -> false;
      case EXCEPTION -> throw new PermanentPipelineException(
          "Cannot apply a schema change to table " + table + ": it was truncated;"
              + " pipeline.schema.change.behavior is exception");
    };
  }

  public Plan plan(TableId table, Schema sink, Schema source) {
    List<SchemaChange> apply = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    java.util.Set<String> renamedAway = new java.util.HashSet<>();
    String previous = null;
    for (Column column : source.columns()) {
      int index = sink.indexOf(column.name());
      String oldName = source.renamedFrom().get(column.name());
      if (index < 0
          && oldName != null
          && sink.indexOf(oldName) >= 0
          && source.indexOf(oldName) < 0
          && behavior != SchemaChangeBehavior.LENIENT) {
        // Lenient adds the new name instead and keeps the old column (Flink CDC's semantics).
        decide(table, new RenameColumn(oldName, column.name()), "renamed column " + oldName + " to " + column.name(), apply, notes);
        renamedAway.add(oldName);
      } else if (index < 0) {
        decide(table, new AddColumn(column, previous), "added column " + column.name() + " " + column.type(), apply, notes);
      } else {
        DataType from = sink.columns().get(index).type();
        DataType to = column.type();
        // A narrower source type (e.g. int into a bigint column) fits as it is.
        if (!from.equals(to) && !widens(to, from)) {
          String change = "column " + column.name() + " changed type from " + from + " to " + to;
          if (widens(from, to)) {
            decide(table, new WidenColumnType(column.name(), from, to), change, apply, notes);
          } else if (behavior == SchemaChangeBehavior.EXCEPTION || behavior == SchemaChangeBehavior.EVOLVE) {
            throw new PermanentPipelineException(
                "Cannot apply a schema change to table " + table + ": " + change
                    + ", which Iceberg cannot express; recreate the table, or set"
                    + " pipeline.schema.change.behavior to lenient to keep the old column type");
          } else {
            notes.add(change + ": Iceberg cannot change it, so the column keeps type " + from
                + " and values that do not fit stop the pipeline");
          }
        }
      }
      previous = column.name();
    }
    for (Column column : sink.columns()) {
      if (source.indexOf(column.name()) < 0 && !renamedAway.contains(column.name())) {
        String change = "dropped column " + column.name();
        if (behavior == SchemaChangeBehavior.LENIENT) {
          notes.add(change + ": kept in the sink table, null from now on");
        } else {
          decide(table, new DropColumn(column.name()), change, apply, notes);
        }
      }
    }
    return new Plan(apply, notes);
  }

  private void decide(TableId table, SchemaChange change, String description, List<SchemaChange> apply, List<String> notes) {
    switch (behavior) {
      case EXCEPTION -> throw new PermanentPipelineException(
          "Cannot apply a schema change to table " + table + ": " + description
              + "; pipeline.schema.change.behavior is exception");
      case EVOLVE, TRY_EVOLVE, LENIENT -> {
        apply.add(change);
        notes.add(description + ": applied");
      }
      case IGNORE -> notes.add(description + ": ignored (pipeline.schema.change.behavior is ignore)");
    }
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
}
