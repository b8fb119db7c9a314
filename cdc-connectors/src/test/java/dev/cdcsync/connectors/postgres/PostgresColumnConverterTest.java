package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.PermanentPipelineException;
import io.debezium.connector.postgresql.UnchangedToastedReplicationMessageColumn;
import io.debezium.data.SpecialValueDecimal;
import io.debezium.spi.converter.CustomConverter.Converter;
import io.debezium.spi.converter.RelationalColumn;
import java.math.BigDecimal;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;
import org.postgresql.geometric.PGcircle;
import org.postgresql.util.PGobject;

class PostgresColumnConverterTest {

  /** A column as Debezium describes it to a custom converter. */
  private record Column(String typeName, int jdbcType, OptionalInt length, OptionalInt scale)
      implements RelationalColumn {
    @Override
    public String name() {
      return "c";
    }

    @Override
    public String dataCollection() {
      return "db.public.t";
    }

    @Override
    public int nativeType() {
      return 0;
    }

    @Override
    public String typeExpression() {
      return typeName;
    }

    @Override
    public boolean isOptional() {
      return true;
    }

    @Override
    public Object defaultValue() {
      return null;
    }

    @Override
    public boolean hasDefaultValue() {
      return false;
    }
  }

  /** What the converter registered for one column. */
  private record Registration(Schema schema, Converter converter) {}

  @Test
  void keepsUnboundedNumericsAsExactTextWithNaNAndInfinities() {
    Registration numeric =
        register(new Column("numeric", Types.NUMERIC, OptionalInt.of(0), OptionalInt.of(0)));
    assertThat(numeric.schema().type()).isEqualTo(Schema.Type.STRING);
    assertThat(numeric.schema().name()).isNull();
    assertThat(numeric.converter().convert(SpecialValueDecimal.NOT_A_NUMBER)).isEqualTo("NaN");
    assertThat(numeric.converter().convert(SpecialValueDecimal.POSITIVE_INF)).isEqualTo("Infinity");
    assertThat(numeric.converter().convert(SpecialValueDecimal.NEGATIVE_INF))
        .isEqualTo("-Infinity");
    assertThat(numeric.converter().convert(new SpecialValueDecimal(new BigDecimal("1.2300"))))
        .isEqualTo("1.2300");
    assertThat(numeric.converter().convert(new SpecialValueDecimal(new BigDecimal("1E+3"))))
        .isEqualTo("1000");
    assertThat(numeric.converter().convert(null)).isNull();
    Registration quirk =
        register(new Column("numeric", Types.NUMERIC, OptionalInt.of(131089), OptionalInt.empty()));
    assertThat(quirk.schema().name()).isNull();
  }

  @Test
  void handsBoundedNumericsOnWithPrecisionAndScale() {
    Registration numeric =
        register(new Column("numeric", Types.NUMERIC, OptionalInt.of(12), OptionalInt.of(2)));
    assertThat(numeric.schema().name()).isEqualTo(PostgresColumnConverter.BOUNDED_NUMERIC);
    assertThat(numeric.schema().parameters()).isEqualTo(Map.of("precision", "12", "scale", "2"));
    assertThat(numeric.converter().convert(new SpecialValueDecimal(new BigDecimal("-5.10"))))
        .isEqualTo("-5.10");
    assertThat(numeric.converter().convert(SpecialValueDecimal.NOT_A_NUMBER)).isEqualTo("NaN");
    Registration integral =
        register(new Column("numeric", Types.NUMERIC, OptionalInt.of(5), OptionalInt.empty()));
    assertThat(integral.schema().parameters()).isEqualTo(Map.of("precision", "5", "scale", "0"));
  }

  @Test
  void writesGeometricAndCompositeValuesAsPostgresText() throws Exception {
    Registration circle =
        register(new Column("circle", Types.OTHER, OptionalInt.empty(), OptionalInt.empty()));
    assertThat(circle.schema().type()).isEqualTo(Schema.Type.STRING);
    assertThat(circle.converter().convert(new PGcircle("<(1.0,2.0),3.0>"))).isEqualTo("<(1,2),3>");
    Registration pair =
        register(new Column("pair", Types.STRUCT, OptionalInt.empty(), OptionalInt.empty()));
    PGobject row = new PGobject();
    row.setType("pair");
    row.setValue("(1,\"x y\")");
    assertThat(pair.converter().convert(row)).isEqualTo("(1,\"x y\")");
    assertThat(pair.converter().convert("(2,)")).isEqualTo("(2,)");
  }

  @Test
  void givesUnchangedToastValuesDebeziumsPlaceholder() {
    PostgresColumnConverter converter = new PostgresColumnConverter();
    Properties properties = new Properties();
    properties.setProperty(PostgresColumnConverter.PLACEHOLDER_PROPERTY, "__unchanged__");
    converter.configure(properties);
    Registration polygon =
        register(
            converter,
            new Column("polygon", Types.OTHER, OptionalInt.empty(), OptionalInt.empty()));
    assertThat(
            polygon
                .converter()
                .convert(UnchangedToastedReplicationMessageColumn.UNCHANGED_TOAST_VALUE))
        .isEqualTo("__unchanged__");
  }

  @Test
  void readsArraysDebeziumDropsOrRoundsFromTheirText() throws Exception {
    Registration times =
        register(new Column("_time", Types.ARRAY, OptionalInt.of(15), OptionalInt.of(6)));
    assertThat(times.schema().valueSchema().name()).isEqualTo("io.debezium.time.MicroTime");
    assertThat(times.converter().convert("{23:59:59.123456,NULL,24:00:00}"))
        .isEqualTo(Arrays.asList(86_399_123_456L, null, 86_400_000_000L));
    Registration intervals =
        register(new Column("_interval", Types.ARRAY, OptionalInt.empty(), OptionalInt.empty()));
    assertThat(intervals.converter().convert("{\"1 year 2 mons -3 days 04:05:06.789012\"}"))
        .isEqualTo(List.of("P1Y2M-3DT4H5M6.789012S"));
    Registration numerics =
        register(new Column("_numeric", Types.ARRAY, OptionalInt.of(0), OptionalInt.of(0)));
    assertThat(numerics.converter().convert("{1.50,NaN,-Infinity}"))
        .isEqualTo(List.of("1.50", "NaN", "-Infinity"));
    Registration bounded =
        register(new Column("_numeric", Types.ARRAY, OptionalInt.of(6), OptionalInt.of(2)));
    assertThat(bounded.schema().valueSchema().name())
        .isEqualTo(PostgresColumnConverter.BOUNDED_NUMERIC);
    Registration boxes =
        register(new Column("_box", Types.ARRAY, OptionalInt.empty(), OptionalInt.empty()));
    assertThat(boxes.converter().convert("{(1,1),(0,0);(3,2),(1,-4)}"))
        .isEqualTo(List.of("(1,1),(0,0)", "(3,2),(1,-4)"));
    Registration points =
        register(new Column("_point", Types.ARRAY, OptionalInt.empty(), OptionalInt.empty()));
    List<?> converted = (List<?>) points.converter().convert("{\"(1.5,-2)\",NULL}");
    assertThat(((Struct) converted.get(0)).getFloat64("x")).isEqualTo(1.5);
    assertThat(converted.get(1)).isNull();
  }

  @Test
  void readsEveryArrayFromItsTextRefusingWhatAListCannotHold() {
    Registration ints =
        register(new Column("_int4", Types.ARRAY, OptionalInt.of(10), OptionalInt.of(0)));
    assertThat(ints.schema().valueSchema()).isEqualTo(Schema.OPTIONAL_INT32_SCHEMA);
    assertThat(ints.converter().convert("{1,NULL,-3}")).isEqualTo(Arrays.asList(1, null, -3));
    assertThat(ints.converter().convert("{}")).isEqualTo(List.of());
    assertThatThrownBy(() -> ints.converter().convert("{{1,2},{3,4}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .cause()
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot replicate column db.public.t.c: its value '{{1,2},{3,4}}' has several dimensions,"
                + " which a list does not hold; declare the column with its dimensions (ALTER TABLE ... ALTER"
                + " COLUMN ... TYPE ...[][]), which cdc-sync keeps as PostgreSQL's text, or drop the column with"
                + " debezium.column.exclude.list");
    assertThatThrownBy(() -> ints.converter().convert("[0:1]={7,8}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("explicit bounds");
    assertThat(
            ints.converter()
                .convert(UnchangedToastedReplicationMessageColumn.UNCHANGED_INT_ARRAY_TOAST_VALUE))
        .isEqualTo(
            List.of(
                95, 95, 100, 101, 98, 101, 122, 105, 117, 109, 95, 117, 110, 97, 118, 97, 105, 108,
                97, 98, 108, 101, 95, 118, 97, 108, 117, 101));
    Registration stamps =
        register(new Column("_timestamptz", Types.ARRAY, OptionalInt.of(35), OptionalInt.of(6)));
    assertThat(
            stamps
                .converter()
                .convert(
                    "{\"2024-03-10 02:30:00.000001+00\",\"2024-03-10 08:00:00+05:30\",\"1900-01-01 00:00:00+00:09:21\"}"))
        .isEqualTo(
            List.of("2024-03-10T02:30:00.000001Z", "2024-03-10T02:30:00Z", "1899-12-31T23:50:39Z"));
    Registration walls =
        register(new Column("_timestamp", Types.ARRAY, OptionalInt.of(29), OptionalInt.of(6)));
    assertThat(walls.converter().convert("{\"1969-12-31 23:59:59.999999\"}"))
        .isEqualTo(List.of(-1L));
    Registration dates =
        register(new Column("_date", Types.ARRAY, OptionalInt.of(13), OptionalInt.of(0)));
    assertThat(dates.converter().convert("{1970-01-02,NULL}")).isEqualTo(Arrays.asList(1, null));
    Registration blobs =
        register(new Column("_bytea", Types.ARRAY, OptionalInt.empty(), OptionalInt.empty()));
    List<?> bytes = (List<?>) blobs.converter().convert("{\"\\\\x00ff\",NULL}");
    assertThat((byte[]) bytes.get(0)).containsExactly(0, -1);
    Registration flags =
        register(new Column("_bool", Types.ARRAY, OptionalInt.empty(), OptionalInt.empty()));
    assertThat(flags.converter().convert("{t,f,NULL}")).isEqualTo(Arrays.asList(true, false, null));
    Registration texts =
        register(new Column("_text", Types.ARRAY, OptionalInt.empty(), OptionalInt.empty()));
    assertThat(
            texts
                .converter()
                .convert(UnchangedToastedReplicationMessageColumn.UNCHANGED_TEXT_ARRAY_TOAST_VALUE))
        .isEqualTo(List.of("__debezium_unavailable_value"));
  }

  @Test
  void leavesOtherTypesToDebezium() {
    assertThat(
            registration(
                new PostgresColumnConverter(),
                new Column("point", Types.OTHER, OptionalInt.empty(), OptionalInt.empty())))
        .isNull();
    assertThat(
            registration(
                new PostgresColumnConverter(),
                new Column("int4", Types.INTEGER, OptionalInt.of(10), OptionalInt.of(0))))
        .isNull();
  }

  private static Registration register(RelationalColumn column) {
    return register(new PostgresColumnConverter(), column);
  }

  private static Registration register(PostgresColumnConverter converter, RelationalColumn column) {
    Registration registration = registration(converter, column);
    assertThat(registration).as("a registration for " + column).isNotNull();
    return registration;
  }

  private static Registration registration(
      PostgresColumnConverter converter, RelationalColumn column) {
    Registration[] registered = new Registration[1];
    converter.converterFor(
        column,
        (SchemaBuilder schema, Converter function) ->
            registered[0] = new Registration(schema.build(), function));
    return registered[0];
  }
}
