package dev.cdcsync.connectors.load;

import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * Date and timestamp key values as PostgreSQL prints them ({@code 2024-05-06}, {@code 2024-05-06
 * 07:08:09.123456}, {@code 0044-03-15 BC}, {@code infinity}, {@code -infinity}), and their order:
 * by the calendar, as PostgreSQL orders such columns.
 */
final class DateTimes {

  private DateTimes() {}

  /**
   * What orders the text as its value: {@code [rank, year, month, day, nanosecond of the day]},
   * rank 0 for {@code -infinity}, 1 for a date, 2 for {@code infinity}.
   */
  static long[] sortKey(String text) {
    switch (text) {
      case "-infinity":
        return new long[] {0, 0, 0, 0, 0};
      case "infinity":
        return new long[] {2, 0, 0, 0, 0};
      default:
        break;
    }
    boolean beforeChrist = text.endsWith(" BC");
    String value = beforeChrist ? text.substring(0, text.length() - 3) : text;
    int timeAt = Math.max(value.indexOf(' '), value.indexOf('T'));
    String date = timeAt < 0 ? value : value.substring(0, timeAt);
    // The year may have more than four digits (PostgreSQL prints 10000-01-01).
    int monthAt = date.indexOf('-', 1);
    int dayAt = date.indexOf('-', monthAt + 1);
    if (monthAt < 0 || dayAt < 0) {
      throw new IllegalArgumentException("Not a date: " + text);
    }
    long year = Long.parseLong(date.substring(0, monthAt));
    long month = Long.parseLong(date.substring(monthAt + 1, dayAt));
    long day = Long.parseLong(date.substring(dayAt + 1));
    long nanos = timeAt < 0 ? 0 : nanosOfDay(value.substring(timeAt + 1), text);
    return new long[] {1, beforeChrist ? 1 - year : year, month, day, nanos};
  }

  /** {@code HH:MM:SS[.fraction]} as nanoseconds since midnight. */
  private static long nanosOfDay(String time, String text) {
    String[] parts = time.split(":");
    if (parts.length != 3) {
      throw new IllegalArgumentException("Not a timestamp: " + text);
    }
    int dot = parts[2].indexOf('.');
    String seconds = dot < 0 ? parts[2] : parts[2].substring(0, dot);
    long fraction = 0;
    if (dot >= 0) {
      String digits = (parts[2].substring(dot + 1) + "000000000").substring(0, 9);
      fraction = Long.parseLong(digits);
    }
    return ((Long.parseLong(parts[0]) * 60 + Long.parseLong(parts[1])) * 60
                + Long.parseLong(seconds))
            * 1_000_000_000L
        + fraction;
  }

  /** PostgreSQL's first year (4713 BC, as a proleptic year) for dates and timestamps. */
  private static final int FIRST_YEAR = -4712;

  /** PostgreSQL's last year of a date; a timestamp's is {@value #LAST_TIMESTAMP_YEAR}. */
  private static final int LAST_DATE_YEAR = 5874897;

  private static final int LAST_TIMESTAMP_YEAR = 294276;

  /**
   * A date as PostgreSQL prints it (years before 1 as {@code BC}); one beyond PostgreSQL's range
   * as the infinity Debezium made it from.
   */
  static String text(LocalDate date) {
    return date.getYear() > LAST_DATE_YEAR
        ? "infinity"
        : date.getYear() < FIRST_YEAR ? "-infinity" : finiteText(date);
  }

  private static String finiteText(LocalDate date) {
    int year = date.getYear();
    String text =
        String.format(
            "%04d-%02d-%02d",
            year > 0 ? year : 1 - year, date.getMonthValue(), date.getDayOfMonth());
    return year > 0 ? text : text + " BC";
  }

  /**
   * A timestamp as PostgreSQL prints it: the fraction without trailing zeros, if any; one beyond
   * PostgreSQL's range as the infinity Debezium made it from.
   */
  static String text(LocalDateTime time) {
    if (time.getYear() > LAST_TIMESTAMP_YEAR || time.getYear() < FIRST_YEAR) {
      return time.getYear() > 0 ? "infinity" : "-infinity";
    }
    LocalDate date = time.toLocalDate();
    String day = finiteText(date);
    boolean beforeChrist = day.endsWith(" BC");
    StringBuilder text = new StringBuilder(beforeChrist ? day.substring(0, day.length() - 3) : day);
    text.append(
        String.format(" %02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond()));
    if (time.getNano() > 0) {
      String fraction = String.format("%09d", time.getNano()).replaceAll("0+$", "");
      text.append('.').append(fraction);
    }
    return beforeChrist ? text.append(" BC").toString() : text.toString();
  }
}
