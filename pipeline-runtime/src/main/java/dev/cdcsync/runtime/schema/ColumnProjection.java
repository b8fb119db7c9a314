package dev.cdcsync.runtime.schema;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rewrites a source table's changes for its sink table when the schema change behavior sends some
 * columns' values elsewhere or not at all (see {@link SchemaEvolver.Plan}).
 */
public final class ColumnProjection {

  private final Schema target;
  private final int[] sourceIndexes;

  private ColumnProjection(Schema target, int[] sourceIndexes) {
    this.target = target;
    this.sourceIndexes = sourceIndexes;
  }

  /** The projection for rows of {@code source}, or null when rows pass as they are. */
  public static ColumnProjection of(
      Schema source, Map<String, String> redirects, Set<String> unwritten) {
    if (redirects.isEmpty() && unwritten.isEmpty()) {
      return null;
    }
    List<Column> columns = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < source.size(); i++) {
      Column column = source.columns().get(i);
      if (!unwritten.contains(column.name())) {
        columns.add(
            Column.of(redirects.getOrDefault(column.name(), column.name()), column.type())
                .withComment(column.comment()));
        indexes.add(i);
      }
    }
    Map<String, String> renamedFrom = new LinkedHashMap<>();
    source
        .renamedFrom()
        .forEach(
            (to, from) -> {
              if (!unwritten.contains(to)) {
                renamedFrom.put(redirects.getOrDefault(to, to), from);
              }
            });
    Schema target = new Schema(columns, source.primaryKeys(), renamedFrom, source.comment());
    return new ColumnProjection(target, indexes.stream().mapToInt(Integer::intValue).toArray());
  }

  public DataChangeEvent apply(DataChangeEvent event) {
    return new DataChangeEvent(
        event.tableId(),
        target,
        event.operation(),
        project(event.before()),
        project(event.after()),
        event.sourceTimestampMillis());
  }

  private Object[] project(Object[] row) {
    if (row == null) {
      return null;
    }
    Object[] projected = new Object[sourceIndexes.length];
    for (int i = 0; i < sourceIndexes.length; i++) {
      projected[i] = row[sourceIndexes[i]];
    }
    return projected;
  }
}
