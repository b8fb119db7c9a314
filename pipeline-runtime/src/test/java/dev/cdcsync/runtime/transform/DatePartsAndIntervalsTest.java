package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.compile;
import static dev.cdcsync.runtime.transform.TransformFixture.eval;
import static dev.cdcsync.runtime.transform.TransformFixture.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.DataTypeRoot;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/**
 * EXTRACT, YEAR … SECOND and temporal ± INTERVAL (row: TransformFixture; d 2024-02-28, t 13:45:10,
 * ts 2024-02-28 13:45:10, ltz 2024-02-28T13:45:10Z, a Wednesday in ISO week 9).
 */
class DatePartsAndIntervalsTest {

  @Test
  void theStartUpCheckTakesTheSpecialSyntax() {
    assertThatCode(
            () ->
                TransformSyntax.check(
                    "rule",
                    "EXTRACT(DOW FROM ts) AS dow, ts - INTERVAL '1' DAY AS before, a[1] AS first,"
                        + " POSITION('a' IN s FROM 2) AS p, OVERLAY(s PLACING 'x' FROM 1 FOR 2) AS o",
                    "YEAR(ts) > 2000 AND ARRAY[1, 2][2] = 2"))
        .doesNotThrowAnyException();
  }

  @Test
  void extractsEachUnit() {
    assertThat(eval("EXTRACT(YEAR FROM ts)")).isEqualTo(2024L);
    assertThat(eval("EXTRACT(QUARTER FROM d)")).isEqualTo(1L);
    assertThat(eval("EXTRACT(MONTH FROM ltz)")).isEqualTo(2L);
    assertThat(eval("EXTRACT(WEEK FROM d)")).isEqualTo(9L);
    assertThat(eval("EXTRACT(DAY FROM ts)")).isEqualTo(28L);
    assertThat(eval("EXTRACT(DOY FROM ts)")).isEqualTo(59L);
    assertThat(eval("EXTRACT(DOW FROM ts)")).as("Sunday is 1").isEqualTo(4L);
    assertThat(eval("EXTRACT(HOUR FROM t)")).isEqualTo(13L);
    assertThat(eval("EXTRACT(MINUTE FROM ts)")).isEqualTo(45L);
    assertThat(eval("EXTRACT(SECOND FROM ltz)")).isEqualTo(10L);
    assertThat(eval("EXTRACT(HOUR FROM d)")).as("a date's midnight").isEqualTo(0L);
    assertThat(type("EXTRACT(YEAR FROM ts)").root()).isEqualTo(DataTypeRoot.BIGINT);
    assertThat(eval("EXTRACT(YEAR FROM CAST(nothing AS DATE))")).isNull();
  }

  @Test
  void theShorthandsAreExtract() {
    assertThat(eval("YEAR(d)")).isEqualTo(2024L);
    assertThat(eval("QUARTER(ts)")).isEqualTo(1L);
    assertThat(eval("MONTH(ts)")).isEqualTo(2L);
    assertThat(eval("WEEK(ts)")).isEqualTo(9L);
    assertThat(eval("DAYOFYEAR(ts)")).isEqualTo(59L);
    assertThat(eval("DAYOFMONTH(ts)")).isEqualTo(28L);
    assertThat(eval("DAYOFWEEK(DATE '2024-03-03')")).as("a Sunday").isEqualTo(1L);
    assertThat(eval("DAYOFWEEK(DATE '2024-03-02')")).as("a Saturday").isEqualTo(7L);
    assertThat(eval("HOUR(ts)")).isEqualTo(13L);
    assertThat(eval("MINUTE(t)")).isEqualTo(45L);
    assertThat(eval("SECOND(t)")).isEqualTo(10L);
  }

  @Test
  void readsAnInstantInThePipelinesTimeZone() {
    TransformProgram tokyo =
        TransformProgram.compile(
            "rule",
            "HOUR(ltz) AS h, DAYOFMONTH(ltz) AS d",
            null,
            TransformFixture.SCHEMA,
            TransformFixture.ENVIRONMENT::get,
            Clock.fixed(TransformFixture.NOW, ZoneId.of("Asia/Tokyo")));
    assertThat(tokyo.project(TransformFixture.row(), TransformFixture.CONTEXT))
        .containsExactly(22L, 28L);
  }

  @Test
  void refusesAUnitTheValueHasNotAtLoad() {
    assertThatThrownBy(() -> compile("YEAR(t) AS r", null))
        .hasMessageContaining("YEAR: a TIME has no YEAR");
    assertThatThrownBy(() -> compile("EXTRACT(MILLISECOND FROM ts) AS r", null))
        .hasMessageContaining("EXTRACT: unsupported unit MILLISECOND; the units are YEAR,");
    assertThatThrownBy(() -> compile("MONTH(name) AS r", null))
        .hasMessageContaining("MONTH: argument 1 must be a DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ");
  }

  @Test
  void addsAndSubtractsIntervals() {
    assertThat(eval("ts + INTERVAL '1' DAY")).isEqualTo(LocalDateTime.of(2024, 2, 29, 13, 45, 10));
    assertThat(eval("INTERVAL '1-2' YEAR TO MONTH + ts"))
        .isEqualTo(LocalDateTime.of(2025, 4, 28, 13, 45, 10));
    assertThat(eval("ts - INTERVAL '1 02:03:04.5' DAY TO SECOND"))
        .isEqualTo(LocalDateTime.of(2024, 2, 27, 11, 42, 5, 500_000_000));
    assertThat(eval("d + INTERVAL '2' DAY")).isEqualTo(LocalDate.of(2024, 3, 1));
    assertThat(eval("d + INTERVAL -'2' DAY")).isEqualTo(LocalDate.of(2024, 2, 26));
    assertThat(eval("d - INTERVAL -'1' YEAR")).isEqualTo(LocalDate.of(2025, 2, 28));
    assertThat(eval("d + INTERVAL '-2' DAY")).isEqualTo(LocalDate.of(2024, 2, 26));
    assertThat(eval("ts + INTERVAL '-1 01:00:00' DAY TO SECOND"))
        .isEqualTo(LocalDateTime.of(2024, 2, 27, 12, 45, 10));
    assertThat(eval("d - INTERVAL '1' MONTH")).isEqualTo(LocalDate.of(2024, 1, 28));
    assertThat(eval("DATE '2024-01-31' + INTERVAL '1' MONTH")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(eval("t + INTERVAL '11' HOUR")).as("wraps").isEqualTo(LocalTime.of(0, 45, 10));
    assertThat(eval("ltz + INTERVAL '90' MINUTE")).isEqualTo(Instant.parse("2024-02-28T15:15:10Z"));
    assertThat(eval("ltz - INTERVAL '1' YEAR")).isEqualTo(Instant.parse("2023-02-28T13:45:10Z"));
    assertThat(eval("CAST(nothing AS TIMESTAMP) + INTERVAL '1' DAY")).isNull();
    assertThat(type("d + INTERVAL '1' DAY").root()).isEqualTo(DataTypeRoot.DATE);
  }

  @Test
  void monthsOfAnInstantAreCalendarMonthsOfThePipelinesZone() {
    TransformProgram berlin =
        TransformProgram.compile(
            "rule",
            "ltz + INTERVAL '1' MONTH AS r",
            null,
            TransformFixture.SCHEMA,
            TransformFixture.ENVIRONMENT::get,
            Clock.fixed(TransformFixture.NOW, ZoneId.of("Europe/Berlin")));
    Object[] row = TransformFixture.row();
    row[12] = Instant.parse("2024-03-01T12:00:00Z"); // 13:00 in Berlin; DST begins on 31 March
    assertThat(berlin.project(row, TransformFixture.CONTEXT))
        .containsExactly(Instant.parse("2024-04-01T11:00:00Z"));
  }

  @Test
  void refusesWhatWouldBeCutAtLoad() {
    assertThatThrownBy(() -> compile("d + INTERVAL '36' HOUR AS r", null))
        .hasMessageContaining("a DATE takes whole days, not INTERVAL '36' HOUR");
    assertThatThrownBy(() -> compile("t + INTERVAL '1' MONTH AS r", null))
        .hasMessageContaining("a TIME has no months");
    assertThatThrownBy(() -> compile("id + INTERVAL '1' DAY AS r", null))
        .hasMessageContaining("an INTERVAL is added to a DATE, TIME or TIMESTAMP, not to INT");
    assertThatThrownBy(() -> compile("INTERVAL '1' DAY AS r", null))
        .hasMessageContaining("an INTERVAL is only added to or subtracted from");
  }
}
