package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A schema with one column of each type, a row of it, and one-expression helpers. */
final class TransformFixture {

  static final Instant NOW = Instant.parse("2024-03-05T10:15:30.123Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final Map<String, String> ENVIRONMENT = Map.of("HMAC_KEY", "key");
  static final RowContext CONTEXT =
      new RowContext(TableId.of("shop", "public", "orders"), "+U", 1_700_000_000_123L);

  static final Schema SCHEMA =
      Schema.of(
          List.of(
              Column.of("id", DataTypeRoot.INT),
              Column.of("big", DataTypeRoot.BIGINT),
              Column.of("price", DataType.decimal(10, 2)),
              Column.of("qty", DataTypeRoot.INT),
              Column.of("ratio", DataTypeRoot.DOUBLE),
              Column.of("f", DataTypeRoot.FLOAT),
              Column.of("name", DataTypeRoot.STRING),
              Column.of("status", DataTypeRoot.STRING),
              Column.of("flag", DataTypeRoot.BOOLEAN),
              Column.of("d", DataTypeRoot.DATE),
              Column.of("t", DataTypeRoot.TIME),
              Column.of("ts", DataTypeRoot.TIMESTAMP),
              Column.of("ltz", DataTypeRoot.TIMESTAMP_LTZ),
              Column.of("bin", DataTypeRoot.BINARY),
              Column.of("u", DataTypeRoot.UUID),
              Column.of("Mixed", DataTypeRoot.STRING),
              Column.of("nothing", DataTypeRoot.STRING)),
          List.of("id"));

  static Object[] row() {
    return new Object[] {
      7,
      10_000_000_000L,
      new BigDecimal("12.50"),
      3,
      0.5,
      1.5f,
      "Ada Lovelace",
      "paid",
      true,
      LocalDate.of(2024, 2, 28),
      LocalTime.of(13, 45, 10),
      LocalDateTime.of(2024, 2, 28, 13, 45, 10),
      Instant.parse("2024-02-28T13:45:10Z"),
      "hi".getBytes(StandardCharsets.UTF_8),
      UUID.fromString("123e4567-e89b-12d3-a456-426614174000"),
      "MiXeD",
      null
    };
  }

  private TransformFixture() {}

  static TransformProgram compile(String projection, String filter) {
    return TransformProgram.compile(
        "transform rule 1 (line 12)", projection, filter, SCHEMA, ENVIRONMENT::get, CLOCK);
  }

  /** The value of one expression over {@link #row()}. */
  static Object eval(String expression) {
    return compile(expression + " AS r", null).project(row(), CONTEXT)[0];
  }

  static DataType type(String expression) {
    return compile(expression + " AS r", null).outputColumns().get(0).type();
  }

  static Boolean where(String filter) {
    return compile(null, filter).test(row(), CONTEXT);
  }
}
