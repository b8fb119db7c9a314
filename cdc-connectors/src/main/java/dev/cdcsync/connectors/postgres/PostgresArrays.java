package dev.cdcsync.connectors.postgres;

import io.debezium.data.Json;
import io.debezium.data.Uuid;
import io.debezium.data.geometry.Point;
import io.debezium.spi.converter.RelationalColumn;
import io.debezium.time.Date;
import io.debezium.time.Interval;
import io.debezium.time.MicroTime;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.ZonedTimestamp;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.postgresql.geometric.PGpoint;
import org.postgresql.jdbc.PgArray;
import org.postgresql.util.PGInterval;

/**
 * One-dimensional PostgreSQL arrays, read from the array's text (which the snapshot and the stream
 * both hand over) element by element into the Connect values the scalar column of the element
 * type gets. Debezium's own array conversion turns the elements of a two-dimensional value into
 * NULLs, drops explicit bounds, rounds {@code time[]} to milliseconds and leaves
 * {@code interval[]}, {@code point[]} and others out; this refuses what a list cannot hold instead.
 */
final class PostgresArrays {

  /** How one element type is read: its Connect schema, the parser of its text, the delimiter. */
  record ArrayElement(Schema schema, Function<String, Object> parse, char delimiter) {}

  private static final DateTimeFormatter TIMESTAMP =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .appendLiteral(' ')
          .append(DateTimeFormatter.ISO_LOCAL_TIME)
          .toFormatter();

  private static final DateTimeFormatter TIMESTAMP_WITH_OFFSET =
      new DateTimeFormatterBuilder().append(TIMESTAMP).appendOffset("+HH:mm:ss", "Z").toFormatter();

  private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

  private PostgresArrays() {}

  /** The element of an array whose element type is {@code elementType} (e.g. {@code int4}). */
  static ArrayElement element(String elementType, RelationalColumn column) {
    char delimiter = elementType.equals("box") ? ';' : ',';
    return switch (elementType) {
      case "int2" -> new ArrayElement(Schema.OPTIONAL_INT16_SCHEMA, Short::valueOf, delimiter);
      case "int4" -> new ArrayElement(Schema.OPTIONAL_INT32_SCHEMA, Integer::valueOf, delimiter);
      case "int8", "oid" ->
          new ArrayElement(Schema.OPTIONAL_INT64_SCHEMA, Long::valueOf, delimiter);
      case "float4" -> new ArrayElement(Schema.OPTIONAL_FLOAT32_SCHEMA, Float::valueOf, delimiter);
      case "float8" -> new ArrayElement(Schema.OPTIONAL_FLOAT64_SCHEMA, Double::valueOf, delimiter);
      case "bool" ->
          new ArrayElement(Schema.OPTIONAL_BOOLEAN_SCHEMA, text -> text.equals("t"), delimiter);
      case "numeric" ->
          new ArrayElement(
              PostgresColumnConverter.numericSchema(column).build(), text -> text, delimiter);
      case "date" ->
          new ArrayElement(
              Date.builder().optional().build(),
              text -> (int) LocalDate.parse(text).toEpochDay(),
              delimiter);
      case "time" ->
          new ArrayElement(
              MicroTime.builder().optional().build(), PostgresArrays::microsOfDay, delimiter);
      case "timestamp" ->
          new ArrayElement(
              MicroTimestamp.builder().optional().build(),
              text -> ChronoUnit.MICROS.between(EPOCH, LocalDateTime.parse(text, TIMESTAMP)),
              delimiter);
      case "timestamptz" ->
          new ArrayElement(
              ZonedTimestamp.builder().optional().build(),
              text ->
                  OffsetDateTime.parse(text, TIMESTAMP_WITH_OFFSET)
                      .withOffsetSameInstant(ZoneOffset.UTC)
                      .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
              delimiter);
      case "interval" ->
          new ArrayElement(
              Interval.builder().optional().build(), PostgresArrays::isoInterval, delimiter);
      case "uuid" -> new ArrayElement(Uuid.builder().optional().build(), text -> text, delimiter);
      case "json", "jsonb" ->
          new ArrayElement(Json.builder().optional().build(), text -> text, delimiter);
      case "bytea" ->
          new ArrayElement(Schema.OPTIONAL_BYTES_SCHEMA, PostgresArrays::bytea, delimiter);
      case "point" -> {
        Schema point = Point.builder().optional().build();
        yield new ArrayElement(point, text -> point(point, text), delimiter);
      }
      // Text, enums, network and range types, geometric types, money, name, bit strings, xml,
      // composite types, timetz: PostgreSQL's text of each element.
      default -> new ArrayElement(Schema.OPTIONAL_STRING_SCHEMA, text -> text, delimiter);
    };
  }

  /** The Connect schema of an array of {@code element}. */
  static SchemaBuilder schema(ArrayElement element) {
    return SchemaBuilder.array(element.schema()).optional();
  }

  /**
   * The elements of an array value ({@link PgArray} or its text), each read by {@code element}.
   *
   * @throws IllegalArgumentException for a value with several dimensions or explicit bounds
   */
  static List<Object> elements(Object value, ArrayElement element) {
    if (!(value instanceof PgArray) && !(value instanceof String)) {
      throw new IllegalArgumentException(
          "Cannot read an array from a " + value.getClass().getName());
    }
    List<String> texts = PostgresArrayText.elements(value.toString(), element.delimiter());
    List<Object> elements = new ArrayList<>(texts.size());
    for (String text : texts) {
      elements.add(text == null ? null : element.parse().apply(text));
    }
    return elements;
  }

  /**
   * What Debezium hands over for an unchanged TOAST array of this element type: the placeholder
   * as the one element of a text or binary array, its bytes as the elements of an integer array.
   *
   * @throws IllegalArgumentException for element types Debezium has no placeholder for
   */
  static List<Object> unchangedToast(ArrayElement element, String placeholder) {
    byte[] bytes = placeholder.getBytes(StandardCharsets.UTF_8);
    List<Object> marker = new ArrayList<>();
    switch (element.schema().type()) {
      case STRING -> marker.add(placeholder);
      case BYTES -> marker.add(bytes);
      case INT32 -> {
        for (byte b : bytes) {
          marker.add((int) b);
        }
      }
      case INT64 -> {
        for (byte b : bytes) {
          marker.add((long) b);
        }
      }
      default ->
          throw new IllegalArgumentException(
              "Cannot mark an unchanged TOAST value in an array of " + element.schema().type());
    }
    return marker;
  }

  private static long microsOfDay(String text) {
    if (text.equals("24:00:00")) {
      return 86_400_000_000L;
    }
    return LocalTime.parse(text).getLong(ChronoField.MICRO_OF_DAY);
  }

  /** As Debezium writes a scalar interval in its string mode. */
  private static String isoInterval(String text) {
    try {
      PGInterval interval = new PGInterval(text);
      return Interval.toIsoString(
          interval.getYears(),
          interval.getMonths(),
          interval.getDays(),
          interval.getHours(),
          interval.getMinutes(),
          BigDecimal.valueOf(interval.getSeconds()));
    } catch (SQLException e) {
      throw new IllegalArgumentException("Cannot read an interval from '" + text + "'", e);
    }
  }

  private static byte[] bytea(String text) {
    if (!text.startsWith("\\x")) {
      throw new IllegalArgumentException(
          "Cannot read a bytea in escape format: set bytea_output to hex");
    }
    return HexFormat.of().parseHex(text, 2, text.length());
  }

  private static Object point(Schema schema, String text) {
    try {
      PGpoint point = new PGpoint(text);
      return Point.createValue(schema, point.x, point.y);
    } catch (SQLException e) {
      throw new IllegalArgumentException("Cannot read a point from '" + text + "'", e);
    }
  }
}
