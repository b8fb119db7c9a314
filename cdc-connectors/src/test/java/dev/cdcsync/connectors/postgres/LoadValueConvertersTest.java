package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.relational.Column;
import io.debezium.relational.ValueConverter;
import io.debezium.relational.ValueConverterProvider;
import io.debezium.time.ZonedTimestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

class LoadValueConvertersTest {

  @Test
  void aTimestampInUtcReadsAsDebeziumWritesIt() {
    Random random = new Random(42);
    long first = LocalDateTime.of(1, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC);
    long last = LocalDateTime.of(9999, 12, 31, 23, 59, 59).toEpochSecond(ZoneOffset.UTC);
    List<Instant> instants = new ArrayList<>();
    instants.add(Instant.ofEpochSecond(first));
    instants.add(Instant.ofEpochSecond(last, 999_999_999));
    instants.add(Instant.EPOCH);
    instants.add(Instant.parse("2024-02-29T23:59:59.000001Z"));
    instants.add(Instant.parse("1899-12-31T00:00:00.5Z"));
    for (int i = 0; i < 20_000; i++) {
      long second = first + (long) (random.nextDouble() * (last - first));
      int nanos = random.nextBoolean() ? random.nextInt(1_000_000) * 1_000 : random.nextInt();
      instants.add(Instant.ofEpochSecond(second, Math.floorMod(nanos, 1_000_000_000)));
    }
    for (Instant instant : instants) {
      for (int width = 1; width <= 9; width++) {
        String debezium =
            ZonedTimestamp.toIsoString(
                ZonedDateTime.ofInstant(instant, ZoneOffset.UTC), null, width);
        assertThat(LoadValueConverters.utcText(instant, width))
            .as("%s with %d digits", instant, width)
            .isEqualTo(debezium);
      }
    }
  }

  @Test
  void yearsBeyondFourDigitsAreLeftToDebezium() {
    assertThat(LoadValueConverters.utcText(Instant.parse("+10000-01-01T00:00:00Z"), 6)).isNull();
    assertThat(LoadValueConverters.utcText(Instant.parse("0000-12-31T23:59:59Z"), 6)).isNull();
    // PostgreSQL's driver reads 'infinity' as this instant.
    assertThat(LoadValueConverters.utcText(Instant.ofEpochMilli(9223372036825200000L), 6)).isNull();
  }

  @Test
  void aTimestamptzColumnAsDebeziumSizesItTakesTheShortcut() {
    // Debezium reads timestamptz(6) with length 35 and scale 6; the fraction's width is the scale.
    Column column =
        Column.editor()
            .name("at")
            .type("timestamptz")
            .jdbcType(Types.TIMESTAMP_WITH_TIMEZONE)
            .length(35)
            .scale(6)
            .create();
    Field field = new Field("at", 0, ZonedTimestamp.builder().optional().build());
    ValueConverterProvider debezium =
        new ValueConverterProvider() {
          @Override
          public SchemaBuilder schemaBuilder(Column column) {
            return ZonedTimestamp.builder();
          }

          @Override
          public ValueConverter converter(Column column, Field field) {
            return value -> "debezium:" + value;
          }
        };
    ValueConverter converter = new LoadValueConverters(debezium).converter(column, field);

    assertThat(converter.convert(OffsetDateTime.parse("2024-05-06T07:08:09.1234Z")))
        .isEqualTo("2024-05-06T07:08:09.123400Z");
    assertThat(converter.convert(null)).as("left to Debezium").isEqualTo("debezium:null");
    assertThat(converter.convert(OffsetDateTime.parse("2024-05-06T07:08:09+02:00")))
        .as("not in UTC: left to Debezium")
        .isEqualTo("debezium:2024-05-06T07:08:09+02:00");
  }
}
