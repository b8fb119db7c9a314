package dev.cdcsync.connectors.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.spi.converter.CustomConverter.Converter;
import io.debezium.spi.converter.RelationalColumn;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

class BinlogValueConverterTest {

  @Test
  void zeroAndPartialDatesAreNullOnBothPathsAndInNotNullColumns() {
    Registered date = register(column("DATE", OptionalInt.empty(), false, null));
    assertThat(date.schema().isOptional()).isTrue();
    assertThat(date.schema().name()).isEqualTo("io.debezium.time.Date");
    // The binlog and the snapshot give no value for a zero or partial date.
    assertThat(date.convert(null)).isNull();
    assertThat(date.convert(LocalDate.of(2024, 2, 29)))
        .isEqualTo((int) LocalDate.of(2024, 2, 29).toEpochDay());
    assertThat(date.convert(java.sql.Date.valueOf("2024-02-29")))
        .isEqualTo((int) LocalDate.of(2024, 2, 29).toEpochDay());
    // Year 0 with a month and a day: the binlog gives no value, so the snapshot's LocalDate is
    // dropped too.
    assertThat(date.convert(LocalDate.of(0, 1, 1))).isNull();
  }

  @Test
  void dateTimesKeepDebeziumsUnitsByPrecision() {
    Registered millis = register(column("DATETIME", OptionalInt.empty(), true, null));
    Registered micros = register(column("DATETIME", OptionalInt.of(6), true, null));
    assertThat(millis.schema().name()).isEqualTo("io.debezium.time.Timestamp");
    assertThat(micros.schema().name()).isEqualTo("io.debezium.time.MicroTimestamp");
    LocalDateTime value = LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000);
    long epochSecond = value.toEpochSecond(ZoneOffset.UTC);
    assertThat(micros.convert(value)).isEqualTo(epochSecond * 1_000_000 + 999_999);
    assertThat(millis.convert(java.sql.Timestamp.valueOf(value)))
        .isEqualTo(epochSecond * 1_000 + 999);
    assertThat(micros.convert(LocalDateTime.of(0, 1, 1, 0, 0))).isNull();
  }

  @Test
  void theStreamedZeroTimestampIsNullAsInTheSnapshot() {
    Registered timestamp = register(column("TIMESTAMP", OptionalInt.of(6), true, null));
    assertThat(timestamp.schema().name()).isEqualTo("io.debezium.time.ZonedTimestamp");
    assertThat(timestamp.convert(ZonedDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)))
        .isNull();
    assertThat(timestamp.convert(ZonedDateTime.of(2024, 3, 10, 2, 30, 0, 1_000, ZoneOffset.UTC)))
        .isEqualTo("2024-03-10T02:30:00.000001Z");
    assertThat(
            timestamp.convert(
                java.sql.Timestamp.from(
                    ZonedDateTime.of(1970, 1, 1, 0, 0, 1, 0, ZoneOffset.UTC).toInstant())))
        .isEqualTo("1970-01-01T00:00:01Z");
  }

  @Test
  void timesAreSignedMicrosecondsBeyondADay() {
    Registered time = register(column("TIME", OptionalInt.of(6), true, null));
    assertThat(time.schema().type()).isEqualTo(Schema.Type.INT64);
    assertThat(time.schema().name()).isNull();
    assertThat(time.convert(Duration.parse("-PT838H59M59S"))).isEqualTo(-3_020_399_000_000L);
    assertThat(time.convert(Duration.parse("PT25H0.5S"))).isEqualTo(90_000_500_000L);
    assertThat(time.convert(Duration.ofMillis(-1_500))).isEqualTo(-1_500_000L);
  }

  @Test
  void yearZeroIsZeroOnBothPaths() {
    Registered year = register(column("YEAR", OptionalInt.empty(), true, null));
    // The binlog stores YEAR as the offset from 1900 and 0 for 0000; 1900 itself is not a YEAR.
    assertThat(year.convert(Year.of(1900))).isEqualTo(0);
    assertThat(year.convert(Year.of(1901))).isEqualTo(1901);
    assertThat(year.convert((short) 0)).isEqualTo(0);
    assertThat(year.convert((short) 2155)).isEqualTo(2155);
    Registered twoDigits = register(column("YEAR", OptionalInt.of(2), true, null));
    assertThat(twoDigits.convert((short) 69)).isEqualTo(2069);
    assertThat(twoDigits.convert((short) 70)).isEqualTo(1970);
    assertThat(twoDigits.convert(Year.of(1999))).isEqualTo(1999);
  }

  @Test
  void bitsAreBigEndianAsTheServerShowsThem() {
    Registered bit10 = register(column("BIT", OptionalInt.of(10), true, null));
    BitSet bits = new BitSet();
    bits.set(0);
    bits.set(9);
    // b'1000000001' = 0x0201, from the binlog (a BitSet) and the snapshot (the server's bytes).
    assertThat((byte[]) bit10.convert(bits)).containsExactly(2, 1);
    assertThat((byte[]) bit10.convert(new byte[] {2, 1})).containsExactly(2, 1);
    BitSet low = new BitSet();
    low.set(0);
    assertThat((byte[]) bit10.convert(low)).containsExactly(0, 1);
    assertThat((byte[]) bit10.convert(new byte[] {1})).containsExactly(0, 1);
    assertThatThrownBy(() -> bit10.convert(new byte[] {1, 0, 0}))
        .hasMessageContaining("Cannot fit 3 bytes into BIT(10)");
    Registered bit1 = register(column("BIT", OptionalInt.of(1), true, null));
    assertThat(bit1).isNull();
  }

  @Test
  void aDefaultValueDebeziumConvertedKeepsItsFormAndBitsTurnBigEndian() {
    Integer dateDefault = 19_000;
    assertThat(
            register(column("DATE", OptionalInt.empty(), false, dateDefault)).convert(dateDefault))
        .isSameAs(dateDefault);
    byte[] littleEndian = {1, 2};
    assertThat(
            (byte[])
                register(column("BIT", OptionalInt.of(10), true, littleEndian))
                    .convert(littleEndian))
        .containsExactly(2, 1);
  }

  @Test
  void aValueOfAnUnknownClassNamesTheColumn() {
    Registered date = register(column("DATE", OptionalInt.empty(), true, null));
    assertThatThrownBy(() -> date.convert("2024-01-01"))
        .hasMessage(
            "Cannot convert a value of column shop.orders.c (DATE): unexpected java.lang.String '2024-01-01'");
  }

  @Test
  void uuidsKeepTheTrailingZeroBytesTheBinlogLeavesOut() {
    Registered uuid = register(column("UUID", OptionalInt.empty(), true, null));
    assertThat(uuid.schema().name()).isEqualTo("io.debezium.data.Uuid");
    byte[] fifteen = new byte[15];
    fifteen[0] = 0x12;
    fifteen[14] = 0x40;
    assertThat(uuid.convert(fifteen)).isEqualTo("12000000-0000-0000-0000-000000004000");
    assertThat(uuid.convert(java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000")))
        .isEqualTo("123e4567-e89b-12d3-a456-426614174000");
  }

  @Test
  void realsAreDoubles() {
    Registered real = register(column("REAL", OptionalInt.empty(), true, null));
    assertThat(real.schema().type()).isEqualTo(Schema.Type.FLOAT64);
    assertThat(real.convert(0.30000000000000004d)).isEqualTo(0.30000000000000004d);
    assertThat(real.convert(1.5f)).isEqualTo(1.5d);
  }

  @Test
  void otherTypesKeepDebeziumsConversion() {
    assertThat(register(column("VARCHAR", OptionalInt.of(10), true, null))).isNull();
    assertThat(register(column("FLOAT", OptionalInt.empty(), true, null))).isNull();
  }

  @Test
  void snapshotSelectsAddToTheUsersAndReplaceTheirOwnOnTheNextStart() {
    Properties userGiven = new Properties();
    userGiven.setProperty("snapshot.select.statement.overrides", "shop.orders");
    userGiven.setProperty(
        "snapshot.select.statement.overrides.shop.orders",
        "SELECT * FROM shop.orders WHERE id > 0");
    Properties properties = (Properties) userGiven.clone();
    Map<String, String> selects = new LinkedHashMap<>();
    selects.put("shop.orders", "SELECT *, CAST(`f` AS DOUBLE) AS `f` FROM `shop`.`orders`");
    selects.put("shop.prices", "SELECT *, CAST(`p` AS DOUBLE) AS `p` FROM `shop`.`prices`");
    BinlogSourceFactory.setSnapshotSelects(properties, userGiven, selects);
    assertThat(properties)
        .containsEntry("snapshot.select.statement.overrides", "shop.orders,shop.prices")
        .containsEntry(
            "snapshot.select.statement.overrides.shop.orders",
            "SELECT * FROM shop.orders WHERE id > 0")
        .containsEntry(
            "snapshot.select.statement.overrides.shop.prices",
            "SELECT *, CAST(`p` AS DOUBLE) AS `p` FROM `shop`.`prices`");

    BinlogSourceFactory.setSnapshotSelects(properties, userGiven, Map.of());
    assertThat(properties).isEqualTo(userGiven);
    BinlogSourceFactory.setSnapshotSelects(properties, new Properties(), Map.of());
    assertThat(properties).doesNotContainKey("snapshot.select.statement.overrides");
  }

  /** A converter registered for a column: its schema and its conversion. */
  private record Registered(Schema schema, Converter converter) {
    Object convert(Object raw) {
      return converter.convert(raw);
    }
  }

  private static Registered register(RelationalColumn column) {
    BinlogValueConverter converter = new BinlogValueConverter();
    converter.configure(new Properties());
    AtomicReference<Registered> registered = new AtomicReference<>();
    converter.converterFor(
        column, (schema, conversion) -> registered.set(new Registered(schema.build(), conversion)));
    return registered.get();
  }

  private static RelationalColumn column(
      String type, OptionalInt length, boolean optional, Object defaultValue) {
    return new RelationalColumn() {
      @Override
      public String name() {
        return "c";
      }

      @Override
      public String dataCollection() {
        return "shop.orders";
      }

      @Override
      public String typeName() {
        return type;
      }

      @Override
      public String typeExpression() {
        return type;
      }

      @Override
      public OptionalInt scale() {
        return OptionalInt.empty();
      }

      @Override
      public int nativeType() {
        return Types.OTHER;
      }

      @Override
      public OptionalInt length() {
        return length;
      }

      @Override
      public int jdbcType() {
        return Types.OTHER;
      }

      @Override
      public boolean isOptional() {
        return optional;
      }

      @Override
      public boolean hasDefaultValue() {
        return defaultValue != null;
      }

      @Override
      public Object defaultValue() {
        return defaultValue;
      }

      @Override
      public String charsetName() {
        return null;
      }
    };
  }
}
