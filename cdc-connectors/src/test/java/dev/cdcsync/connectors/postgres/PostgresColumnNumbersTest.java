package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Defaults as pg_get_expr prints them: constants, whose value cdc-sync may fill in, and the rest. */
class PostgresColumnNumbersTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "7", "(-1)", "'-1'::integer", "1.5", "1e10", "true", "false", "'x'::text", "'it''s'::character varying",
        "'2020-02-02'::date", "'NaN'::numeric", "'{1,2}'::integer[]", "'1 day'::interval", "'x'::character varying(10)"
      })
  void constants(String expression) {
    assertThat(PostgresColumnNumbers.isConstant(expression)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "now()", "CURRENT_TIMESTAMP", "CURRENT_DATE", "nextval('t_id_seq'::regclass)", "gen_random_uuid()",
        "(now() + '1 day'::interval)", "('a'::text || 'b'::text)", "(1 + 2)", "CURRENT_USER"
      })
  void computed(String expression) {
    assertThat(PostgresColumnNumbers.isConstant(expression)).isFalse();
  }
}
