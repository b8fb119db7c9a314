package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Defaults as pg_get_expr prints them: constants, whose value cdc-sync may fill in, and the rest. */
class PostgresColumnNumbersTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "7",
        "(-1)",
        "'-1'::integer",
        "1.5",
        "1e10",
        "true",
        "false",
        "'x'::text",
        "'it''s'::character varying",
        "'2020-02-02'::date",
        "'NaN'::numeric",
        "'{1,2}'::integer[]",
        "'1 day'::interval",
        "'x'::character varying(10)"
      })
  void constants(String expression) {
    assertThat(PostgresColumnNumbers.isConstant(expression)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "now()",
        "CURRENT_TIMESTAMP",
        "CURRENT_DATE",
        "nextval('t_id_seq'::regclass)",
        "gen_random_uuid()",
        "(now() + '1 day'::interval)",
        "('a'::text || 'b'::text)",
        "(1 + 2)",
        "CURRENT_USER",
        "(('x'::text IS NULL) OR evil())",
        "('a'::text IS NOT NULL) AND public.f()"
      })
  void computed(String expression) {
    assertThat(PostgresColumnNumbers.isConstant(expression)).isFalse();
  }

  @Test
  void literalsReadAsPostgreSqlPrintsTheValues() {
    assertThat(PostgresColumnNumbers.literal("'x'::text")).contains("x");
    assertThat(PostgresColumnNumbers.literal("(-1)")).contains("-1");
    assertThat(PostgresColumnNumbers.literal("true")).contains("t");
    assertThat(PostgresColumnNumbers.literal("'2020-01-01 00:00:00'::timestamp without time zone"))
        .contains("2020-01-01 00:00:00");
    // Debezium reads 'it''s' short: never compared, so never filled.
    assertThat(PostgresColumnNumbers.literal("'it''s'::text")).isEmpty();
    assertThat(PostgresColumnNumbers.arrayElement("{7}")).isEqualTo("7");
    assertThat(PostgresColumnNumbers.arrayElement("{\"2020-01-01 00:00:00\"}"))
        .isEqualTo("2020-01-01 00:00:00");
    assertThat(PostgresColumnNumbers.arrayElement("{\"a \\\"b\\\"\"}")).isEqualTo("a \"b\"");
  }
}
