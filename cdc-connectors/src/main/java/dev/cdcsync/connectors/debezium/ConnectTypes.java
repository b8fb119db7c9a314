package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * Maps the Kafka Connect schemas Debezium produces to the event model's types, and their values to
 * the Java classes {@link DataTypeRoot} promises.
 */
final class ConnectTypes {

  /** A column's type and how to convert its values (never called with null). */
  record ColumnMapping(DataType type, Function<Object, Object> converter) {}

  private ConnectTypes() {}

  static ColumnMapping map(String table, String column, Schema schema) {
    String name = schema.name();
    if (name != null) {
      ColumnMapping logical = mapLogical(table, column, name, schema);
      if (logical != null) {
        return logical;
      }
    }
    return switch (schema.type()) {
      case INT8 -> mapping(DataTypeRoot.INT, value -> ((Byte) value).intValue());
      case INT16 -> mapping(DataTypeRoot.INT, value -> ((Short) value).intValue());
      case INT32 -> mapping(DataTypeRoot.INT, value -> value);
      case INT64 -> mapping(DataTypeRoot.BIGINT, value -> value);
      case FLOAT32 -> mapping(DataTypeRoot.FLOAT, value -> value);
      case FLOAT64 -> mapping(DataTypeRoot.DOUBLE, value -> value);
      case BOOLEAN -> mapping(DataTypeRoot.BOOLEAN, value -> value);
      case STRING -> mapping(DataTypeRoot.STRING, value -> value);
      case BYTES -> mapping(DataTypeRoot.BINARY, ConnectTypes::bytes);
      case ARRAY -> array(table, column, schema);
      case MAP, STRUCT ->
          throw new PermanentPipelineException(
              "Cannot replicate column "
                  + table
                  + "."
                  + column
                  + ": its type ("
                  + (name == null ? schema.type() : name)
                  + ") is not supported; leave the table out with 'tables.exclude' or drop the"
                  + " column with debezium.column.exclude.list");
    };
  }

  private static ColumnMapping mapLogical(String table, String column, String name, Schema schema) {
    return switch (name) {
      case "dev.cdcsync.postgres.BoundedNumeric" -> boundedNumeric(table, column, schema);
      case "org.apache.kafka.connect.data.Decimal" -> decimal(schema);
      case "io.debezium.data.VariableScaleDecimal" ->
          mapping(
              DataTypeRoot.STRING,
              value -> {
                Struct struct = (Struct) value;
                return new BigDecimal(
                        new BigInteger(bytes(struct.get("value"))), struct.getInt32("scale"))
                    .toPlainString();
              });
      case "io.debezium.time.Date" ->
          mapping(DataTypeRoot.DATE, value -> LocalDate.ofEpochDay((Integer) value));
      case "org.apache.kafka.connect.data.Date" ->
          mapping(
              DataTypeRoot.DATE,
              value ->
                  LocalDate.ofEpochDay(
                      Math.floorDiv(((java.util.Date) value).getTime(), 86_400_000L)));
      case "io.debezium.time.Time" ->
          mapping(
              DataTypeRoot.TIME, value -> LocalTime.ofNanoOfDay(((Integer) value) * 1_000_000L));
      case "io.debezium.time.MicroTime" ->
          mapping(DataTypeRoot.TIME, value -> LocalTime.ofNanoOfDay(((Long) value) * 1_000L));
      case "io.debezium.time.NanoTime" ->
          mapping(DataTypeRoot.TIME, value -> LocalTime.ofNanoOfDay((Long) value));
      case "org.apache.kafka.connect.data.Time" ->
          mapping(
              DataTypeRoot.TIME,
              value -> LocalTime.ofNanoOfDay(((java.util.Date) value).getTime() * 1_000_000L));
      case "io.debezium.time.Timestamp" ->
          mapping(DataTypeRoot.TIMESTAMP, value -> wallClock((Long) value, 1_000L));
      case "io.debezium.time.MicroTimestamp" ->
          mapping(DataTypeRoot.TIMESTAMP, value -> wallClock((Long) value, 1_000_000L));
      case "io.debezium.time.NanoTimestamp" ->
          mapping(DataTypeRoot.TIMESTAMP, value -> wallClock((Long) value, 1_000_000_000L));
      case "org.apache.kafka.connect.data.Timestamp" ->
          mapping(
              DataTypeRoot.TIMESTAMP,
              value -> wallClock(((java.util.Date) value).getTime(), 1_000L));
      case "io.debezium.time.ZonedTimestamp" ->
          mapping(DataTypeRoot.TIMESTAMP_LTZ, value -> ZonedTimestamps.parse((String) value));
      case "io.debezium.time.Year" -> mapping(DataTypeRoot.INT, value -> value);
      case "io.debezium.data.Uuid" ->
          mapping(DataTypeRoot.UUID, value -> UUID.fromString((String) value));
      case "io.debezium.data.Json",
          "io.debezium.data.Xml",
          "io.debezium.data.Enum",
          "io.debezium.data.EnumSet",
          "io.debezium.time.ZonedTime",
          "io.debezium.time.Interval",
          "io.debezium.data.Ltree" ->
          mapping(DataTypeRoot.STRING, value -> value);
      case "io.debezium.data.Bits" -> mapping(DataTypeRoot.BINARY, ConnectTypes::bytes);
      case "io.debezium.data.geometry.Point",
          "io.debezium.data.geometry.Geometry",
          "io.debezium.data.geometry.Geography" ->
          mapping(DataTypeRoot.BINARY, value -> Wkb.withSrid((Struct) value));
      default -> null;
    };
  }

  private static ColumnMapping decimal(Schema schema) {
    int scale = Integer.parseInt(schema.parameters().get("scale"));
    String precisionText = schema.parameters().get("connect.decimal.precision");
    int precision =
        precisionText == null ? DataType.MAX_DECIMAL_PRECISION : Integer.parseInt(precisionText);
    if (precision > DataType.MAX_DECIMAL_PRECISION) {
      // Wider than any Iceberg decimal: keep every digit as text rather than round.
      return mapping(DataTypeRoot.STRING, value -> ((BigDecimal) value).toPlainString());
    }
    int finalPrecision = Math.max(precision, scale);
    return new ColumnMapping(
        DataType.decimal(finalPrecision, scale),
        value -> ((BigDecimal) value).setScale(scale, RoundingMode.UNNECESSARY));
  }

  /** A one-dimensional array: a list of its element type's values, null elements kept. */
  private static ColumnMapping array(String table, String column, Schema schema) {
    ColumnMapping element = map(table, column, schema.valueSchema());
    Function<Object, Object> convertElement = element.converter();
    return new ColumnMapping(
        DataType.array(element.type()),
        value -> {
          List<?> values = (List<?>) value;
          List<Object> converted = new ArrayList<>(values.size());
          for (Object item : values) {
            converted.add(item == null ? null : convertElement.apply(item));
          }
          return converted;
        });
  }

  /**
   * PostgreSQL {@code numeric(p, s)} as exact text (see PostgresColumnConverter): a decimal, or text
   * when wider than any Iceberg decimal. {@code NaN} fits no decimal and stops the pipeline rather
   * than becoming NULL.
   */
  private static ColumnMapping boundedNumeric(String table, String column, Schema schema) {
    int declaredPrecision = Integer.parseInt(schema.parameters().get("precision"));
    int declaredScale = Integer.parseInt(schema.parameters().get("scale"));
    // PostgreSQL 15+ allows a negative scale (numeric(3, -2) holds 12300) and a scale above the
    // precision (numeric(2, 4) holds 0.0012): the decimal that holds every such value.
    int scale = Math.max(declaredScale, 0);
    int precision = Math.max(declaredPrecision - Math.min(declaredScale, 0), scale);
    if (precision > DataType.MAX_DECIMAL_PRECISION) {
      return mapping(DataTypeRoot.STRING, value -> value);
    }
    return new ColumnMapping(
        DataType.decimal(precision, scale),
        value -> {
          String text = (String) value;
          if (text.equals("NaN") || text.endsWith("Infinity")) {
            throw new PermanentPipelineException(
                "Cannot replicate column "
                    + table
                    + "."
                    + column
                    + ": its value '"
                    + text
                    + "' fits no Iceberg decimal("
                    + precision
                    + ", "
                    + scale
                    + "); make the source"
                    + " column numeric without precision (ALTER TABLE ... ALTER COLUMN "
                    + column
                    + " TYPE numeric), which cdc-sync keeps as exact text with NaN, or replace the"
                    + " value in the source, or drop the column with debezium.column.exclude.list");
          }
          return new BigDecimal(text).setScale(scale, RoundingMode.UNNECESSARY);
        });
  }

  private static ColumnMapping mapping(DataTypeRoot root, Function<Object, Object> converter) {
    return new ColumnMapping(DataType.of(root), converter);
  }

  private static LocalDateTime wallClock(long value, long unitsPerSecond) {
    long seconds = Math.floorDiv(value, unitsPerSecond);
    long fraction = Math.floorMod(value, unitsPerSecond);
    long nanos = fraction * (1_000_000_000L / unitsPerSecond);
    return LocalDateTime.ofEpochSecond(seconds, (int) nanos, ZoneOffset.UTC);
  }

  static byte[] bytes(Object value) {
    if (value instanceof byte[] array) {
      return array;
    }
    ByteBuffer buffer = ((ByteBuffer) value).duplicate();
    byte[] array = new byte[buffer.remaining()];
    buffer.get(array);
    return array;
  }
}
