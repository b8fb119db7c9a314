package dev.cdcsync.iceberg;

import dev.cdcsync.api.OperationType;
import java.util.List;
import org.apache.iceberg.types.Types;

/** The change columns an append (changelog) table carries besides the row image. */
final class AppendColumns {

  /** {@code +I} (insert or snapshot row), {@code +U} (update, after image), {@code -D} (delete, before image). */
  static final String OPERATION = "_cdc_op";

  /** When the change was committed in the source, epoch milliseconds. */
  static final String TIMESTAMP = "_cdc_ts_ms";

  /** Unique per change, increasing in source order. */
  static final String SEQUENCE = "_cdc_seq";

  private AppendColumns() {}

  static List<Types.NestedField> fields(int firstId) {
    return List.of(
        Types.NestedField.required(firstId, OPERATION, Types.StringType.get()),
        Types.NestedField.required(firstId + 1, TIMESTAMP, Types.LongType.get()),
        Types.NestedField.required(firstId + 2, SEQUENCE, Types.LongType.get()));
  }

  static boolean isChangeColumn(String name) {
    return name.equals(OPERATION) || name.equals(TIMESTAMP) || name.equals(SEQUENCE);
  }

  static String operation(OperationType operation) {
    return switch (operation) {
      case READ, INSERT -> "+I";
      case UPDATE -> "+U";
      case DELETE -> "-D";
      case TRUNCATE, DROP_TABLE ->
          throw new IllegalStateException(operation + " is not a row change");
    };
  }
}
