package dev.cdcsync.iceberg;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The one place where event-model types meet Iceberg types: the type a new column gets, and how a
 * value is turned into what Iceberg's generic writers expect.
 */
final class IcebergTypes {

  private IcebergTypes() {}

  /**
   * The Iceberg type of a new column. A list's element gets a placeholder id: Iceberg gives nested
   * fields fresh ids when a table is created or a column added.
   */
  static Type icebergType(DataType type) {
    return icebergType(type, new AtomicInteger(1));
  }

  /** As {@link #icebergType(DataType)}, list elements numbered from {@code nextId}. */
  static Type icebergType(DataType type, AtomicInteger nextId) {
    return switch (type.root()) {
      case BOOLEAN -> Types.BooleanType.get();
      case INT -> Types.IntegerType.get();
      case BIGINT -> Types.LongType.get();
      case FLOAT -> Types.FloatType.get();
      case DOUBLE -> Types.DoubleType.get();
      case DECIMAL -> Types.DecimalType.of(type.precision(), type.scale());
      case STRING -> Types.StringType.get();
      case BINARY -> Types.BinaryType.get();
      case DATE -> Types.DateType.get();
      case TIME -> Types.TimeType.get();
      case TIMESTAMP -> Types.TimestampType.withoutZone();
      case TIMESTAMP_LTZ -> Types.TimestampType.withZone();
      case UUID -> Types.UUIDType.get();
      case ARRAY -> {
        int elementId = nextId.getAndIncrement();
        yield Types.ListType.ofOptional(elementId, icebergType(type.elementType(), nextId));
      }
    };
  }

  /** The event-model type of an Iceberg column type. */
  static DataType dataType(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> DataType.of(DataTypeRoot.BOOLEAN);
      case INTEGER -> DataType.of(DataTypeRoot.INT);
      case LONG -> DataType.of(DataTypeRoot.BIGINT);
      case FLOAT -> DataType.of(DataTypeRoot.FLOAT);
      case DOUBLE -> DataType.of(DataTypeRoot.DOUBLE);
      case STRING -> DataType.of(DataTypeRoot.STRING);
      case DECIMAL ->
          DataType.decimal(
              ((Types.DecimalType) type).precision(), ((Types.DecimalType) type).scale());
      case DATE -> DataType.of(DataTypeRoot.DATE);
      case TIME -> DataType.of(DataTypeRoot.TIME);
      case TIMESTAMP ->
          DataType.of(
              ((Types.TimestampType) type).shouldAdjustToUTC()
                  ? DataTypeRoot.TIMESTAMP_LTZ
                  : DataTypeRoot.TIMESTAMP);
      case UUID -> DataType.of(DataTypeRoot.UUID);
      case BINARY, FIXED -> DataType.of(DataTypeRoot.BINARY);
      case LIST -> DataType.array(dataType(((Types.ListType) type).elementType()));
      default -> throw new IllegalArgumentException("cdc-sync does not write Iceberg type " + type);
    };
  }

  /**
   * How to turn a value of {@code from} into a value for an Iceberg column of type {@code to}, or
   * null when the column cannot hold it. Widening (int to long, float to double, a decimal into a
   * wider one) is allowed, as for a table created by an earlier version or by hand.
   */
  static Function<Object, Object> converter(DataType from, Type to) {
    if (from.root() == DataTypeRoot.ARRAY) {
      return to instanceof Types.ListType list ? listConverter(from.elementType(), list) : null;
    }
    Type natural = icebergType(from);
    if (natural.equals(to)) {
      return switch (from.root()) {
        case BINARY -> value -> ByteBuffer.wrap((byte[]) value);
        case TIMESTAMP_LTZ -> value -> ((Instant) value).atOffset(ZoneOffset.UTC);
        default -> Function.identity();
      };
    }
    return switch (from.root()) {
      case INT -> to.typeId() == Type.TypeID.LONG ? value -> ((Integer) value).longValue() : null;
      case FLOAT ->
          to.typeId() == Type.TypeID.DOUBLE ? value -> ((Float) value).doubleValue() : null;
      case DECIMAL -> {
        if (to instanceof Types.DecimalType decimal
            && decimal.scale() == from.scale()
            && decimal.precision() >= from.precision()) {
          yield Function.identity();
        }
        yield null;
      }
      default -> null;
    };
  }

  /** Converts each element of a list, keeping null elements; compares types, not field ids. */
  private static Function<Object, Object> listConverter(DataType elementType, Types.ListType list) {
    Function<Object, Object> base = converter(elementType, list.elementType());
    if (base == null) {
      return null;
    }
    Function<Object, Object> element =
        list.elementType() instanceof Types.DecimalType decimal
            ? value -> checkDecimal((BigDecimal) base.apply(value), decimal)
            : base;
    return value -> {
      List<?> values = (List<?>) value;
      List<Object> converted = new ArrayList<>(values.size());
      for (Object item : values) {
        converted.add(item == null ? null : element.apply(item));
      }
      return converted;
    };
  }

  /** Checks a decimal fits its column, so a value is never silently rounded. */
  static BigDecimal checkDecimal(BigDecimal value, Types.DecimalType type) {
    if (value.scale() != type.scale() || value.precision() > type.precision()) {
      throw new IllegalArgumentException(
          "value " + value.toPlainString() + " does not fit " + type);
    }
    return value;
  }
}
