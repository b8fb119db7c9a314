package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.function.UnaryOperator;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.parser.SqlParserUtil;

/**
 * {@code temporal ± INTERVAL '…' unit} and {@code INTERVAL '…' unit + temporal}, with an interval
 * literal (single units or compound, {@code '1-2' YEAR TO MONTH}, {@code '1 02:03:04' DAY TO
 * SECOND}), to the millisecond. The result has the temporal's type. Months are calendar months (a
 * TIMESTAMP_LTZ's in the pipeline's time zone); a day-time interval is an exact duration. A DATE
 * takes whole days and a TIME no months: anything else is refused at load rather than cut.
 */
final class Intervals {

  private static final long DAY_MILLIS = 86_400_000L;

  private Intervals() {}

  static Typed add(
      Typed temporal, SqlIntervalLiteral literal, boolean subtract, SqlParserPos pos, ZoneId zone) {
    if (temporal.isNullLiteral()) {
      return Typed.NULL;
    }
    DataType type = temporal.type();
    if (!Types.isTemporal(type)) {
      throw new ExpressionException(
          pos, "an INTERVAL is added to a DATE, TIME or TIMESTAMP, not to " + type);
    }
    SqlIntervalLiteral.IntervalValue interval =
        literal.getValueAs(SqlIntervalLiteral.IntervalValue.class);
    boolean months = interval.getIntervalQualifier().isYearMonth();
    long amount;
    try {
      amount =
          months
              ? SqlParserUtil.intervalToMonths(interval)
              : SqlParserUtil.intervalToMillis(interval);
    } catch (RuntimeException e) {
      throw new ExpressionException(pos, "invalid interval " + literal + ": " + e.getMessage());
    }
    // INTERVAL -'1' DAY: the sign outside the quotes is the literal's, not in its text.
    long signed = (subtract ? -amount : amount) * interval.getSign();
    UnaryOperator<Object> shift =
        switch (type.root()) {
          case DATE -> {
            if (!months && signed % DAY_MILLIS != 0) {
              throw new ExpressionException(
                  pos, "a DATE takes whole days, not " + literal + ": CAST it to TIMESTAMP first");
            }
            yield months
                ? t -> ((LocalDate) t).plusMonths(signed)
                : t -> ((LocalDate) t).plusDays(signed / DAY_MILLIS);
          }
          case TIME -> {
            if (months) {
              throw new ExpressionException(pos, "a TIME has no months: " + literal);
            }
            yield t -> ((LocalTime) t).plus(signed, ChronoUnit.MILLIS);
          }
          case TIMESTAMP ->
              months
                  ? t -> ((LocalDateTime) t).plusMonths(signed)
                  : t -> ((LocalDateTime) t).plus(signed, ChronoUnit.MILLIS);
          default ->
              months
                  ? t -> ((Instant) t).atZone(zone).plusMonths(signed).toInstant()
                  : t -> ((Instant) t).plusMillis(signed);
        };
    return new Typed(type, Operators.strict(temporal.evaluator(), shift), temporal.constant());
  }
}
