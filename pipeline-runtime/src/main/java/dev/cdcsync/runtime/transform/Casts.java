package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * Conversions between types, chosen once per expression. Timestamps without a zone are read and
 * written in the given zone (the pipeline's local-time-zone) when they meet a TIMESTAMP_LTZ.
 */
final class Casts {

  /** 'yyyy-MM-dd HH:mm:ss' with an optional fraction; 'T' is accepted in place of the space. */
  static final DateTimeFormatter TIMESTAMP_TEXT =
      new DateTimeFormatterBuilder()
          .append(DateTimeFormatter.ISO_LOCAL_DATE)
          .optionalStart()
          .appendLiteral(' ')
          .optionalEnd()
          .optionalStart()
          .appendLiteral('T')
          .optionalEnd()
          .append(DateTimeFormatter.ofPattern("HH:mm[:ss]"))
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  private Casts() {}

  /**
   * The conversion of values of {@code from} to {@code to}, or null when there is none; wall-clock
   * times meet instants in {@code zone}.
   */
  static UnaryOperator<Object> converter(DataType from, DataType to, ZoneId zone) {
    if (from.equals(to)) {
      return UnaryOperator.identity();
    }
    return switch (to.root()) {
      case STRING -> value -> text(value, from, zone);
      case BOOLEAN -> toBoolean(from);
      case INT -> integral(from, Integer.MIN_VALUE, Integer.MAX_VALUE, value -> (int) value);
      case BIGINT -> integral(from, Long.MIN_VALUE, Long.MAX_VALUE, value -> value);
      case FLOAT -> floating(from, value -> (float) value);
      case DOUBLE -> floating(from, value -> value);
      case DECIMAL -> toDecimal(from, to);
      case BINARY ->
          from.root() == DataTypeRoot.STRING
              ? value -> ((String) value).getBytes(StandardCharsets.UTF_8)
              : null;
      case UUID ->
          from.root() == DataTypeRoot.STRING
              ? value -> parse(() -> java.util.UUID.fromString(((String) value).trim()), to)
              : null;
      case DATE -> toDate(from, zone);
      case TIME -> toTime(from, zone);
      case TIMESTAMP -> toTimestamp(from, zone);
      case TIMESTAMP_LTZ -> toInstant(from, zone);
      // No expression builds an array: only an array column of the same type is one.
      case ARRAY -> null;
    };
  }

  /** A value as text, as CAST(x AS STRING) writes it (a TIMESTAMP_LTZ in {@code zone}). */
  static String text(Object value, DataType type, ZoneId zone) {
    return switch (type.root()) {
      case STRING -> (String) value;
      case BOOLEAN -> (Boolean) value ? "TRUE" : "FALSE";
      case INT, BIGINT, FLOAT, DOUBLE, UUID, DATE -> value.toString();
      case DECIMAL -> ((BigDecimal) value).toPlainString();
      case BINARY -> new String((byte[]) value, StandardCharsets.UTF_8);
      case TIME -> ((LocalTime) value).format(DateTimeFormatter.ISO_LOCAL_TIME);
      case TIMESTAMP -> timestampText((LocalDateTime) value);
      case TIMESTAMP_LTZ -> timestampText(LocalDateTime.ofInstant((Instant) value, zone));
      case ARRAY -> arrayText((List<?>) value, type.elementType(), zone);
    };
  }

  /** An array as Flink CDC writes one: {@code [1, 2, NULL]}. */
  private static String arrayText(List<?> elements, DataType elementType, ZoneId zone) {
    StringJoiner text = new StringJoiner(", ", "[", "]");
    for (Object element : elements) {
      text.add(element == null ? "NULL" : text(element, elementType, zone));
    }
    return text.toString();
  }

  private static String timestampText(LocalDateTime value) {
    return value.toLocalDate() + " " + value.toLocalTime().format(DateTimeFormatter.ISO_LOCAL_TIME);
  }

  private static UnaryOperator<Object> toBoolean(DataType from) {
    return switch (from.root()) {
      case STRING ->
          value ->
              switch (((String) value).trim().toLowerCase(Locale.ROOT)) {
                case "true", "t", "yes", "y", "1" -> Boolean.TRUE;
                case "false", "f", "no", "n", "0" -> Boolean.FALSE;
                default -> throw new EvaluationException("cannot cast this STRING to BOOLEAN");
              };
      case INT, BIGINT, FLOAT, DOUBLE -> value -> ((Number) value).doubleValue() != 0;
      case DECIMAL -> value -> ((BigDecimal) value).signum() != 0;
      default -> null;
    };
  }

  private interface LongNarrowing {
    Object apply(long value);
  }

  private interface DoubleNarrowing {
    Object apply(double value);
  }

  private static UnaryOperator<Object> integral(
      DataType from, long min, long max, LongNarrowing narrowing) {
    String target = max == Integer.MAX_VALUE ? "INT" : "BIGINT";
    return switch (from.root()) {
      case INT, BIGINT ->
          value -> narrowing.apply(checked(((Number) value).longValue(), min, max, target));
      case FLOAT, DOUBLE ->
          value -> {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || d < min || d > max) {
              throw new EvaluationException("the value is out of the range of " + target);
            }
            return narrowing.apply((long) d);
          };
      case DECIMAL ->
          value ->
              narrowing.apply(
                  exactLong(((BigDecimal) value).setScale(0, RoundingMode.DOWN), min, max, target));
      case STRING ->
          value ->
              narrowing.apply(
                  exactLong(
                      parse(
                              () -> new BigDecimal(((String) value).trim()),
                              DataType.of(DataTypeRoot.BIGINT))
                          .setScale(0, RoundingMode.DOWN),
                      min,
                      max,
                      target));
      case BOOLEAN -> value -> narrowing.apply((Boolean) value ? 1 : 0);
      default -> null;
    };
  }

  private static long exactLong(BigDecimal value, long min, long max, String target) {
    if (value.compareTo(BigDecimal.valueOf(min)) < 0
        || value.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new EvaluationException("the value is out of the range of " + target);
    }
    return value.longValue();
  }

  private static long checked(long value, long min, long max, String target) {
    if (value < min || value > max) {
      throw new EvaluationException("the value is out of the range of " + target);
    }
    return value;
  }

  private static UnaryOperator<Object> floating(DataType from, DoubleNarrowing narrowing) {
    return switch (from.root()) {
      case INT, BIGINT, FLOAT, DOUBLE, DECIMAL ->
          value -> narrowing.apply(((Number) value).doubleValue());
      case STRING ->
          value ->
              narrowing.apply(
                  parse(
                      () -> Double.parseDouble(((String) value).trim()),
                      DataType.of(DataTypeRoot.DOUBLE)));
      case BOOLEAN -> value -> narrowing.apply((Boolean) value ? 1 : 0);
      default -> null;
    };
  }

  private static UnaryOperator<Object> toDecimal(DataType from, DataType to) {
    return switch (from.root()) {
      case INT, BIGINT -> value -> Types.fit(BigDecimal.valueOf(((Number) value).longValue()), to);
      case FLOAT, DOUBLE ->
          value -> {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
              throw new EvaluationException("cannot cast NaN or infinity to " + to);
            }
            return Types.fit(new BigDecimal(Double.toString(d)), to);
          };
      case DECIMAL -> value -> Types.fit((BigDecimal) value, to);
      case STRING ->
          value -> Types.fit(parse(() -> new BigDecimal(((String) value).trim()), to), to);
      case BOOLEAN -> value -> Types.fit((Boolean) value ? BigDecimal.ONE : BigDecimal.ZERO, to);
      default -> null;
    };
  }

  private static UnaryOperator<Object> toDate(DataType from, ZoneId zone) {
    return switch (from.root()) {
      case STRING -> value -> parse(() -> LocalDate.parse(((String) value).trim()), Types.DATE);
      case TIMESTAMP -> value -> ((LocalDateTime) value).toLocalDate();
      case TIMESTAMP_LTZ -> value -> LocalDate.ofInstant((Instant) value, zone);
      default -> null;
    };
  }

  private static UnaryOperator<Object> toTime(DataType from, ZoneId zone) {
    return switch (from.root()) {
      case STRING -> value -> parse(() -> LocalTime.parse(((String) value).trim()), Types.TIME);
      case TIMESTAMP -> value -> ((LocalDateTime) value).toLocalTime();
      case TIMESTAMP_LTZ -> value -> LocalTime.ofInstant((Instant) value, zone);
      default -> null;
    };
  }

  private static UnaryOperator<Object> toTimestamp(DataType from, ZoneId zone) {
    return switch (from.root()) {
      case STRING -> value -> parseTimestamp((String) value);
      case DATE -> value -> ((LocalDate) value).atStartOfDay();
      case TIMESTAMP_LTZ -> value -> LocalDateTime.ofInstant((Instant) value, zone);
      default -> null;
    };
  }

  private static UnaryOperator<Object> toInstant(DataType from, ZoneId zone) {
    return switch (from.root()) {
      case STRING ->
          value -> {
            String s = ((String) value).trim();
            return s.endsWith("Z")
                ? parse(() -> Instant.parse(s), Types.TIMESTAMP_LTZ)
                : parseTimestamp(s).atZone(zone).toInstant();
          };
      case DATE -> value -> ((LocalDate) value).atStartOfDay(zone).toInstant();
      case TIMESTAMP -> value -> ((LocalDateTime) value).atZone(zone).toInstant();
      default -> null;
    };
  }

  static LocalDateTime parseTimestamp(String value) {
    String s = value.trim();
    if (s.length() == 10) {
      return parse(() -> LocalDate.parse(s), Types.TIMESTAMP).atStartOfDay();
    }
    return parse(() -> LocalDateTime.parse(s, TIMESTAMP_TEXT), Types.TIMESTAMP);
  }

  private interface Parse<T> {
    T run();
  }

  private static <T> T parse(Parse<T> parse, DataType to) {
    try {
      return parse.run();
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new EvaluationException("cannot cast this STRING to " + to);
    }
  }
}
