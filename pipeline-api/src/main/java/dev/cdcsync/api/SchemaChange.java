package dev.cdcsync.api;

import java.util.Objects;

/** One change to a sink table's columns, or to its comment. */
public sealed interface SchemaChange {

  /**
   * Whether every change only adds columns, widens types or changes comments, so rows already
   * written stay valid under the new columns.
   */
  static boolean additive(java.util.List<SchemaChange> changes) {
    return changes.stream()
        .allMatch(
            change ->
                change instanceof AddColumn
                    || change instanceof WidenColumnType
                    || change instanceof ColumnComment
                    || change instanceof TableComment);
  }

  /**
   * A new column, nullable; rows written before it read its {@link Column#defaultValue() default}.
   *
   * @param afterColumn the column it follows, or null to be first
   */
  record AddColumn(Column column, String afterColumn) implements SchemaChange {
    public AddColumn {
      Objects.requireNonNull(column, "column");
    }

    public String columnName() {
      return column.name();
    }
  }

  /** A column renamed in place: its history stays with it. */
  record RenameColumn(String oldName, String columnName) implements SchemaChange {
    public RenameColumn {
      Objects.requireNonNull(oldName, "oldName");
      Objects.requireNonNull(columnName, "columnName");
    }
  }

  record DropColumn(String columnName) implements SchemaChange {
    public DropColumn {
      Objects.requireNonNull(columnName, "columnName");
    }
  }

  /** A type change the sink can apply without rewriting data (int to bigint, wider decimals). */
  record WidenColumnType(String columnName, DataType from, DataType to) implements SchemaChange {
    public WidenColumnType {
      Objects.requireNonNull(columnName, "columnName");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
    }
  }

  /** The source's new comment on a column, the sink column's doc. */
  record ColumnComment(String columnName, String comment) implements SchemaChange {
    public ColumnComment {
      Objects.requireNonNull(columnName, "columnName");
      Objects.requireNonNull(comment, "comment");
    }
  }

  /** The source table's new comment, the sink table's. */
  record TableComment(String comment) implements SchemaChange {
    public TableComment {
      Objects.requireNonNull(comment, "comment");
    }
  }
}
