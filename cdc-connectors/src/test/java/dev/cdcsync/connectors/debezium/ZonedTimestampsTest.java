package dev.cdcsync.connectors.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ZonedTimestampsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2024-05-06T07:08:09Z",
        "2024-05-06T07:08:09.1Z",
        "2024-05-06T07:08:09.123456Z",
        "2024-05-06T07:08:09.123456789Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999Z",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999999Z",
        "2024-02-29T12:00:00Z",
        "2024-05-06T07:08:09+02:00",
        "2024-05-06T07:08:09.5-03:30",
        "+12024-05-06T07:08:09Z"
      })
  void readsWhatOffsetDateTimeReads(String text) {
    assertThat(ZonedTimestamps.parse(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  @Test
  void agreesWithOffsetDateTimeOnRandomInstantsAsDebeziumWritesThem() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              random.nextLong(-62_000_000_000L, 253_000_000_000L), random.nextInt(1_000_000_000));
      String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
      assertThat(ZonedTimestamps.parse(text)).as(text).isEqualTo(instant);
    }
  }

  @Test
  void rejectsWhatIsNotATimestamp() {
    assertThatThrownBy(() -> ZonedTimestamps.parse("2024-13-06T07:08:09Z"))
        .isInstanceOf(java.time.DateTimeException.class);
    assertThatThrownBy(() -> ZonedTimestamps.parse("2024-05-06T25:08:09Z"))
        .isInstanceOf(DateTimeParseException.class);
    assertThatThrownBy(() -> ZonedTimestamps.parse("not a timestamp"))
        .isInstanceOf(DateTimeParseException.class);
  }
}
