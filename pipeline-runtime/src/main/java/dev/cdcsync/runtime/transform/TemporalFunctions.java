package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalUnit;
import java.util.Locale;

/**
 * Date and time functions. Formats are Java date-time patterns (compatible with SimpleDateFormat
 * for the usual letters). Functions without a zone argument work in the pipeline's
 * local-time-zone (UTC unless set): LOCALTIMESTAMP and CURRENT_DATE are its wall clock,
 * TIMESTAMP_LTZ values are formatted in it, and text without an offset is read in it.
 */
final class TemporalFunctions {

  static final String DATE_PATTERN = "yyyy-MM-dd";
  static final String TIMESTAMP_PATTERN = "yyyy-MM-dd HH:mm:ss";
  private static final DateTimeFormatter DATE_TEXT = formatter(DATE_PATTERN);

  private TemporalFunctions() {}

  static Typed localTime(Call call) {
    return call.result(
        Types.TIME,
        (row, context) ->
            LocalTime.ofInstant(call.clock().instant(), call.zone())
                .truncatedTo(ChronoUnit.SECONDS));
  }

  static Typed localTimestamp(Call call) {
    return call.result(
        Types.TIMESTAMP,
        (row, context) ->
            LocalDateTime.ofInstant(Instant.ofEpochMilli(call.clock().millis()), call.zone()));
  }

  static Typed currentDate(Call call) {
    return call.result(
        Types.DATE, (row, context) -> LocalDate.ofInstant(call.clock().instant(), call.zone()));
  }

  static Typed currentTimestamp(Call call) {
    return call.result(
        Types.TIMESTAMP_LTZ, (row, context) -> Instant.ofEpochMilli(call.clock().millis()));
  }

  /** DATE_FORMAT(t, format): TIMESTAMP, TIMESTAMP_LTZ (in the local zone), DATE, TIME or timestamp text. */
  static Typed dateFormat(Call call) {
    Evaluator formatter = formatterArgument(call, 1, null);
    Evaluator value = wallClock(call, 0, call.zone(), true);
    return call.result(
        Types.STRING,
        Operators.strict(
            value,
            formatter,
            (t, f) -> format((DateTimeFormatter) f, (java.time.temporal.TemporalAccessor) t)));
  }

  /** DATE_FORMAT_TZ(t, [format,] zone): a TIMESTAMP_LTZ is shown in the zone; a TIMESTAMP as is. */
  static Typed dateFormatTz(Call call) {
    int zoneIndex = call.size() - 1;
    Evaluator formatter = formatterArgument(call, call.size() == 3 ? 1 : -1, TIMESTAMP_PATTERN);
    Evaluator zone =
        Operators.strict(call.string(zoneIndex), z -> zone(call, zoneIndex, (String) z));
    call.require(
        0, "a TIMESTAMP or TIMESTAMP_LTZ", DataTypeRoot.TIMESTAMP, DataTypeRoot.TIMESTAMP_LTZ);
    boolean instant = call.argument(0).is(DataTypeRoot.TIMESTAMP_LTZ);
    Evaluator zoned =
        Operators.strict(
            call.argument(0).evaluator(),
            zone,
            (t, z) ->
                instant
                    ? ((Instant) t).atZone((ZoneId) z)
                    : ((LocalDateTime) t).atZone((ZoneId) z));
    return call.result(
        Types.STRING,
        Operators.strict(
            zoned,
            formatter,
            (t, f) -> format((DateTimeFormatter) f, (java.time.temporal.TemporalAccessor) t)));
  }

  /** TIMESTAMPADD(unit, n, t): t is a TIMESTAMP, TIMESTAMP_LTZ or DATE (DATE: day units and up). */
  static Typed timestampAdd(Call call) {
    TemporalUnit unit = unit(call);
    Evaluator amount =
        Operators.coerce(
            call.require(1, "an integer", DataTypeRoot.INT, DataTypeRoot.BIGINT),
            Types.BIGINT,
            call.position(1),
            call.zone());
    Typed time =
        call.require(
            2,
            "a TIMESTAMP, TIMESTAMP_LTZ or DATE",
            DataTypeRoot.TIMESTAMP,
            DataTypeRoot.TIMESTAMP_LTZ,
            DataTypeRoot.DATE);
    DataType type = time.isNullLiteral() ? Types.TIMESTAMP : time.type();
    if (type.root() == DataTypeRoot.DATE && !unit.isDateBased()) {
      throw call.error(0, "a DATE cannot take a time unit");
    }
    return call.result(
        type,
        Operators.strict(
            time.evaluator(),
            amount,
            (t, n) ->
                switch (type.root()) {
                  case TIMESTAMP_LTZ ->
                      LocalDateTime.ofInstant((Instant) t, call.zone())
                          .plus((Long) n, unit)
                          .atZone(call.zone())
                          .toInstant();
                  case DATE -> ((LocalDate) t).plus((Long) n, unit);
                  default -> ((LocalDateTime) t).plus((Long) n, unit);
                }));
  }

  /** TIMESTAMPDIFF(unit, t1, t2): whole units from t1 to t2, as INT. */
  static Typed timestampDiff(Call call) {
    TemporalUnit unit = unit(call);
    Evaluator from = wallClock(call, 1, call.zone(), false);
    Evaluator to = wallClock(call, 2, call.zone(), false);
    return call.result(
        Types.INT,
        Operators.strict(
            from,
            to,
            (a, b) -> {
              long units = unit.between((LocalDateTime) a, (LocalDateTime) b);
              if (units != (int) units) {
                throw new EvaluationException(
                    "TIMESTAMPDIFF: the result is out of the range of INT");
              }
              return (int) units;
            }));
  }

  private static TemporalUnit unit(Call call) {
    String unit = (String) call.constantValue(0, "the time unit");
    return switch (unit) {
      case "MICROSECOND" -> ChronoUnit.MICROS;
      case "MILLISECOND" -> ChronoUnit.MILLIS;
      case "SECOND" -> ChronoUnit.SECONDS;
      case "MINUTE" -> ChronoUnit.MINUTES;
      case "HOUR" -> ChronoUnit.HOURS;
      case "DAY" -> ChronoUnit.DAYS;
      case "WEEK" -> ChronoUnit.WEEKS;
      case "MONTH" -> ChronoUnit.MONTHS;
      case "QUARTER" -> IsoFields.QUARTER_YEARS;
      case "YEAR" -> ChronoUnit.YEARS;
      default -> throw call.error(0, "unsupported time unit: " + unit);
    };
  }

  static Typed toDate(Call call) {
    Evaluator formatter = formatterArgument(call, call.size() == 2 ? 1 : -1, DATE_PATTERN);
    return call.result(
        Types.DATE,
        Operators.strict(
            call.string(0),
            formatter,
            (s, f) ->
                parse(() -> LocalDate.from(((DateTimeFormatter) f).parse((String) s)), "TO_DATE")));
  }

  static Typed toTimestamp(Call call) {
    Evaluator formatter = formatterArgument(call, call.size() == 2 ? 1 : -1, TIMESTAMP_PATTERN);
    return call.result(
        Types.TIMESTAMP,
        Operators.strict(
            call.string(0),
            formatter,
            (s, f) ->
                parse(
                    () -> LocalDateTime.from(((DateTimeFormatter) f).parse((String) s)),
                    "TO_TIMESTAMP")));
  }

  /**
   * TO_TIMESTAMP_LTZ(epoch [, precision]) with precision 0 (seconds) or 3 (milliseconds, the
   * default); TO_TIMESTAMP_LTZ(text [, format [, zone]]), format 'yyyy-MM-dd HH:mm:ss.SSS', zone the local one.
   */
  static Typed toTimestampLtz(Call call) {
    Typed value =
        call.require(
            0,
            "an integer or a STRING",
            DataTypeRoot.INT,
            DataTypeRoot.BIGINT,
            DataTypeRoot.STRING);
    if (!value.is(DataTypeRoot.STRING)) {
      Evaluator epoch = Operators.coerce(value, Types.BIGINT, call.position(0), call.zone());
      int precision = 3;
      if (call.size() == 2) {
        call.require(1, "0 or 3", DataTypeRoot.INT);
        Object p = call.constantValue(1, "the precision");
        precision = p == null ? 3 : (Integer) p;
      }
      if (call.size() == 3 || precision != 0 && precision != 3) {
        throw call.error(call.size() - 1, "the precision must be 0 or 3");
      }
      boolean seconds = precision == 0;
      return call.result(
          Types.TIMESTAMP_LTZ,
          Operators.strict(
              epoch,
              e -> seconds ? Instant.ofEpochSecond((Long) e) : Instant.ofEpochMilli((Long) e)));
    }
    Evaluator formatter =
        formatterArgument(call, call.size() >= 2 ? 1 : -1, "yyyy-MM-dd HH:mm:ss.SSS");
    Evaluator zone =
        call.size() == 3
            ? Operators.strict(call.string(2), z -> zone(call, 2, (String) z))
            : (row, context) -> call.zone();
    Evaluator local =
        Operators.strict(
            call.string(0),
            formatter,
            (s, f) ->
                parse(
                    () -> LocalDateTime.from(((DateTimeFormatter) f).parse((String) s)),
                    "TO_TIMESTAMP_LTZ"));
    return call.result(
        Types.TIMESTAMP_LTZ,
        Operators.strict(
            local, zone, (t, z) -> ((LocalDateTime) t).atZone((ZoneId) z).toInstant()));
  }

  /** FROM_UNIXTIME(seconds [, format]): text of the local time, format 'yyyy-MM-dd HH:mm:ss'. */
  static Typed fromUnixtime(Call call) {
    Evaluator seconds =
        Operators.coerce(
            call.require(0, "an integer", DataTypeRoot.INT, DataTypeRoot.BIGINT),
            Types.BIGINT,
            call.position(0),
            call.zone());
    Evaluator formatter = formatterArgument(call, call.size() == 2 ? 1 : -1, TIMESTAMP_PATTERN);
    return call.result(
        Types.STRING,
        Operators.strict(
            seconds,
            formatter,
            (s, f) ->
                format(
                    (DateTimeFormatter) f, Instant.ofEpochSecond((Long) s).atZone(call.zone()))));
  }

  /** UNIX_TIMESTAMP(): now in seconds; UNIX_TIMESTAMP(text [, format]): text read in the local zone. */
  static Typed unixTimestamp(Call call) {
    if (call.size() == 0) {
      return call.result(Types.BIGINT, (row, context) -> call.clock().millis() / 1000);
    }
    Evaluator formatter = formatterArgument(call, call.size() == 2 ? 1 : -1, TIMESTAMP_PATTERN);
    return call.result(
        Types.BIGINT,
        Operators.strict(
            call.string(0),
            formatter,
            (s, f) ->
                parse(
                        () -> LocalDateTime.from(((DateTimeFormatter) f).parse((String) s)),
                        "UNIX_TIMESTAMP")
                    .atZone(call.zone())
                    .toEpochSecond()));
  }

  /** DATE_ADD(t, days): the date as 'yyyy-MM-dd' text (as Flink CDC); t is a date, timestamp or text. */
  static Typed dateAdd(Call call) {
    Evaluator date =
        Operators.strict(
            wallClock(call, 0, call.zone(), false), t -> ((LocalDateTime) t).toLocalDate());
    Evaluator days = call.integer(1);
    return call.result(
        Types.STRING,
        Operators.strict(
            date, days, (d, n) -> ((LocalDate) d).plusDays((Integer) n).format(DATE_TEXT)));
  }

  /**
   * Argument {@code index} as a LocalDateTime (TIMESTAMP_LTZ in {@code zone}, DATE at midnight,
   * text as a timestamp); with {@code keepDateAndTime}, DATE and TIME values stay as they are.
   */
  private static Evaluator wallClock(Call call, int index, ZoneId zone, boolean keepDateAndTime) {
    Typed value =
        keepDateAndTime
            ? call.require(
                index,
                "a date, time, timestamp or text",
                DataTypeRoot.TIMESTAMP,
                DataTypeRoot.TIMESTAMP_LTZ,
                DataTypeRoot.DATE,
                DataTypeRoot.TIME,
                DataTypeRoot.STRING)
            : call.require(
                index,
                "a date, timestamp or text",
                DataTypeRoot.TIMESTAMP,
                DataTypeRoot.TIMESTAMP_LTZ,
                DataTypeRoot.DATE,
                DataTypeRoot.STRING);
    if (value.isNullLiteral()) {
      return value.evaluator();
    }
    return switch (value.type().root()) {
      case TIMESTAMP_LTZ ->
          Operators.strict(value.evaluator(), t -> LocalDateTime.ofInstant((Instant) t, zone));
      case DATE ->
          keepDateAndTime
              ? value.evaluator()
              : Operators.strict(value.evaluator(), t -> ((LocalDate) t).atStartOfDay());
      case STRING -> Operators.strict(value.evaluator(), t -> Casts.parseTimestamp((String) t));
      default -> value.evaluator();
    };
  }

  /** An evaluator of the formatter of argument {@code index}, or of {@code fallback} when index < 0. */
  private static Evaluator formatterArgument(Call call, int index, String fallback) {
    if (index < 0) {
      DateTimeFormatter formatter = formatter(fallback);
      return (row, context) -> formatter;
    }
    Typed pattern = call.require(index, "a STRING", DataTypeRoot.STRING);
    if (pattern.constant()) {
      Object text = pattern.value();
      if (text == null) {
        return (row, context) -> null;
      }
      DateTimeFormatter formatter;
      try {
        formatter = formatter((String) text);
      } catch (IllegalArgumentException e) {
        throw call.error(index, "invalid date-time format: " + e.getMessage());
      }
      return (row, context) -> formatter;
    }
    return Operators.strict(
        pattern.evaluator(),
        text -> {
          try {
            return formatter((String) text);
          } catch (IllegalArgumentException e) {
            throw new EvaluationException(call.name() + ": invalid date-time format");
          }
        });
  }

  /** A formatter that also parses text missing the time (midnight) or the day (the first). */
  static DateTimeFormatter formatter(String pattern) {
    return new DateTimeFormatterBuilder()
        .appendPattern(pattern)
        .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
        .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
        .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
        .toFormatter(Locale.ROOT);
  }

  private static ZoneId zone(Call call, int index, String zone) {
    try {
      return ZoneId.of(zone);
    } catch (DateTimeException e) {
      throw new EvaluationException(call.name() + ": unknown time zone");
    }
  }

  private static String format(
      DateTimeFormatter formatter, java.time.temporal.TemporalAccessor value) {
    try {
      return formatter.format(value);
    } catch (DateTimeException e) {
      throw new EvaluationException("the format asks for a field the value does not have");
    }
  }

  private interface Parse<T> {
    T run();
  }

  private static <T> T parse(Parse<T> parse, String function) {
    try {
      return parse.run();
    } catch (DateTimeException e) {
      throw new EvaluationException(function + ": the text does not match the format");
    }
  }
}
