package dev.cdcsync.connectors.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.debezium.ConnectTypes.ColumnMapping;
import io.debezium.data.geometry.Geography;
import io.debezium.data.geometry.Geometry;
import io.debezium.data.geometry.Point;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class ConnectTypesTest {

  @Test
  void widensSmallIntegersToInt() {
    assertMapped(Schema.INT8_SCHEMA, (byte) -128, DataType.of(DataTypeRoot.INT), -128);
    assertMapped(Schema.INT16_SCHEMA, (short) 65, DataType.of(DataTypeRoot.INT), 65);
    assertMapped(
        Schema.INT64_SCHEMA, Long.MIN_VALUE, DataType.of(DataTypeRoot.BIGINT), Long.MIN_VALUE);
  }

  @Test
  void keepsDecimalPrecisionAndScale() {
    Schema schema = Decimal.builder(2).parameter("connect.decimal.precision", "12").build();
    assertMapped(schema, new BigDecimal("1.50"), DataType.decimal(12, 2), new BigDecimal("1.50"));
  }

  @Test
  void keepsDecimalsWiderThanIcebergAsExactText() {
    Schema schema = Decimal.builder(2).parameter("connect.decimal.precision", "65").build();
    BigDecimal value = new BigDecimal("123456789012345678901234567890123456789012.34");
    assertMapped(schema, value, DataType.of(DataTypeRoot.STRING), value.toPlainString());
  }

  @Test
  void keepsVariableScaleDecimalsAsExactText() {
    Schema schema =
        SchemaBuilder.struct()
            .name("io.debezium.data.VariableScaleDecimal")
            .field("scale", Schema.INT32_SCHEMA)
            .field("value", Schema.BYTES_SCHEMA)
            .build();
    Struct value =
        new Struct(schema).put("scale", 3).put("value", new BigInteger("-12345").toByteArray());
    assertMapped(schema, value, DataType.of(DataTypeRoot.STRING), "-12.345");
  }

  @Test
  void convertsTemporalEncodingsWithoutShiftingWallClocks() {
    assertMapped(
        named(Schema.INT32_SCHEMA, "io.debezium.time.Date"),
        -1,
        DataType.of(DataTypeRoot.DATE),
        LocalDate.of(1969, 12, 31));
    assertMapped(
        named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTime"),
        86_399_999_999L,
        DataType.of(DataTypeRoot.TIME),
        LocalTime.of(23, 59, 59, 999_999_000));
    assertMapped(
        named(Schema.INT32_SCHEMA, "io.debezium.time.Time"),
        1_500,
        DataType.of(DataTypeRoot.TIME),
        LocalTime.of(0, 0, 1, 500_000_000));
    assertMapped(
        named(Schema.INT64_SCHEMA, "io.debezium.time.MicroTimestamp"),
        -1L,
        DataType.of(DataTypeRoot.TIMESTAMP),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000));
    assertMapped(
        named(Schema.INT64_SCHEMA, "io.debezium.time.Timestamp"),
        1_000L,
        DataType.of(DataTypeRoot.TIMESTAMP),
        LocalDateTime.of(1970, 1, 1, 0, 0, 1));
    assertMapped(
        named(Schema.INT64_SCHEMA, "io.debezium.time.NanoTimestamp"),
        1L,
        DataType.of(DataTypeRoot.TIMESTAMP),
        LocalDateTime.of(1970, 1, 1, 0, 0, 0, 1));
    assertMapped(
        named(Schema.STRING_SCHEMA, "io.debezium.time.ZonedTimestamp"),
        "2024-03-10T03:30:00.000001+01:00",
        DataType.of(DataTypeRoot.TIMESTAMP_LTZ),
        Instant.parse("2024-03-10T02:30:00.000001Z"));
  }

  @Test
  void mapsTextualAndBinaryLogicalTypes() {
    assertMapped(
        named(Schema.STRING_SCHEMA, "io.debezium.data.Json"),
        "{}",
        DataType.of(DataTypeRoot.STRING),
        "{}");
    assertMapped(
        named(Schema.STRING_SCHEMA, "io.debezium.data.Enum"),
        "a",
        DataType.of(DataTypeRoot.STRING),
        "a");
    assertMapped(
        named(Schema.STRING_SCHEMA, "io.debezium.data.Uuid"),
        "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
        DataType.of(DataTypeRoot.UUID),
        UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
    ColumnMapping bytes = ConnectTypes.map("t", "c", Schema.BYTES_SCHEMA);
    assertThat(bytes.type()).isEqualTo(DataType.of(DataTypeRoot.BINARY));
    assertThat((byte[]) bytes.converter().apply(ByteBuffer.wrap(new byte[] {1, 2})))
        .containsExactly(1, 2);
  }

  @Test
  void refusesStructuredTypesNamingTheColumn() {
    Schema map = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build();
    assertThatThrownBy(() -> ConnectTypes.map("shop.public.orders", "tags", map))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot replicate column shop.public.orders.tags: its type (MAP) is not supported; leave"
                + " the table out with 'tables.exclude' or drop the column with debezium.column.exclude.list");
    Schema arrayOfMaps = SchemaBuilder.array(map).build();
    assertThatThrownBy(() -> ConnectTypes.map("shop.public.orders", "tags", arrayOfMaps))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageStartingWith(
            "Cannot replicate column shop.public.orders.tags: its type (MAP) is not supported");
  }

  @Test
  void mapsArraysToListsOfTheirElementTypeKeepingNullElements() {
    Schema ints = SchemaBuilder.array(Schema.OPTIONAL_INT16_SCHEMA).optional().build();
    assertMapped(
        ints,
        Arrays.asList((short) 1, null, (short) -3),
        DataType.array(DataType.of(DataTypeRoot.INT)),
        Arrays.asList(1, null, -3));
    assertMapped(ints, List.of(), DataType.array(DataType.of(DataTypeRoot.INT)), List.of());
    Schema dates =
        SchemaBuilder.array(named(Schema.OPTIONAL_INT32_SCHEMA, "io.debezium.time.Date")).build();
    assertMapped(
        dates,
        Arrays.asList(null, 1),
        DataType.array(DataType.of(DataTypeRoot.DATE)),
        Arrays.asList(null, LocalDate.of(1970, 1, 2)));
    Schema bytes = SchemaBuilder.array(Schema.OPTIONAL_BYTES_SCHEMA).build();
    List<?> converted =
        (List<?>)
            ConnectTypes.map("t", "c", bytes)
                .converter()
                .apply(List.of(ByteBuffer.wrap(new byte[] {7})));
    assertThat((byte[]) converted.get(0)).containsExactly(7);
  }

  @Test
  void keepsPostgresIntervalsAsIsoTextWithMonthsDaysAndTimeApart() {
    assertMapped(
        named(Schema.STRING_SCHEMA, "io.debezium.time.Interval"),
        "P1Y2M-3DT4H5M6.789012S",
        DataType.of(DataTypeRoot.STRING),
        "P1Y2M-3DT4H5M6.789012S");
  }

  @Test
  void makesBoundedPostgresNumericsExactDecimals() {
    Schema schema = boundedNumeric(12, 2);
    assertMapped(
        schema, "-1234567890.10", DataType.decimal(12, 2), new BigDecimal("-1234567890.10"));
    assertMapped(schema, "7", DataType.decimal(12, 2), new BigDecimal("7.00"));
    assertMapped(
        boundedNumeric(40, 2),
        "12345678901234567890123456789012345678.90",
        DataType.of(DataTypeRoot.STRING),
        "12345678901234567890123456789012345678.90");
    assertMapped(boundedNumeric(40, 2), "NaN", DataType.of(DataTypeRoot.STRING), "NaN");
    assertMapped(boundedNumeric(3, -2), "12300", DataType.decimal(5, 0), new BigDecimal("12300"));
    assertMapped(boundedNumeric(2, 4), "0.0012", DataType.decimal(4, 4), new BigDecimal("0.0012"));
  }

  @Test
  void stopsOnANaNABoundedNumericCannotHoldNamingTheColumnAndTheFix() {
    ColumnMapping mapping = ConnectTypes.map("shop.public.prices", "amount", boundedNumeric(12, 2));
    assertThatThrownBy(() -> mapping.converter().apply("NaN"))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot replicate column shop.public.prices.amount: its value 'NaN' fits no Iceberg"
                + " decimal(12, 2); make the source column numeric without precision (ALTER TABLE ..."
                + " ALTER COLUMN amount TYPE numeric), which cdc-sync keeps as exact text with NaN, or"
                + " replace the value in the source, or drop the column with debezium.column.exclude.list");
  }

  @Test
  void keepsDebeziumPointsAsWkb() {
    Schema schema = Point.builder().optional().build();
    byte[] wkb =
        (byte[])
            ConnectTypes.map("t", "c", schema)
                .converter()
                .apply(Point.createValue(schema, 1.5, -2));
    ByteBuffer expected = ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN);
    expected.put((byte) 1).putInt(1).putDouble(1.5).putDouble(-2);
    assertThat(ConnectTypes.map("t", "c", schema).type())
        .isEqualTo(DataType.of(DataTypeRoot.BINARY));
    assertThat(wkb).containsExactly(expected.array());
  }

  @Test
  void keepsPostgisEwkbByteForByteWithItsSrid() {
    Schema schema = Geometry.builder().build();
    // POINT(1 2) with SRID 4326, as PostGIS sends it (EWKB, little-endian).
    byte[] ewkb = HexFormat.of().parseHex("0101000020E6100000000000000000F03F0000000000000040");
    assertMapped(
        schema, Geometry.createValue(schema, ewkb, 4326), DataType.of(DataTypeRoot.BINARY), ewkb);
    Schema geography = Geography.builder().build();
    assertMapped(
        geography,
        Geography.createValue(geography, ewkb, 4326),
        DataType.of(DataTypeRoot.BINARY),
        ewkb);
  }

  @Test
  void addsTheSridToPlainWkbAsEwkb() {
    Schema schema = Geometry.builder().build();
    byte[] wkb = HexFormat.of().parseHex("00000000013FF00000000000004000000000000000");
    byte[] ewkb = HexFormat.of().parseHex("002000000100000F9D3FF00000000000004000000000000000");
    assertMapped(
        schema, Geometry.createValue(schema, wkb, 3997), DataType.of(DataTypeRoot.BINARY), ewkb);
    assertMapped(
        schema, Geometry.createValue(schema, wkb, null), DataType.of(DataTypeRoot.BINARY), wkb);
    assertMapped(
        schema, Geometry.createValue(schema, wkb, 0), DataType.of(DataTypeRoot.BINARY), wkb);
  }

  private static Schema boundedNumeric(int precision, int scale) {
    return SchemaBuilder.string()
        .name("dev.cdcsync.postgres.BoundedNumeric")
        .parameter("precision", Integer.toString(precision))
        .parameter("scale", Integer.toString(scale))
        .optional()
        .build();
  }

  private static Schema named(Schema base, String name) {
    return new SchemaBuilder(base.type()).name(name).build();
  }

  private static void assertMapped(Schema schema, Object raw, DataType type, Object value) {
    ColumnMapping mapping = ConnectTypes.map("t", "c", schema);
    assertThat(mapping.type()).isEqualTo(type);
    if (value instanceof byte[] bytes) {
      assertThat((byte[]) mapping.converter().apply(raw)).containsExactly(bytes);
    } else {
      assertThat(mapping.converter().apply(raw)).isEqualTo(value);
    }
  }
}
