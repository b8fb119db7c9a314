package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.CONTEXT;
import static dev.cdcsync.runtime.transform.TransformFixture.ENVIRONMENT;
import static dev.cdcsync.runtime.transform.TransformFixture.NOW;
import static dev.cdcsync.runtime.transform.TransformFixture.SCHEMA;
import static dev.cdcsync.runtime.transform.TransformFixture.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Pipeline option local-time-zone: wall-clock times meet instants in the clock's zone. */
class LocalTimeZoneTest {

  private static final Clock SHANGHAI = Clock.fixed(NOW, ZoneId.of("Asia/Shanghai"));

  private static Object eval(String expression) {
    return TransformProgram.compile(
            "transform rule 1 (line 12)",
            expression + " AS r",
            null,
            SCHEMA,
            ENVIRONMENT::get,
            SHANGHAI)
        .project(row(), CONTEXT)[0];
  }

  @Test
  void readsAndWritesWallClockTimesInTheLocalTimeZone() {
    // ltz is 2024-02-28T13:45:10Z, 21:45:10 in Shanghai (UTC+8); NOW is 2024-03-05T10:15:30.123Z.
    assertThat(eval("CAST(ltz AS STRING)")).isEqualTo("2024-02-28 21:45:10");
    assertThat(eval("CAST(ltz AS TIMESTAMP)")).isEqualTo(LocalDateTime.of(2024, 2, 28, 21, 45, 10));
    assertThat(eval("DATE_FORMAT(ltz, 'HH:mm')")).isEqualTo("21:45");
    assertThat(eval("CAST(ts AS TIMESTAMP_LTZ)")).isEqualTo(Instant.parse("2024-02-28T05:45:10Z"));
    assertThat(eval("CAST('2024-01-01 08:00:00' AS TIMESTAMP_LTZ)"))
        .isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(eval("LOCALTIMESTAMP"))
        .isEqualTo(LocalDateTime.of(2024, 3, 5, 18, 15, 30, 123_000_000));
    assertThat(eval("CURRENT_DATE")).isEqualTo(LocalDate.of(2024, 3, 5));
    assertThat(eval("UNIX_TIMESTAMP('2024-01-01 08:00:00')")).isEqualTo(1704067200L);
    assertThat(eval("ltz > ts")).isEqualTo(true);
  }

  @Test
  void keepsUtcWhenNoZoneIsSet() {
    assertThat(TransformFixture.eval("CAST(ltz AS STRING)")).isEqualTo("2024-02-28 13:45:10");
    assertThat(TransformFixture.eval("ltz > ts")).isEqualTo(false);
  }
}
