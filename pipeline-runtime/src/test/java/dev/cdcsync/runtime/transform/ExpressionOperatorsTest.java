package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.eval;
import static dev.cdcsync.runtime.transform.TransformFixture.type;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ExpressionOperatorsTest {

  @Test
  void arithmeticTypesFollowSqlRules() {
    assertThat(type("id + qty")).isEqualTo(DataType.of(DataTypeRoot.INT));
    assertThat(type("id + big")).isEqualTo(DataType.of(DataTypeRoot.BIGINT));
    assertThat(type("id * ratio")).isEqualTo(DataType.of(DataTypeRoot.DOUBLE));
    assertThat(type("id * f")).isEqualTo(DataType.of(DataTypeRoot.FLOAT));
    assertThat(type("price + price")).isEqualTo(DataType.decimal(11, 2));
    assertThat(type("price * price")).isEqualTo(DataType.decimal(20, 4));
    assertThat(type("price / qty")).isEqualTo(DataType.decimal(21, 13));
    assertThat(type("price % qty")).isEqualTo(DataType.decimal(10, 2));
    assertThat(type("price * ratio")).isEqualTo(DataType.of(DataTypeRoot.DOUBLE));
    assertThat(type("1.5")).isEqualTo(DataType.decimal(2, 1));
    assertThat(type("3000000000")).isEqualTo(DataType.of(DataTypeRoot.BIGINT));
    assertThat(type("1e3")).isEqualTo(DataType.of(DataTypeRoot.DOUBLE));
  }

  @Test
  void arithmeticValues() {
    assertThat(eval("id + qty")).isEqualTo(10);
    assertThat(eval("id - qty")).isEqualTo(4);
    assertThat(eval("id * qty")).isEqualTo(21);
    assertThat(eval("id / qty")).isEqualTo(2);
    assertThat(eval("id % qty")).isEqualTo(1);
    assertThat(eval("MOD(id, qty)")).isEqualTo(1);
    assertThat(eval("-id")).isEqualTo(-7);
    assertThat(eval("big + id")).isEqualTo(10_000_000_007L);
    assertThat(eval("ratio * 4")).isEqualTo(2.0);
    assertThat(eval("f * 2")).isEqualTo(3.0f);
    assertThat(eval("price * qty")).isEqualTo(new BigDecimal("37.50"));
    assertThat(eval("price / qty")).isEqualTo(new BigDecimal("4.1666666666667"));
    assertThat(eval("price + 0.005")).isEqualTo(new BigDecimal("12.505"));
    assertThat(eval("ratio / 0")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(eval("id + CAST(nothing AS INT)")).isNull();
  }

  @Test
  void comparisonsAndThreeValuedLogic() {
    assertThat(eval("id = 7")).isEqualTo(true);
    assertThat(eval("id <> 7")).isEqualTo(false);
    assertThat(eval("id != 8")).isEqualTo(true);
    assertThat(eval("id < big")).isEqualTo(true);
    assertThat(eval("price <= 12.5")).isEqualTo(true);
    assertThat(eval("ratio > 0.25")).isEqualTo(true);
    assertThat(eval("name >= 'Ada'")).isEqualTo(true);
    assertThat(eval("d = '2024-02-28'")).isEqualTo(true);
    assertThat(eval("ts < '2024-03-01 00:00:00'")).isEqualTo(true);
    assertThat(eval("nothing = 'x'")).isNull();
    assertThat(eval("nothing = 'x' AND id = 0")).isEqualTo(false);
    assertThat(eval("nothing = 'x' AND id = 7")).isNull();
    assertThat(eval("nothing = 'x' OR id = 7")).isEqualTo(true);
    assertThat(eval("nothing = 'x' OR id = 0")).isNull();
    assertThat(eval("NOT flag")).isEqualTo(false);
    assertThat(eval("NOT (nothing = 'x')")).isNull();
  }

  @Test
  void isTests() {
    assertThat(eval("nothing IS NULL")).isEqualTo(true);
    assertThat(eval("name IS NOT NULL")).isEqualTo(true);
    assertThat(eval("flag IS TRUE")).isEqualTo(true);
    assertThat(eval("(nothing = 'x') IS NOT TRUE")).isEqualTo(true);
    assertThat(eval("flag IS FALSE")).isEqualTo(false);
    assertThat(eval("(nothing = 'x') IS NOT FALSE")).isEqualTo(true);
  }

  @Test
  void betweenInLike() {
    assertThat(eval("id BETWEEN 1 AND 7")).isEqualTo(true);
    assertThat(eval("id NOT BETWEEN 1 AND 7")).isEqualTo(false);
    assertThat(eval("nothing BETWEEN 'a' AND 'b'")).isNull();
    assertThat(eval("id IN (1, 7)")).isEqualTo(true);
    assertThat(eval("id IN (1, 2)")).isEqualTo(false);
    assertThat(eval("id IN (1, NULL)")).isNull();
    assertThat(eval("id NOT IN (1, 2)")).isEqualTo(true);
    assertThat(eval("id IN (qty, 7)")).isEqualTo(true);
    assertThat(eval("price IN (12.5, 1)")).isEqualTo(true);
    assertThat(eval("nothing IN ('a')")).isNull();
    assertThat(eval("name LIKE 'Ada%'")).isEqualTo(true);
    assertThat(eval("name LIKE '_da L%e'")).isEqualTo(true);
    assertThat(eval("name NOT LIKE 'ada%'")).isEqualTo(true);
    assertThat(eval("'50%' LIKE '50!%' ESCAPE '!'")).isEqualTo(true);
    assertThat(eval("'500' LIKE '50!%' ESCAPE '!'")).isEqualTo(false);
    assertThat(eval("'a.c' LIKE 'a_c'")).isEqualTo(true);
    assertThat(eval("'abc' LIKE 'a.c'")).isEqualTo(false);
    assertThat(eval("nothing LIKE '%'")).isNull();
    assertThat(eval("name LIKE status")).isEqualTo(false);
  }

  @Test
  void caseAndConditionals() {
    assertThat(eval("CASE WHEN id > 5 THEN 'big' WHEN id > 1 THEN 'mid' ELSE 'small' END"))
        .isEqualTo("big");
    assertThat(eval("CASE id WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END")).isEqualTo("seven");
    assertThat(eval("CASE id WHEN 1, 2 THEN 'low' END")).isNull();
    assertThat(eval("CASE WHEN nothing = 'x' THEN 1 ELSE 2 END")).isEqualTo(2);
    assertThat(type("CASE WHEN flag THEN id ELSE big END"))
        .isEqualTo(DataType.of(DataTypeRoot.BIGINT));
    assertThat(eval("CASE WHEN flag THEN id ELSE big END")).isEqualTo(7L);
    assertThat(eval("IF(id > 5, 'yes', 'no')")).isEqualTo("yes");
    assertThat(eval("IF(nothing = 'x', 'yes', 'no')")).isEqualTo("no");
    assertThat(eval("COALESCE(nothing, name)")).isEqualTo("Ada Lovelace");
    assertThat(eval("COALESCE(nothing, NULL)")).isNull();
    assertThat(type("COALESCE(qty, price)")).isEqualTo(DataType.decimal(12, 2));
    assertThat(eval("COALESCE(qty, price)")).isEqualTo(new BigDecimal("3.00"));
  }

  @Test
  void casts() {
    assertThat(eval("CAST(id AS STRING)")).isEqualTo("7");
    assertThat(eval("CAST(price AS VARCHAR)")).isEqualTo("12.50");
    assertThat(eval("CAST(flag AS STRING)")).isEqualTo("TRUE");
    assertThat(eval("CAST(ts AS STRING)")).isEqualTo("2024-02-28 13:45:10");
    assertThat(eval("CAST('42' AS INT)")).isEqualTo(42);
    assertThat(eval("CAST(' 42 ' AS BIGINT)")).isEqualTo(42L);
    assertThat(eval("CAST(ratio AS DECIMAL(5, 2))")).isEqualTo(new BigDecimal("0.50"));
    assertThat(eval("CAST(price AS INT)")).isEqualTo(12);
    assertThat(eval("CAST(12.345 AS DECIMAL(4, 1))")).isEqualTo(new BigDecimal("12.3"));
    assertThat(eval("CAST(id AS DOUBLE)")).isEqualTo(7.0);
    assertThat(eval("CAST(id AS BOOLEAN)")).isEqualTo(true);
    assertThat(eval("CAST('2024-01-02' AS DATE)")).isEqualTo(java.time.LocalDate.of(2024, 1, 2));
    assertThat(eval("CAST('2024-01-02 03:04:05.5' AS TIMESTAMP)"))
        .isEqualTo(java.time.LocalDateTime.of(2024, 1, 2, 3, 4, 5, 500_000_000));
    assertThat(eval("CAST(ts AS TIMESTAMP_LTZ)"))
        .isEqualTo(java.time.Instant.parse("2024-02-28T13:45:10Z"));
    assertThat(eval("CAST(NULL AS INT)")).isNull();
    assertThat(type("CAST(NULL AS INT)")).isEqualTo(DataType.of(DataTypeRoot.INT));
    assertThat(eval("CAST(nothing AS INT)")).isNull();
    assertThat(eval("TRY_CAST(name AS INT)")).isNull();
    assertThat(eval("TRY_CAST('5' AS INT)")).isEqualTo(5);
    assertThat(eval("TRY_CAST(99999 AS DECIMAL(3, 0))")).isNull();
  }

  @Test
  void concatenation() {
    assertThat(eval("name || '!'")).isEqualTo("Ada Lovelace!");
    assertThat(eval("status || id")).isEqualTo("paid7");
    assertThat(eval("name || nothing")).isNull();
    assertThat(eval("CONCAT('a', status, 'b')")).isEqualTo("apaidb");
    assertThat(eval("CONCAT('a', nothing, 'b')")).isNull();
  }
}
