package dev.cdcsync.api;

import java.util.Objects;

/**
 * One row change. Rows are {@code Object[]} aligned with {@link #schema()}'s columns, holding the
 * Java classes listed on {@link DataTypeRoot}; {@code null} is SQL NULL.
 *
 * <p>The arrays are handed over, not copied: whoever creates an event must not change them
 * afterwards. {@code before} is set for deletes, and for updates when the source provides it;
 * {@code after} is set for reads, inserts and updates.
 *
 * @param sourceTimestampMillis when the change was committed in the source (epoch milliseconds),
 *     or when it was read for snapshot rows
 */
public record DataChangeEvent(
    TableId tableId,
    Schema schema,
    OperationType operation,
    Object[] before,
    Object[] after,
    long sourceTimestampMillis) {

  public DataChangeEvent {
    Objects.requireNonNull(tableId, "tableId");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(operation, "operation");
    switch (operation) {
      case READ, INSERT, UPDATE -> Objects.requireNonNull(after, "after");
      case DELETE -> Objects.requireNonNull(before, "before");
      case TRUNCATE, DROP_TABLE -> {
        if (before != null || after != null) {
          throw new IllegalArgumentException("A " + operation + " event carries no row");
        }
      }
    }
  }

  public static DataChangeEvent read(TableId tableId, Schema schema, Object[] after, long ts) {
    return new DataChangeEvent(tableId, schema, OperationType.READ, null, after, ts);
  }

  public static DataChangeEvent insert(TableId tableId, Schema schema, Object[] after, long ts) {
    return new DataChangeEvent(tableId, schema, OperationType.INSERT, null, after, ts);
  }

  public static DataChangeEvent update(
      TableId tableId, Schema schema, Object[] before, Object[] after, long ts) {
    return new DataChangeEvent(tableId, schema, OperationType.UPDATE, before, after, ts);
  }

  public static DataChangeEvent delete(TableId tableId, Schema schema, Object[] before, long ts) {
    return new DataChangeEvent(tableId, schema, OperationType.DELETE, before, null, ts);
  }

  public static DataChangeEvent truncate(TableId tableId, Schema schema, long ts) {
    return new DataChangeEvent(tableId, schema, OperationType.TRUNCATE, null, null, ts);
  }

  /** The table was dropped; {@code schema} is its last known one, or empty. */
  public static DataChangeEvent dropTable(TableId tableId, Schema schema, long ts) {
    return new DataChangeEvent(tableId, schema, OperationType.DROP_TABLE, null, null, ts);
  }
}
