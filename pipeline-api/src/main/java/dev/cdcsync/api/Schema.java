package dev.cdcsync.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns of a table, in source order, and its primary key (possibly empty). Rows of a table
 * are {@code Object[]} aligned with {@link #columns()}.
 *
 * @param renamedFrom for columns the source reported as renamed since the previous schema of the
 *     table: new name to old name (empty when the source cannot tell renames from drop and add)
 * @param comment the source table's comment (source option {@code include-comments.enabled});
 *     null when it has none
 */
public record Schema(
    List<Column> columns,
    List<String> primaryKeys,
    Map<String, String> renamedFrom,
    String comment) {

  public Schema {
    columns = List.copyOf(columns);
    primaryKeys = List.copyOf(primaryKeys);
    renamedFrom = Map.copyOf(renamedFrom);
    Map<String, Column> byName = new HashMap<>();
    for (Column column : columns) {
      if (byName.put(column.name(), column) != null) {
        throw new IllegalArgumentException(
            "Cannot create schema: duplicate column: " + column.name());
      }
    }
    for (String key : primaryKeys) {
      if (!byName.containsKey(key)) {
        throw new IllegalArgumentException(
            "Cannot create schema: primary key column is not a column: " + key);
      }
    }
  }

  public Schema(List<Column> columns, List<String> primaryKeys, Map<String, String> renamedFrom) {
    this(columns, primaryKeys, renamedFrom, null);
  }

  public static Schema of(List<Column> columns, List<String> primaryKeys) {
    return new Schema(columns, primaryKeys, Map.of());
  }

  /** The position of a column, or -1. */
  public int indexOf(String columnName) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(columnName)) {
        return i;
      }
    }
    return -1;
  }

  public Column column(String columnName) {
    int index = indexOf(columnName);
    if (index < 0) {
      throw new IllegalArgumentException("No such column: " + columnName);
    }
    return columns.get(index);
  }

  public boolean hasPrimaryKey() {
    return !primaryKeys.isEmpty();
  }

  public int size() {
    return columns.size();
  }
}
