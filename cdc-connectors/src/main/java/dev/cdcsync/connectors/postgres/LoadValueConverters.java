package dev.cdcsync.connectors.postgres;

import io.debezium.relational.Column;
import io.debezium.relational.ValueConverter;
import io.debezium.relational.ValueConverterProvider;
import io.debezium.time.ZonedTimestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Debezium's value converters for the initial load's rows, with one shortcut: a {@code
 * timestamptz} value (in UTC, as {@link PostgresLoadConnection} reads it) becomes the same text
 * Debezium's converter makes ({@code 2024-05-06T07:08:09.123456Z}), written by hand. Debezium
 * builds a new {@code DateTimeFormatter} for every such value, which took about a fifth of a load
 * reader's time on a table with one such column. Values outside years 1 to 9999 (infinity
 * included) still go to Debezium's converter.
 */
final class LoadValueConverters implements ValueConverterProvider {

  private final ValueConverterProvider debezium;

  LoadValueConverters(ValueConverterProvider debezium) {
    this.debezium = debezium;
  }

  @Override
  public SchemaBuilder schemaBuilder(Column column) {
    return debezium.schemaBuilder(column);
  }

  @Override
  public ValueConverter converter(Column column, Field field) {
    ValueConverter converter = debezium.converter(column, field);
    // The fraction's digits, as PostgresValueConverter counts them.
    int width = column.scale().orElse(column.length());
    if (converter == null
        || !"timestamptz".equals(column.typeName())
        || !ZonedTimestamp.SCHEMA_NAME.equals(field.schema().name())
        || width < 1
        || width > 9) {
      return converter;
    }
    return value -> {
      String text =
          value instanceof OffsetDateTime time && time.getOffset().equals(ZoneOffset.UTC)
              ? utcText(time.toInstant(), width)
              : null;
      return text != null ? text : converter.convert(value);
    };
  }

  /**
   * What {@link ZonedTimestamp#toIsoString} gives for the instant in UTC with {@code width}
   * fraction digits (1 to 9), for years 1 to 9999; null for any other year.
   */
  static String utcText(Instant instant, int width) {
    LocalDateTime time =
        LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    if (time.getYear() < 1 || time.getYear() > 9999) {
      return null;
    }
    StringBuilder text = new StringBuilder(21 + width);
    digits(text, time.getYear(), 4);
    digits(text.append('-'), time.getMonthValue(), 2);
    digits(text.append('-'), time.getDayOfMonth(), 2);
    digits(text.append('T'), time.getHour(), 2);
    digits(text.append(':'), time.getMinute(), 2);
    digits(text.append(':'), time.getSecond(), 2);
    int fraction = time.getNano();
    for (int i = width; i < 9; i++) {
      fraction /= 10;
    }
    digits(text.append('.'), fraction, width);
    return text.append('Z').toString();
  }

  /** Appends {@code value} with leading zeros to {@code count} digits. */
  private static void digits(StringBuilder text, int value, int count) {
    String digits = Integer.toString(value);
    for (int i = digits.length(); i < count; i++) {
      text.append('0');
    }
    text.append(digits);
  }
}
