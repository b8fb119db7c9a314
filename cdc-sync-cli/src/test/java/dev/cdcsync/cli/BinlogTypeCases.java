package dev.cdcsync.cli;

import dev.cdcsync.cli.EndToEndTestBase.TypeCase;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/** The MySQL / MariaDB types and the values Iceberg must hold for them. */
final class BinlogTypeCases {

  static final List<TypeCase> CASES =
      List.of(
          new TypeCase("c_tinyint", "tinyint", "-128", -128),
          new TypeCase("c_tinyint_u", "tinyint unsigned", "255", 255),
          new TypeCase("c_smallint_u", "smallint unsigned", "65535", 65535),
          new TypeCase("c_mediumint", "mediumint", "-8388608", -8388608),
          new TypeCase("c_mediumint_u", "mediumint unsigned", "16777215", 16777215),
          new TypeCase("c_int_u", "int unsigned", "4294967295", 4294967295L),
          new TypeCase("c_bigint", "bigint", "-9223372036854775808", Long.MIN_VALUE),
          new TypeCase(
              "c_bigint_u",
              "bigint unsigned",
              "18446744073709551615",
              new BigDecimal("18446744073709551615")),
          new TypeCase(
              "c_decimal", "decimal(12,2)", "1234567890.12", new BigDecimal("1234567890.12")),
          new TypeCase(
              "c_decimal_wide",
              "decimal(65,30)",
              "12345678901234567890123456789012345.123456789012345678901234567890",
              "12345678901234567890123456789012345.123456789012345678901234567890"),
          new TypeCase("c_float", "float", "1.5", 1.5f),
          // The stored values, not the 6 digits MariaDB's text protocol prints (1.01585,
          // 5.99456e11).
          new TypeCase("c_float_digits", "float", "1.0158473", 1.0158473f),
          new TypeCase("c_float_large", "float", "5.9945583E11", 5.9945583E11f),
          // FLOAT(M, D) is a double of the stored single-precision value on both paths.
          new TypeCase("c_float_scaled", "float(7,4)", "123.4567", (double) 123.4567f),
          new TypeCase("c_double", "double", "2.25", 2.25d),
          // REAL is DOUBLE (SHOW CREATE TABLE says so; the binlog's DDL still says REAL).
          new TypeCase("c_real", "real", "0.30000000000000004", 0.30000000000000004d),
          new TypeCase("c_double_digits", "double", "0.30000000000000004", 0.30000000000000004d),
          new TypeCase("c_bool", "tinyint(1)", "1", true),
          new TypeCase("c_bit1", "bit(1)", "b'1'", true),
          new TypeCase("c_char", "char(3)", "'ab'", "ab"),
          new TypeCase("c_varchar", "varchar(50)", "'Grüße 👋 ünï'", "Grüße 👋 ünï"),
          new TypeCase("c_text", "text", "'it''s text'", "it's text"),
          new TypeCase(
              "c_varbinary", "varbinary(10)", "x'00ff10'", ByteBuffer.wrap(new byte[] {0, -1, 16})),
          new TypeCase(
              "c_blob", "blob", "x'cafe'", ByteBuffer.wrap(new byte[] {(byte) 0xca, (byte) 0xfe})),
          new TypeCase("c_date", "date", "'2024-02-29'", LocalDate.of(2024, 2, 29)),
          // TIME is a signed duration (-838:59:59 to 838:59:59): microseconds.
          new TypeCase("c_time", "time(6)", "'23:59:59.123456'", 86_399_123_456L),
          new TypeCase("c_time_min", "time", "'-838:59:59'", -3_020_399_000_000L),
          new TypeCase("c_time_max", "time", "'838:59:59'", 3_020_399_000_000L),
          new TypeCase("c_time_over_day", "time(3)", "'25:00:00.5'", 90_000_500_000L),
          new TypeCase("c_time_negative", "time(6)", "'-00:00:01.500000'", -1_500_000L),
          new TypeCase(
              "c_datetime",
              "datetime(6)",
              "'1999-12-31 23:59:59.999999'",
              LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)),
          new TypeCase(
              "c_timestamp",
              "timestamp(6) NULL",
              "'2024-03-10 02:30:00.000001'",
              OffsetDateTime.of(2024, 3, 10, 2, 30, 0, 1_000, ZoneOffset.UTC)),
          new TypeCase("c_json", "json", "'{\"a\": 1}'", "{\"a\": 1}"),
          new TypeCase("c_enum", "enum('red', 'green')", "'green'", "green"),
          new TypeCase("c_set", "set('a', 'b', 'c')", "'a,c'", "a,c"),
          new TypeCase("c_binary", "binary(4)", "x'01'", ByteBuffer.wrap(new byte[] {1, 0, 0, 0})),
          new TypeCase("c_year", "year", "2024", 2024),
          new TypeCase("c_year_zero", "year", "0000", 0),
          new TypeCase("c_year_first", "year", "1901", 1901),
          // BIT(n > 1): the bytes the server shows (b'...'), big-endian, ceil(n / 8) of them.
          new TypeCase("c_bit10", "bit(10)", "b'1000000001'", ByteBuffer.wrap(new byte[] {2, 1})),
          new TypeCase(
              "c_bit64",
              "bit(64)",
              "b'1" + "0".repeat(62) + "1'",
              ByteBuffer.wrap(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 1})),
          new TypeCase("c_bit16_small", "bit(16)", "b'101'", ByteBuffer.wrap(new byte[] {0, 5})));

  /**
   * MariaDB also accepts zero and partial dates (MySQL's default sql_mode refuses them): each is
   * NULL, whether the snapshot or the binlog reads it, in NOT NULL columns too.
   */
  static final List<TypeCase> MARIADB_CASES =
      Stream.concat(
              CASES.stream(),
              Stream.of(
                  // Ending in zero bytes, which the binlog leaves out; a time-based and a random
                  // one.
                  new TypeCase(
                      "c_uuid",
                      "uuid",
                      "'123e4567-e89b-12d3-a456-426614174000'",
                      UUID.fromString("123e4567-e89b-12d3-a456-426614174000")),
                  new TypeCase(
                      "c_uuid_random",
                      "uuid",
                      "'f47ac10b-58cc-4372-a567-0e02b2000000'",
                      UUID.fromString("f47ac10b-58cc-4372-a567-0e02b2000000")),
                  new TypeCase("c_date_zero", "date", "'0000-00-00'", null),
                  new TypeCase("c_date_partial", "date", "'2020-00-15'", null),
                  new TypeCase("c_date_year_zero", "date", "'0000-01-01'", null),
                  new TypeCase(
                      "c_date_zero_not_null",
                      "date NOT NULL DEFAULT '0000-00-00'",
                      "'0000-00-00'",
                      null),
                  new TypeCase("c_datetime_zero", "datetime(6)", "'0000-00-00 00:00:00'", null),
                  new TypeCase("c_datetime_partial", "datetime", "'2020-01-00 10:00:00'", null),
                  new TypeCase(
                      "c_datetime_zero_not_null",
                      "datetime NOT NULL DEFAULT '0000-00-00 00:00:00'",
                      "'0000-00-00 00:00:00'",
                      null),
                  new TypeCase(
                      "c_timestamp_zero", "timestamp(6) NULL", "'0000-00-00 00:00:00'", null)))
          .toList();

  private BinlogTypeCases() {}
}
