package dev.cdcsync.connectors.debezium;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;

/**
 * Reads Debezium's {@code io.debezium.time.ZonedTimestamp} text ({@code 2024-05-06T07:08:09.123456Z}).
 * The UTC form Debezium writes is read by hand, which is several times faster than {@link
 * OffsetDateTime#parse} on a path taken for every such value; anything else goes to it.
 */
final class ZonedTimestamps {

  private ZonedTimestamps() {}

  static Instant parse(String text) {
    int length = text.length();
    if (length < 20
        || text.charAt(length - 1) != 'Z'
        || text.charAt(4) != '-'
        || text.charAt(7) != '-'
        || text.charAt(10) != 'T'
        || text.charAt(13) != ':'
        || text.charAt(16) != ':') {
      return OffsetDateTime.parse(text).toInstant();
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 7);
    int day = digits(text, 8, 10);
    int hour = digits(text, 11, 13);
    int minute = digits(text, 14, 16);
    int second = digits(text, 17, 19);
    int nanos = 0;
    if (length > 20) {
      int fractionDigits = length - 21;
      if (text.charAt(19) != '.' || fractionDigits < 1 || fractionDigits > 9) {
        return OffsetDateTime.parse(text).toInstant();
      }
      nanos = digits(text, 20, length - 1);
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    } else if (length != 20) {
      return OffsetDateTime.parse(text).toInstant();
    }
    if (year < 0
        || month < 0
        || day < 0
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || nanos < 0) {
      return OffsetDateTime.parse(text).toInstant();
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal number in {@code text[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String text, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
