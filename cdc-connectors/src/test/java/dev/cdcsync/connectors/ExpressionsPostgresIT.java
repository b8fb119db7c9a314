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
        statement.setObject(1, input);
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
  private static Object normalize(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
    }
    if (value instanceof Number number) {
      return normalize(new BigDecimal(number.toString()));
    }
    return value == null ? null : value.toString();
  }
}
