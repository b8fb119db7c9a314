package dev.cdcsync.connectors.binlog;

import io.debezium.data.Uuid;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import io.debezium.time.Date;
import io.debezium.time.MicroTimestamp;
import io.debezium.time.Timestamp;
import io.debezium.time.ZonedTimestamp;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.connect.data.SchemaBuilder;

/**
 * Reads the MySQL / MariaDB temporal, {@code YEAR} and {@code BIT} columns the same way whether the
 * snapshot (JDBC) or the binlog delivers them, and without loss:
 *
 * <ul>
 *   <li>{@code DATE}, {@code DATETIME}, {@code TIMESTAMP}: a zero or partial date (year, month or day
 *       0, e.g. {@code '0000-00-00'}, {@code '2020-00-15'}) is NULL, in {@code NOT NULL} columns
 *       too. The binlog decoder gives no value for them, so NULL is the one answer both paths can
 *       give; Debezium's own handling gave 1970-01-01 in {@code NOT NULL} columns and a streamed
 *       zero {@code TIMESTAMP} as 1970-01-01T00:00Z.
 *   <li>{@code TIME}: signed microseconds (a plain int64), since the type holds -838:59:59 to
 *       838:59:59, which no time of day can.
 *   <li>{@code YEAR}: the year as stored, 0 for {@code 0000} (the binlog says 1900 for it).
 *   <li>{@code BIT(n > 1)}: the bytes as the server shows them ({@code b'...'}), big-endian, {@code
 *       ceil(n / 8)} of them.
 *   <li>{@code REAL} (a DOUBLE, as the binlog's DDL may name it): a double, as the snapshot reads it.
 *   <li>MariaDB {@code UUID}: the UUID, also where it ends in zero bytes, which the binlog leaves out.
 * </ul>
 *
 * <p>Every field is optional. A value of a class this converter does not know stops the pipeline
 * with the column named, never a guess. Debezium also runs the column's default value through the
 * converter (already in the field's form, by identity): it is kept as it is, but for BIT, whose
 * default Debezium writes little-endian.
 */
public final class BinlogValueConverter
    implements CustomConverter<SchemaBuilder, RelationalColumn> {

  /** The name under which {@link BinlogSourceFactory} registers this converter with Debezium. */
  static final String NAME = "cdcsync";

  @Override
  public void configure(Properties properties) {}

  @Override
  public void converterFor(
      RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
    String type = column.typeName().toUpperCase(Locale.ROOT);
    switch (type) {
      case "DATE" -> register(column, registration, Date.builder(), BinlogValueConverter::date);
      case "DATETIME" -> {
        if (column.length().orElse(0) <= 3) {
          register(
              column, registration, Timestamp.builder(), raw -> dateTime(raw, ChronoUnit.MILLIS));
        } else {
          register(
              column,
              registration,
              MicroTimestamp.builder(),
              raw -> dateTime(raw, ChronoUnit.MICROS));
        }
      }
      case "TIMESTAMP" ->
          register(column, registration, ZonedTimestamp.builder(), BinlogValueConverter::timestamp);
      case "TIME" ->
          register(column, registration, SchemaBuilder.int64(), BinlogValueConverter::time);
      case "YEAR" ->
          register(column, registration, SchemaBuilder.int32(), raw -> year(column, raw));
      // The binlog's DDL says REAL where SHOW CREATE TABLE says DOUBLE, and Debezium makes a REAL a
      // float: the streamed doubles of a table created while running would lose their digits.
      case "REAL" ->
          register(column, registration, SchemaBuilder.float64(), BinlogValueConverter::real);
      case "UUID" -> register(column, registration, Uuid.builder(), BinlogValueConverter::uuid);
      case "BIT" -> {
        int bits = column.length().orElse(1);
        if (bits > 1) {
          register(column, registration, SchemaBuilder.bytes(), raw -> bits(raw, bits));
        }
      }
      default -> {
        // Every other type keeps Debezium's conversion.
      }
    }
  }

  private static void register(
      RelationalColumn column,
      ConverterRegistration<SchemaBuilder> registration,
      SchemaBuilder schema,
      Function<Object, Object> conversion) {
    Object defaultValue = column.hasDefaultValue() ? column.defaultValue() : null;
    String type = column.typeName().toUpperCase(Locale.ROOT);
    registration.register(
        schema.optional(),
        raw -> {
          if (raw == null) {
            return null;
          }
          if (raw == defaultValue) {
            return type.equals("BIT")
                ? bigEndian(reversed((byte[]) raw), column.length().orElse(1))
                : raw;
          }
          Object value = conversion.apply(raw);
          if (value == UNKNOWN) {
            throw new IllegalArgumentException(
                "Cannot convert a value of column "
                    + column.dataCollection()
                    + "."
                    + column.name()
                    + " ("
                    + column.typeName()
                    + "): unexpected "
                    + raw.getClass().getName()
                    + " '"
                    + raw
                    + "'");
          }
          return value;
        });
  }

  /** What a conversion returns for a value of a class it does not know. */
  private static final Object UNKNOWN = new Object();

  static Object date(Object raw) {
    LocalDate date;
    if (raw instanceof LocalDate local) {
      date = local;
    } else if (raw instanceof java.sql.Date sql) {
      date = sql.toLocalDate();
    } else {
      return UNKNOWN;
    }
    // The binlog gives no value for year 0 (month and day 0 never reach a LocalDate): the same
    // here.
    return date.getYear() == 0 ? null : (int) date.toEpochDay();
  }

  static Object dateTime(Object raw, ChronoUnit unit) {
    LocalDateTime dateTime;
    if (raw instanceof LocalDateTime local) {
      dateTime = local;
    } else if (raw instanceof java.sql.Timestamp sql) {
      dateTime = sql.toLocalDateTime();
    } else {
      return UNKNOWN;
    }
    if (dateTime.getYear() == 0) {
      return null;
    }
    Instant instant = dateTime.toInstant(ZoneOffset.UTC);
    return unit == ChronoUnit.MILLIS
        ? instant.toEpochMilli()
        : Math.addExact(
            Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
  }

  static Object timestamp(Object raw) {
    Instant instant;
    if (raw instanceof ZonedDateTime zoned) {
      instant = zoned.toInstant();
    } else if (raw instanceof OffsetDateTime offset) {
      instant = offset.toInstant();
    } else if (raw instanceof java.sql.Timestamp sql) {
      instant = sql.toInstant();
    } else {
      return UNKNOWN;
    }
    // TIMESTAMP starts at 1970-01-01 00:00:01 UTC: the epoch itself is the zero value, which the
    // binlog writes as 0 seconds and the snapshot reads as NULL.
    if (instant.equals(Instant.EPOCH)) {
      return null;
    }
    return ZonedTimestamp.toIsoString(instant.atZone(ZoneOffset.UTC), null, null);
  }

  static Object time(Object raw) {
    if (raw instanceof Duration duration) {
      return duration.toNanos() / 1_000;
    }
    if (raw instanceof java.sql.Time sql) {
      return sql.toLocalTime().toNanoOfDay() / 1_000;
    }
    return UNKNOWN;
  }

  static Object year(RelationalColumn column, Object raw) {
    int value;
    if (raw instanceof Year year) {
      // The binlog stores YEAR as the offset from 1900, and 0 for 0000, which the range
      // (1901-2155) tells apart.
      value = year.getValue() == 1900 ? 0 : year.getValue();
    } else if (raw instanceof Number number) {
      value = number.intValue();
    } else if (raw instanceof java.sql.Date sql) {
      value = sql.toLocalDate().getYear();
    } else if (raw instanceof String text) {
      value = Integer.parseInt(text.trim());
    } else {
      return UNKNOWN;
    }
    // YEAR(2) (MariaDB only) reads as two digits through JDBC: 70-99 are 1970-1999, 00-69
    // 2000-2069.
    if (column.length().orElse(4) == 2 && value < 100) {
      return value < 70 ? 2000 + value : 1900 + value;
    }
    return value;
  }

  static Object real(Object raw) {
    return raw instanceof Number number ? (Object) number.doubleValue() : UNKNOWN;
  }

  static Object uuid(Object raw) {
    if (raw instanceof UUID uuid) {
      return uuid.toString();
    }
    if (raw instanceof String text) {
      return UUID.fromString(text).toString();
    }
    if (raw instanceof byte[] bytes && bytes.length <= 16) {
      // The binlog leaves out a fixed-size binary value's trailing zero bytes (0x...4000 arrives as
      // 15 bytes): put them back.
      ByteBuffer buffer = ByteBuffer.wrap(Arrays.copyOf(bytes, 16));
      return new UUID(buffer.getLong(), buffer.getLong()).toString();
    }
    return UNKNOWN;
  }

  static Object bits(Object raw, int bits) {
    if (raw instanceof BitSet set) {
      // The binlog's bits: BitSet.toByteArray is little-endian and drops leading zero bytes.
      return bigEndian(reversed(set.toByteArray()), bits);
    }
    if (raw instanceof byte[] bytes) {
      // JDBC hands the server's bytes, already big-endian.
      return bigEndian(bytes, bits);
    }
    if (raw instanceof Boolean bool) {
      return bigEndian(new byte[] {(byte) (bool ? 1 : 0)}, bits);
    }
    return UNKNOWN;
  }

  /** {@code bytes} (big-endian) as exactly {@code ceil(bits / 8)} bytes, zeros in front. */
  static byte[] bigEndian(byte[] bytes, int bits) {
    int length = (bits + 7) / 8;
    byte[] result = new byte[length];
    int copy = Math.min(length, bytes.length);
    for (int i = 0; i < bytes.length - copy; i++) {
      if (bytes[i] != 0) {
        throw new IllegalArgumentException(
            "Cannot fit "
                + bytes.length
                + " bytes into BIT("
                + bits
                + "): leading byte "
                + bytes[i]
                + " is not 0");
      }
    }
    System.arraycopy(bytes, bytes.length - copy, result, length - copy, copy);
    return result;
  }

  private static byte[] reversed(byte[] bytes) {
    byte[] result = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      result[i] = bytes[bytes.length - 1 - i];
    }
    return result;
  }
}
