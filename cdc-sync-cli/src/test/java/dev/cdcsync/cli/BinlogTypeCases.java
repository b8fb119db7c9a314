package dev.cdcsync.cli;

import dev.cdcsync.cli.EndToEndTestBase.TypeCase;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** The MySQL / MariaDB types and the values Iceberg must hold for them. */
final class BinlogTypeCases {

  static final List<TypeCase> CASES =
      List.of(
          new TypeCase("c_tinyint", "tinyint", "-128", -128),
          new TypeCase("c_tinyint_u", "tinyint unsigned", "255", 255),
          new TypeCase("c_smallint_u", "smallint unsigned", "65535", 65535),
          new TypeCase("c_mediumint", "mediumint", "-8388608", -8388608),
          new TypeCase("c_int_u", "int unsigned", "4294967295", 4294967295L),
          new TypeCase("c_bigint", "bigint", "-9223372036854775808", Long.MIN_VALUE),
          new TypeCase("c_bigint_u", "bigint unsigned", "18446744073709551615",
              new BigDecimal("18446744073709551615")),
          new TypeCase("c_decimal", "decimal(12,2)", "1234567890.12", new BigDecimal("1234567890.12")),
          new TypeCase("c_float", "float", "1.5", 1.5f),
          new TypeCase("c_double", "double", "2.25", 2.25d),
          new TypeCase("c_bool", "tinyint(1)", "1", true),
          new TypeCase("c_bit1", "bit(1)", "b'1'", true),
          new TypeCase("c_char", "char(3)", "'ab'", "ab"),
          new TypeCase("c_varchar", "varchar(50)", "'Grüße 👋 ünï'", "Grüße 👋 ünï"),
          new TypeCase("c_text", "text", "'it''s text'", "it's text"),
          new TypeCase("c_varbinary", "varbinary(10)", "x'00ff10'", ByteBuffer.wrap(new byte[] {0, -1, 16})),
          new TypeCase("c_blob", "blob", "x'cafe'", ByteBuffer.wrap(new byte[] {(byte) 0xca, (byte) 0xfe})),
          new TypeCase("c_date", "date", "'2024-02-29'", LocalDate.of(2024, 2, 29)),
          new TypeCase("c_time", "time(6)", "'23:59:59.123456'", LocalTime.of(23, 59, 59, 123_456_000)),
          new TypeCase("c_datetime", "datetime(6)", "'1999-12-31 23:59:59.999999'",
              LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)),
          new TypeCase("c_timestamp", "timestamp(6) NULL", "'2024-03-10 02:30:00.000001'",
              OffsetDateTime.of(2024, 3, 10, 2, 30, 0, 1_000, ZoneOffset.UTC)),
          new TypeCase("c_json", "json", "'{\"a\": 1}'", "{\"a\": 1}"),
          new TypeCase("c_enum", "enum('red', 'green')", "'green'", "green"),
          new TypeCase("c_year", "year", "2024", 2024));

  private BinlogTypeCases() {}
}
