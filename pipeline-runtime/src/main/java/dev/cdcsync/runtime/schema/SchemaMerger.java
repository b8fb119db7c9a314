package dev.cdcsync.runtime.schema;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The columns of a sink table that merges several source tables (sharded tables routed to one
 * table): every column any of them has, each of a type that holds the values of all, widened as
 * Flink CDC does — integers to the wider integer or a decimal that holds them, decimals to the
 * larger integer part and scale, floating point to DOUBLE, anything else that differs to STRING.
 * Columns are never dropped from a merged table: a column one source table lacks is null in its
 * rows.
 */
public final class SchemaMerger {

  private SchemaMerger() {}

  /** The sink's columns, with the source's added after them and types widened to hold both. */
  public static Schema merge(Schema sink, Schema source) {
    List<Column> columns = new ArrayList<>();
    for (Column column : sink.columns()) {
      int index = source.indexOf(column.name());
      columns.add(
          index < 0
              ? column
              : Column.of(
                  column.name(), widest(column.type(), source.columns().get(index).type())));
    }
    for (Column column : source.columns()) {
      if (sink.indexOf(column.name()) < 0) {
        columns.add(column);
      }
    }
    return Schema.of(columns, sink.hasPrimaryKey() ? sink.primaryKeys() : source.primaryKeys());
  }

  /** The narrowest type that holds every value of both. */
  static DataType widest(DataType a, DataType b) {
    if (a.equals(b)) {
      return a;
    }
    DataTypeRoot x = a.root();
    DataTypeRoot y = b.root();
    if (integer(x) && integer(y)) {
      return DataType.of(DataTypeRoot.BIGINT);
    }
    if ((x == DataTypeRoot.FLOAT || x == DataTypeRoot.DOUBLE)
        && (y == DataTypeRoot.FLOAT || y == DataTypeRoot.DOUBLE)) {
      return DataType.of(DataTypeRoot.DOUBLE);
    }
    if (exact(x) && exact(y)) {
      DataType p = asDecimal(a);
      DataType q = asDecimal(b);
      int scale = Math.max(p.scale(), q.scale());
      int integerDigits = Math.max(p.precision() - p.scale(), q.precision() - q.scale());
      if (integerDigits + scale > DataType.MAX_DECIMAL_PRECISION) {
        return DataType.of(DataTypeRoot.STRING);
      }
      return DataType.decimal(integerDigits + scale, scale);
    }
    if (numeric(x) && numeric(y)) {
      return DataType.of(DataTypeRoot.DOUBLE);
    }
    return DataType.of(DataTypeRoot.STRING);
  }

  private static boolean integer(DataTypeRoot root) {
    return root == DataTypeRoot.INT || root == DataTypeRoot.BIGINT;
  }

  private static boolean exact(DataTypeRoot root) {
    return integer(root) || root == DataTypeRoot.DECIMAL;
  }

  private static boolean numeric(DataTypeRoot root) {
    return exact(root) || root == DataTypeRoot.FLOAT || root == DataTypeRoot.DOUBLE;
  }

  private static DataType asDecimal(DataType type) {
    return switch (type.root()) {
      case INT -> DataType.decimal(10, 0);
      case BIGINT -> DataType.decimal(19, 0);
      default -> type;
    };
  }

  /** Rewrites a source table's rows to a merged table's types. */
  public record Coercion(Schema schema, Function<Object, Object>[] converters) {

    public DataChangeEvent apply(DataChangeEvent event) {
      return new DataChangeEvent(
          event.tableId(),
          schema,
          event.operation(),
          convert(event.before()),
          convert(event.after()),
          event.sourceTimestampMillis());
    }

    private Object[] convert(Object[] row) {
      if (row == null) {
        return null;
      }
      Object[] converted = row.clone();
      for (int i = 0; i < converted.length; i++) {
        if (converters[i] != null && converted[i] != null) {
          converted[i] = converters[i].apply(converted[i]);
        }
      }
      return converted;
    }
  }

  /** The coercion of a source table's rows to the merged types, or null when none is needed. */
  public static Coercion coercion(Schema source, Schema merged) {
    List<Column> columns = new ArrayList<>();
    @SuppressWarnings("unchecked")
    Function<Object, Object>[] converters = new Function[source.size()];
    boolean any = false;
    for (int i = 0; i < source.size(); i++) {
      Column column = source.columns().get(i);
      DataType to = merged.column(column.name()).type();
      columns.add(Column.of(column.name(), to));
      if (!to.equals(column.type())) {
        converters[i] = converter(column.type(), to);
        any = true;
      }
    }
    return any
        ? new Coercion(new Schema(columns, source.primaryKeys(), Map.of()), converters)
        : null;
  }

  /** Converts values of {@code from} to {@code to}, which {@link #widest} chose to hold them. */
  static Function<Object, Object> converter(DataType from, DataType to) {
    return switch (to.root()) {
      case BIGINT -> value -> ((Number) value).longValue();
      case DOUBLE -> value -> ((Number) value).doubleValue();
      case DECIMAL -> value -> decimal(value).setScale(to.scale(), RoundingMode.UNNECESSARY);
      case STRING -> SchemaMerger::text;
      default -> throw new IllegalArgumentException("Cannot convert " + from + " to " + to);
    };
  }

  private static BigDecimal decimal(Object value) {
    return value instanceof BigDecimal decimal
        ? decimal
        : BigDecimal.valueOf(((Number) value).longValue());
  }

  /**
   * A value as text: numbers in plain notation, temporal values in ISO-8601, binary in base64,
   * arrays as {@code [1, 2, NULL]}.
   */
  static String text(Object value) {
    if (value instanceof List<?> elements) {
      StringJoiner text = new StringJoiner(", ", "[", "]");
      elements.forEach(element -> text.add(element == null ? "NULL" : text(element)));
      return text.toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    return value.toString();
  }
}
