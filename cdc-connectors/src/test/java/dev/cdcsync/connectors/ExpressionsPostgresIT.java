package dev.cdcsync.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.transform.RowContext;
import dev.cdcsync.runtime.transform.TransformProgram;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Our transform functions agree with PostgreSQL's wherever the two define the same thing. */
class ExpressionsPostgresIT {

  private static final RowContext CONTEXT =
      new RowContext(TableId.of("db", "public", "t"), "+I", 0);
  private static final List<Object> TEXTS =
      Arrays.asList(
          "hello",
          "  padded  ",
          "aaa-banana-aaa",
          "Ünïcödé",
          "emoji \uD83D\uDE00 x",
          "",
          null,
          "MiXeD Case");
  private static final List<Object> DECIMALS =
      Arrays.asList(
          dec("-2.500"),
          dec("2.500"),
          dec("0.000"),
          dec("123.456"),
          dec("-0.449"),
          dec("99.950"),
          null);
  private static final List<Object> INTS = Arrays.asList(-7, 7, 0, 3, 2147483, null);
  private static final List<Object> TIMESTAMPS =
      Arrays.asList(
          LocalDateTime.of(2024, 2, 29, 23, 59, 59),
          LocalDateTime.of(2021, 1, 3, 0, 0, 1), // ISO week 53 of 2020, a Sunday
          LocalDateTime.of(2024, 12, 30, 12, 30, 45), // ISO week 1 of 2025
          LocalDateTime.of(2023, 1, 31, 8, 5, 0),
          LocalDateTime.of(1999, 12, 31, 23, 0, 0),
          null);
  private static final List<Object> DATES =
      Arrays.asList(
          LocalDate.of(2024, 1, 31),
          LocalDate.of(2023, 3, 31),
          LocalDate.of(2021, 1, 3),
          LocalDate.of(2000, 2, 29),
          null);
  private static final List<Object> INT_ARRAYS =
      Arrays.asList(
          List.of(1, 2, 3),
          Arrays.asList(3, null, 5, 3),
          List.of(),
          List.of(7),
          Arrays.asList((Object) null),
          null);

  private static Connection connection;
  private static boolean unicodeCase;

  @BeforeAll
  static void connect() throws SQLException {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase("expressions_it");
    connection = server.connect("expressions_it");
    try (Statement statement = connection.createStatement();
        ResultSet ctype =
            statement.executeQuery(
                "SELECT datctype FROM pg_database WHERE datname = current_database()")) {
      ctype.next();
      // In the C locale PostgreSQL's UPPER/LOWER change ASCII letters only.
      unicodeCase = !ctype.getString(1).equals("C") && !ctype.getString(1).equals("POSIX");
    }
  }

  @AfterAll
  static void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
  }

  private static BigDecimal dec(String value) {
    return new BigDecimal(value);
  }

  @Test
  void stringFunctions() throws SQLException {
    List<Object> caseInputs = unicodeCase ? TEXTS : ascii(TEXTS);
    agree("UPPER(x)", "upper(x)", DataTypeRoot.STRING, "text", caseInputs);
    agree("LOWER(x)", "lower(x)", DataTypeRoot.STRING, "text", caseInputs);
    agree("TRIM(x)", "trim(x)", DataTypeRoot.STRING, "text", TEXTS);
    agree(
        "TRIM(LEADING 'a' FROM x)", "trim(leading 'a' from x)", DataTypeRoot.STRING, "text", TEXTS);
    agree("TRIM(BOTH 'a-' FROM x)", "trim(both 'a-' from x)", DataTypeRoot.STRING, "text", TEXTS);
    agree("CHAR_LENGTH(x)", "char_length(x)", DataTypeRoot.STRING, "text", TEXTS);
    agree("SUBSTR(x, 2, 3)", "substr(x, 2, 3)", DataTypeRoot.STRING, "text", TEXTS);
    agree("SUBSTRING(x FROM 3)", "substring(x from 3)", DataTypeRoot.STRING, "text", TEXTS);
    agree(
        "SUBSTRING(x FROM 2 FOR 4)",
        "substring(x from 2 for 4)",
        DataTypeRoot.STRING,
        "text",
        TEXTS);
    agree(
        "REGEXP_REPLACE(x, '[aeiou]+', '#')",
        "regexp_replace(x, '[aeiou]+', '#', 'g')",
        DataTypeRoot.STRING,
        "text",
        TEXTS);
    agree("COALESCE(x, 'none')", "coalesce(x, 'none')", DataTypeRoot.STRING, "text", TEXTS);
    agree("CONCAT(x, '-', x)", "x || '-' || x", DataTypeRoot.STRING, "text", TEXTS);
    agree("x || '!'", "x || '!'", DataTypeRoot.STRING, "text", TEXTS);
    agree("x LIKE '%a_a%'", "x LIKE '%a_a%'", DataTypeRoot.STRING, "text", TEXTS);
    agree("x NOT LIKE 'h%'", "x NOT LIKE 'h%'", DataTypeRoot.STRING, "text", TEXTS);
    agree("x IN ('hello', '')", "x IN ('hello', '')", DataTypeRoot.STRING, "text", TEXTS);
    agree(
        "x NOT IN ('hello', NULL)", "x NOT IN ('hello', NULL)", DataTypeRoot.STRING, "text", TEXTS);
    agree(
        "CASE WHEN x LIKE 'h%' THEN 'h' WHEN x IS NULL THEN 'null' ELSE 'other' END",
        "CASE WHEN x LIKE 'h%' THEN 'h' WHEN x IS NULL THEN 'null' ELSE 'other' END",
        DataTypeRoot.STRING,
        "text",
        TEXTS);
  }

  /** The second set of string and NULL functions, where PostgreSQL has the same. */
  @Test
  void moreStringFunctions() throws SQLException {
    DataTypeRoot text = DataTypeRoot.STRING;
    agree("LTRIM(x)", "ltrim(x)", text, "text", TEXTS);
    agree("RTRIM(x)", "rtrim(x)", text, "text", TEXTS);
    agree("BTRIM(x, 'a-')", "btrim(x, 'a-')", text, "text", TEXTS);
    agree("CONCAT_WS('/', x, 'y', x)", "concat_ws('/', x, 'y', x)", text, "text", TEXTS);
    agree("LPAD(x, 8, '*-')", "lpad(x, 8, '*-')", text, "text", TEXTS);
    agree("RPAD(x, 8, '*-')", "rpad(x, 8, '*-')", text, "text", TEXTS);
    agree("LPAD(x, 3, '*')", "lpad(x, 3, '*')", text, "text", TEXTS);
    agree("REPLACE(x, 'a', '[A]')", "replace(x, 'a', '[A]')", text, "text", TEXTS);
    agree("REPEAT(x, 2)", "repeat(x, 2)", text, "text", TEXTS);
    agree("LEFT(x, 4)", "left(x, 4)", text, "text", TEXTS);
    agree("RIGHT(x, 4)", "right(x, 4)", text, "text", TEXTS);
    agree("STARTSWITH(x, 'he')", "starts_with(x, 'he')", text, "text", TEXTS);
    agree("INSTR(x, 'a')", "strpos(x, 'a')", text, "text", TEXTS);
    agree("LOCATE('a', x)", "position('a' in x)", text, "text", TEXTS);
    agree("IFNULL(x, 'none')", "coalesce(x, 'none')", text, "text", TEXTS);
    agree("NULLIF(x, 'hello')", "nullif(x, 'hello')", text, "text", TEXTS);
  }

  /** POSITION, OVERLAY and the REGEXP_ functions PostgreSQL has too. */
  @Test
  void positionOverlayAndRegularExpressions() throws SQLException {
    DataTypeRoot text = DataTypeRoot.STRING;
    agree("POSITION('an' IN x)", "position('an' in x)", text, "text", TEXTS);
    agree("OVERLAY(x PLACING 'XY' FROM 2)", "overlay(x placing 'XY' from 2)", text, "text", TEXTS);
    agree(
        "OVERLAY(x PLACING '' FROM 3 FOR 2)",
        "overlay(x placing '' from 3 for 2)",
        text,
        "text",
        TEXTS);
    agree(
        "OVERLAY(x PLACING '+' FROM 4 FOR 0)",
        "overlay(x placing '+' from 4 for 0)",
        text,
        "text",
        TEXTS);
    agree(
        "OVERLAY(x PLACING '!' FROM 9 FOR 3)",
        "overlay(x placing '!' from 9 for 3)",
        text,
        "text",
        TEXTS);
    agree("REGEXP_COUNT(x, '[aeiou]')", "regexp_count(x, '[aeiou]')", text, "text", TEXTS);
    agree("REGEXP_INSTR(x, 'a+-')", "regexp_instr(x, 'a+-')", text, "text", TEXTS);
    agree("REGEXP_INSTR(x, 'x')", "regexp_instr(x, 'x')", text, "text", TEXTS);
    agree("REGEXP_SUBSTR(x, '[a-z]+a')", "regexp_substr(x, '[a-z]+a')", text, "text", TEXTS);
    agree(
        "REGEXP_EXTRACT(x, '(a+)-([a-z]+)', 2)",
        "(regexp_match(x, '(a+)-([a-z]+)'))[2]",
        text,
        "text",
        TEXTS);
    agree(
        "REGEXP_EXTRACT_ALL(x, '([a-z])a')",
        "CASE WHEN x IS NOT NULL"
            + " THEN ARRAY(SELECT m[1] FROM regexp_matches(x, '([a-z])a', 'g') AS m) END",
        text,
        "text",
        TEXTS);
  }

  /** EXTRACT and its shorthands, and interval arithmetic, as PostgreSQL's. */
  @Test
  void datePartsAndIntervals() throws SQLException {
    DataTypeRoot timestamp = DataTypeRoot.TIMESTAMP;
    for (String unit : List.of("YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DOY", "HOUR")) {
      agree(
          "EXTRACT(" + unit + " FROM x)",
          "extract(" + unit + " from x)",
          timestamp,
          "timestamp",
          TIMESTAMPS);
    }
    agree("DAYOFWEEK(x)", "extract(dow from x) + 1", timestamp, "timestamp", TIMESTAMPS);
    agree("MINUTE(x)", "extract(minute from x)", timestamp, "timestamp", TIMESTAMPS);
    agree("SECOND(x)", "floor(extract(second from x))", timestamp, "timestamp", TIMESTAMPS);
    agree("WEEK(x)", "extract(week from x)", DataTypeRoot.DATE, "date", DATES);
    agree("HOUR(x)", "extract(hour from CAST(x AS timestamp))", DataTypeRoot.DATE, "date", DATES);
    agree("x + INTERVAL '1' DAY", "x + interval '1 day'", timestamp, "timestamp", TIMESTAMPS);
    agree("x + INTERVAL -'25' HOUR", "x - interval '25 hours'", timestamp, "timestamp", TIMESTAMPS);
    agree(
        "x - INTERVAL '1-2' YEAR TO MONTH",
        "x - interval '1 year 2 months'",
        timestamp,
        "timestamp",
        TIMESTAMPS);
    agree(
        "INTERVAL '1 02:03:04' DAY TO SECOND + x",
        "x + interval '1 day 02:03:04'",
        timestamp,
        "timestamp",
        TIMESTAMPS);
    agree(
        "x + INTERVAL '1' MONTH",
        "CAST(x + interval '1 month' AS date)",
        DataTypeRoot.DATE,
        "date",
        DATES);
    agree("x - INTERVAL '3' DAY", "x - 3", DataTypeRoot.DATE, "date", DATES);
  }

  /** The array functions, as PostgreSQL's on an integer[]. */
  @Test
  void arrays() throws SQLException {
    DataType ints = DataType.array(DataType.of(DataTypeRoot.INT));
    agree("CARDINALITY(x)", "cardinality(x)", ints, "integer[]", INT_ARRAYS);
    agree("x[1]", "x[1]", ints, "integer[]", INT_ARRAYS);
    agree("x[3]", "x[3]", ints, "integer[]", INT_ARRAYS);
    agree(
        "ARRAY_POSITION(x, 3)",
        "CASE WHEN x IS NOT NULL THEN coalesce(array_position(x, 3), 0) END",
        ints,
        "integer[]",
        INT_ARRAYS);
    agree(
        "ARRAY_CONTAINS(x, 3)",
        "CASE WHEN x IS NOT NULL THEN array_position(x, 3) IS NOT NULL END",
        ints,
        "integer[]",
        INT_ARRAYS);
    agree(
        "ARRAY_CONTAINS(x, NULL)",
        "CASE WHEN x IS NOT NULL THEN array_position(x, NULL) IS NOT NULL END",
        ints,
        "integer[]",
        INT_ARRAYS);
    agree("ARRAY[x[1], 5, NULL]", "ARRAY[x[1], 5, NULL]", ints, "integer[]", INT_ARRAYS);
  }

  @Test
  void numericFunctionsAndArithmetic() throws SQLException {
    DataType decimal = DataType.decimal(10, 3);
    agree("ABS(x)", "abs(x)", decimal, "numeric(10,3)", DECIMALS);
    agree("CEIL(x)", "ceil(x)", decimal, "numeric(10,3)", DECIMALS);
    agree("FLOOR(x)", "floor(x)", decimal, "numeric(10,3)", DECIMALS);
    agree("ROUND(x)", "round(x)", decimal, "numeric(10,3)", DECIMALS);
    agree("ROUND(x, 1)", "round(x, 1)", decimal, "numeric(10,3)", DECIMALS);
    agree("x * 2 + 1", "x * 2 + 1", decimal, "numeric(10,3)", DECIMALS);
    agree("x - 0.5", "x - 0.5", decimal, "numeric(10,3)", DECIMALS);
    agree("x / 4", "x / 4", decimal, "numeric(10,3)", DECIMALS);
    agree("x BETWEEN -1 AND 100", "x BETWEEN -1 AND 100", decimal, "numeric(10,3)", DECIMALS);
    agree("x IN (2.5, 0)", "x IN (2.5, 0)", decimal, "numeric(10,3)", DECIMALS);
    DataType integer = DataType.of(DataTypeRoot.INT);
    agree("x / 3", "x / 3", integer, "int", INTS);
    agree("x % 3", "x % 3", integer, "int", INTS);
    agree("MOD(x, 3)", "mod(x, 3)", integer, "int", INTS);
    agree("-x * 2", "-x * 2", integer, "int", INTS);
    agree("ABS(x)", "abs(x)", integer, "int", INTS);
    agree(
        "CASE x WHEN 7 THEN 'seven' WHEN 0 THEN 'zero' END",
        "CASE x WHEN 7 THEN 'seven' WHEN 0 THEN 'zero' END",
        integer,
        "int",
        INTS);
  }

  @Test
  void sha256() throws SQLException {
    agree(
        "SHA256(x)",
        "encode(sha256(convert_to(x, 'UTF8')), 'hex')",
        DataTypeRoot.STRING,
        "text",
        TEXTS);
    agree(
        "SHA256(x, 'pepper')",
        "encode(sha256(convert_to(x || 'pepper', 'UTF8')), 'hex')",
        DataTypeRoot.STRING,
        "text",
        TEXTS);
  }

  @Test
  void hmacSha256WhenPgcryptoIsAvailable() throws SQLException {
    boolean pgcrypto;
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE EXTENSION IF NOT EXISTS pgcrypto");
      pgcrypto = true;
    } catch (SQLException e) {
      pgcrypto = false;
    }
    assumeTrue(
        pgcrypto, "pgcrypto is not installed in this PostgreSQL, so hmac() cannot be compared");
    agree(
        "HMAC_SHA256(x, 'HMAC_KEY')",
        "encode(hmac(convert_to(x, 'UTF8'), convert_to('s3cret', 'UTF8'), 'sha256'), 'hex')",
        DataTypeRoot.STRING,
        "text",
        TEXTS);
  }

  private static List<Object> ascii(List<Object> values) {
    List<Object> ascii = new ArrayList<>();
    for (Object value : values) {
      if (value == null || ((String) value).chars().allMatch(c -> c < 128)) {
        ascii.add(value);
      }
    }
    return ascii;
  }

  private static void agree(
      String ours, String postgres, DataTypeRoot type, String pgType, List<Object> inputs)
      throws SQLException {
    agree(ours, postgres, DataType.of(type), pgType, inputs);
  }

  private static void agree(
      String ours, String postgres, DataType type, String pgType, List<Object> inputs)
      throws SQLException {
    TransformProgram program =
        TransformProgram.compile(
            "IT",
            ours + " AS r",
            null,
            Schema.of(List.of(Column.of("x", type)), List.of()),
            Map.of("HMAC_KEY", "s3cret")::get,
            Clock.systemUTC());
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT " + postgres + " FROM (SELECT CAST(? AS " + pgType + ") AS x) AS input")) {
      for (Object input : inputs) {
        statement.setObject(
            1,
            input instanceof List<?> list
                ? connection.createArrayOf(pgType.replace("[]", ""), list.toArray())
                : input);
        Object expected;
        try (ResultSet result = statement.executeQuery()) {
          result.next();
          expected = result.getObject(1);
        }
        Object actual = program.project(new Object[] {input}, CONTEXT)[0];
        assertThat(normalize(actual))
            .as(
                "%s vs PostgreSQL %s for input %s",
                ours, postgres, input == null ? "NULL" : "'" + input + "'")
            .isEqualTo(normalize(expected));
      }
    }
  }

  /** Numbers compare by value (PostgreSQL picks other scales); everything else by text. */
  private static Object normalize(Object value) throws SQLException {
    if (value instanceof java.sql.Array array) {
      return normalize(Arrays.asList((Object[]) array.getArray()));
    }
    if (value instanceof List<?> list) {
      List<Object> elements = new ArrayList<>();
      for (Object element : list) {
        elements.add(normalize(element));
      }
      return elements;
    }
    if (value instanceof java.sql.Timestamp timestamp) {
      return timestamp.toLocalDateTime().toString();
    }
    if (value instanceof java.sql.Date date) {
      return date.toLocalDate().toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
    }
    if (value instanceof Number number) {
      return normalize(new BigDecimal(number.toString()));
    }
    return value == null ? null : value.toString();
  }
}
