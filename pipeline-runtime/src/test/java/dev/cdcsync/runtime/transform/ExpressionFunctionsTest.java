package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.eval;
import static dev.cdcsync.runtime.transform.TransformFixture.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class ExpressionFunctionsTest {

  @Test
  void numericFunctions() {
    assertThat(eval("ABS(-id)")).isEqualTo(7);
    assertThat(eval("ABS(-price)")).isEqualTo(new BigDecimal("12.50"));
    assertThat(eval("ABS(CAST(nothing AS INT))")).isNull();
    assertThat(eval("CEIL(price)")).isEqualTo(new BigDecimal("13"));
    assertThat(type("CEIL(price)")).isEqualTo(DataType.decimal(9, 0));
    assertThat(eval("CEILING(ratio)")).isEqualTo(1.0);
    assertThat(eval("FLOOR(-ratio)")).isEqualTo(-1.0);
    assertThat(eval("FLOOR(id)")).isEqualTo(7);
    assertThat(eval("ROUND(price, 1)")).isEqualTo(new BigDecimal("12.5"));
    assertThat(type("ROUND(price, 1)")).isEqualTo(DataType.decimal(10, 1));
    assertThat(eval("ROUND(2.5)")).isEqualTo(new BigDecimal("3"));
    assertThat(eval("ROUND(-2.5)")).isEqualTo(new BigDecimal("-3"));
    assertThat(eval("ROUND(ratio * 3.14159, 2)")).isEqualTo(1.57);
    assertThat(eval("ROUND(1234, -2)")).isEqualTo(1200);
    assertThat(eval("ROUND(CAST(nothing AS DOUBLE), 2)")).isNull();
  }

  @Test
  void stringFunctions() {
    assertThat(eval("CHAR_LENGTH(name)")).isEqualTo(12);
    assertThat(eval("CHAR_LENGTH('h\u00e9\uD83D\uDE00')")).isEqualTo(3);
    assertThat(eval("CHAR_LENGTH(nothing)")).isNull();
    assertThat(eval("UPPER(name)")).isEqualTo("ADA LOVELACE");
    assertThat(eval("LOWER(name)")).isEqualTo("ada lovelace");
    assertThat(eval("UPPER(nothing)")).isNull();
    assertThat(eval("TRIM('  a b  ')")).isEqualTo("a b");
    assertThat(eval("TRIM(LEADING 'x' FROM 'xxaxx')")).isEqualTo("axx");
    assertThat(eval("TRIM(TRAILING 'x' FROM 'xxaxx')")).isEqualTo("xxa");
    assertThat(eval("TRIM(BOTH 'xy' FROM 'xyaxy')")).isEqualTo("a");
    assertThat(eval("TRIM(nothing)")).isNull();
    assertThat(eval("REGEXP_REPLACE(name, '[aeiou]', '*')")).isEqualTo("Ad* L*v*l*c*");
    assertThat(eval("REGEXP_REPLACE('foobar', 'oo|ar', '')")).isEqualTo("fb");
    assertThat(eval("REGEXP_REPLACE('a', 'a', '$1')")).isEqualTo("$1");
    assertThat(eval("REGEXP_REPLACE(nothing, 'a', 'b')")).isNull();
    assertThat(eval("SUBSTR(name, 5)")).isEqualTo("Lovelace");
    assertThat(eval("SUBSTR(name, 1, 3)")).isEqualTo("Ada");
    assertThat(eval("SUBSTR(name, -4)")).isEqualTo("lace");
    assertThat(eval("SUBSTR(name, 0, 2)")).isEqualTo("Ad");
    assertThat(eval("SUBSTR(name, 50)")).isEqualTo("");
    assertThat(eval("SUBSTRING(name FROM 5 FOR 4)")).isEqualTo("Love");
    assertThat(eval("SUBSTRING(nothing FROM 1)")).isNull();
    assertThat(eval("SUBSTR('\uD83D\uDE00ab', 2, 1)")).isEqualTo("a");
    assertThat(eval("UUID()"))
        .asString()
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(eval("PARSE_JSON('{ \"a\" : [1, 2.50] }')")).isEqualTo("{\"a\":[1,2.5]}");
    assertThat(eval("PARSE_JSON(nothing)")).isNull();
    assertThat(eval("PARSE_JSON('')")).isNull();
    assertThat(eval("TRY_PARSE_JSON('{')")).isNull();
  }

  @Test
  void currentTimeFunctionsReadTheClockInUtc() {
    assertThat(eval("NOW()")).isEqualTo(Instant.parse("2024-03-05T10:15:30.123Z"));
    assertThat(eval("CURRENT_TIMESTAMP")).isEqualTo(Instant.parse("2024-03-05T10:15:30.123Z"));
    assertThat(eval("LOCALTIMESTAMP"))
        .isEqualTo(LocalDateTime.of(2024, 3, 5, 10, 15, 30, 123_000_000));
    assertThat(eval("LOCALTIME")).isEqualTo(LocalTime.of(10, 15, 30));
    assertThat(eval("CURRENT_TIME")).isEqualTo(LocalTime.of(10, 15, 30));
    assertThat(eval("CURRENT_DATE")).isEqualTo(LocalDate.of(2024, 3, 5));
    assertThat(eval("UNIX_TIMESTAMP()")).isEqualTo(1_709_633_730L);
    assertThat(type("NOW()")).isEqualTo(DataType.of(DataTypeRoot.TIMESTAMP_LTZ));
  }

  @Test
  void dateTimeFunctions() {
    assertThat(eval("DATE_FORMAT(ts, 'yyyy/MM/dd HH:mm')")).isEqualTo("2024/02/28 13:45");
    assertThat(eval("DATE_FORMAT(ltz, 'yyyy-MM-dd HH:mm:ss')")).isEqualTo("2024-02-28 13:45:10");
    assertThat(eval("DATE_FORMAT(d, 'dd.MM.yyyy')")).isEqualTo("28.02.2024");
    assertThat(eval("DATE_FORMAT(CAST(nothing AS TIMESTAMP), 'yyyy')")).isNull();
    assertThat(eval("DATE_FORMAT_TZ(ltz, 'Asia/Shanghai')")).isEqualTo("2024-02-28 21:45:10");
    assertThat(eval("DATE_FORMAT_TZ(ltz, 'HH:mm', 'America/New_York')")).isEqualTo("08:45");
    assertThat(eval("DATE_FORMAT_TZ(ts, 'HH:mm', 'America/New_York')")).isEqualTo("13:45");
    assertThat(eval("TIMESTAMPADD(DAY, 2, ts)"))
        .isEqualTo(LocalDateTime.of(2024, 3, 1, 13, 45, 10));
    assertThat(eval("TIMESTAMPADD(HOUR, -1, ltz)"))
        .isEqualTo(Instant.parse("2024-02-28T12:45:10Z"));
    assertThat(eval("TIMESTAMPADD(MONTH, 1, d)")).isEqualTo(LocalDate.of(2024, 3, 28));
    assertThat(eval("TIMESTAMPADD(DAY, CAST(nothing AS INT), ts)")).isNull();
    assertThat(eval("TIMESTAMPDIFF(DAY, ts, TIMESTAMP '2024-03-02 13:45:09')")).isEqualTo(2);
    assertThat(eval("TIMESTAMPDIFF(MONTH, d, DATE '2024-05-28')")).isEqualTo(3);
    assertThat(eval("TIMESTAMPDIFF(SECOND, ltz, ts)")).isEqualTo(0);
    assertThat(eval("TO_DATE('2024-01-31')")).isEqualTo(LocalDate.of(2024, 1, 31));
    assertThat(eval("TO_DATE('31/01/2024', 'dd/MM/yyyy')")).isEqualTo(LocalDate.of(2024, 1, 31));
    assertThat(eval("TO_TIMESTAMP('2024-01-31 10:11:12')"))
        .isEqualTo(LocalDateTime.of(2024, 1, 31, 10, 11, 12));
    assertThat(eval("TO_TIMESTAMP('2024-01-31', 'yyyy-MM-dd')"))
        .isEqualTo(LocalDateTime.of(2024, 1, 31, 0, 0));
    assertThat(eval("TO_TIMESTAMP(nothing)")).isNull();
    assertThat(eval("TO_TIMESTAMP_LTZ(1700000000123)"))
        .isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
    assertThat(eval("TO_TIMESTAMP_LTZ(1700000000, 0)"))
        .isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
    assertThat(eval("TO_TIMESTAMP_LTZ('2024-01-31 10:11:12.345')"))
        .isEqualTo(Instant.parse("2024-01-31T10:11:12.345Z"));
    assertThat(eval("TO_TIMESTAMP_LTZ('2024-01-31 10:11', 'yyyy-MM-dd HH:mm', 'Europe/Paris')"))
        .isEqualTo(Instant.parse("2024-01-31T09:11:00Z"));
    assertThat(eval("FROM_UNIXTIME(0)")).isEqualTo("1970-01-01 00:00:00");
    assertThat(eval("FROM_UNIXTIME(86400, 'yyyy-MM-dd')")).isEqualTo("1970-01-02");
    assertThat(eval("FROM_UNIXTIME(CAST(nothing AS BIGINT))")).isNull();
    assertThat(eval("UNIX_TIMESTAMP('1970-01-02 00:00:00')")).isEqualTo(86_400L);
    assertThat(eval("UNIX_TIMESTAMP('02/01/1970', 'dd/MM/yyyy')")).isEqualTo(86_400L);
    assertThat(eval("DATE_ADD(d, 2)")).isEqualTo("2024-03-01");
    assertThat(eval("DATE_ADD(ts, -28)")).isEqualTo("2024-01-31");
    assertThat(eval("DATE_ADD('2024-12-31', 1)")).isEqualTo("2025-01-01");
    assertThat(eval("DATE_ADD(nothing, 1)")).isNull();
  }
}
