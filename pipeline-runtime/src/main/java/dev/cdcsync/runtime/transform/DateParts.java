package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataTypeRoot;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoField;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalField;
import java.util.function.Function;

/**
 * EXTRACT(unit FROM t) and its shorthands YEAR(t) … SECOND(t), as BIGINT. A TIMESTAMP_LTZ is read
 * in the pipeline's time zone; a DATE's hour, minute and second are 0; a TIME has no date part
 * (refused at load). WEEK is the ISO week; DOW (DAYOFWEEK) counts from Sunday = 1.
 */
final class DateParts {

  private static final String UNITS =
      "YEAR, QUARTER, MONTH, WEEK, DAY, DOY, DOW, HOUR, MINUTE, SECOND";

  private DateParts() {}

  /** EXTRACT(unit FROM t): the unit arrives as the first, constant argument. */
  static Typed extract(Call call) {
    return part(call, (String) call.constantValue(0, "the unit"), 1);
  }

  /** The shorthand function for one unit: YEAR(t) is EXTRACT(YEAR FROM t). */
  static Function<Call, Typed> of(String unit) {
    return call -> part(call, unit, 0);
  }

  private static Typed part(Call call, String unit, int index) {
    TemporalField field =
        switch (unit) {
          case "YEAR" -> ChronoField.YEAR;
          case "QUARTER" -> IsoFields.QUARTER_OF_YEAR;
          case "MONTH" -> ChronoField.MONTH_OF_YEAR;
          case "WEEK" -> IsoFields.WEEK_OF_WEEK_BASED_YEAR;
          case "DAY" -> ChronoField.DAY_OF_MONTH;
          case "DOY" -> ChronoField.DAY_OF_YEAR;
          case "DOW" -> ChronoField.DAY_OF_WEEK;
          case "HOUR" -> ChronoField.HOUR_OF_DAY;
          case "MINUTE" -> ChronoField.MINUTE_OF_HOUR;
          case "SECOND" -> ChronoField.SECOND_OF_MINUTE;
          default -> throw call.error(0, "unsupported unit " + unit + "; the units are " + UNITS);
        };
    Typed value =
        call.require(
            index,
            "a DATE, TIME, TIMESTAMP or TIMESTAMP_LTZ",
            DataTypeRoot.DATE,
            DataTypeRoot.TIME,
            DataTypeRoot.TIMESTAMP,
            DataTypeRoot.TIMESTAMP_LTZ);
    boolean timeOfDay = field.isTimeBased();
    if (value.is(DataTypeRoot.TIME) && !timeOfDay) {
      throw call.error(index, "a TIME has no " + unit);
    }
    boolean sundayFirst = field == ChronoField.DAY_OF_WEEK;
    ZoneId zone = call.zone();
    return call.result(
        Types.BIGINT,
        Operators.strict(
            value.evaluator(),
            t -> {
              TemporalAccessor time =
                  t instanceof Instant instant ? instant.atZone(zone) : (TemporalAccessor) t;
              if (time instanceof LocalDate && timeOfDay) {
                return 0L;
              }
              long part = time.getLong(field);
              return sundayFirst ? part % 7 + 1 : part;
            }));
  }
}
