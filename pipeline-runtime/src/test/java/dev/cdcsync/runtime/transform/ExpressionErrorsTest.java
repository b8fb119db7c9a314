package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.compile;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PermanentPipelineException;
import org.junit.jupiter.api.Test;

class ExpressionErrorsTest {

  private static final String RULE = "transform rule 1 (line 12)";

  @Test
  void unknownColumnListsTheAvailableOnes() {
    assertThatThrownBy(() -> compile("id, UPPER(nme) AS n", null))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot compile projection of "
                + RULE
                + ": unknown column nme; available columns: id, big,"
                + " price, qty, ratio, f, name, status, flag, d, t, ts, ltz, bin, u, Mixed, nothing,"
                + " __namespace_name__, __schema_name__, __table_name__, __data_event_type__, op_ts,"
                + " table_name, schema_name, database_name"
                + " at line 1, column 11: id, UPPER(nme) AS n");
  }

  @Test
  void positionsAreInsideTheUsersTextOnEveryLine() {
    assertThatThrownBy(() -> compile(null, "id > 1\n  AND missing = 2"))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageStartingWith("Cannot compile filter of " + RULE + ": unknown column missing;")
        .hasMessageEndingWith(" at line 2, column 7: id > 1\n  AND missing = 2");
    assertThatThrownBy(() -> compile("id,\n  nope AS x", null))
        .hasMessageEndingWith(" at line 2, column 3: id,\n  nope AS x");
  }

  @Test
  void unknownFunctionSuggestsCloseMatches() {
    assertThatThrownBy(() -> compile("UPPR(name) AS n", null))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot compile projection of "
                + RULE
                + ": unknown function UPPR; did you mean UPPER?"
                + " at line 1, column 1: UPPR(name) AS n");
  }

  @Test
  void wrongArgumentCountAndType() {
    assertThatThrownBy(() -> compile("SUBSTR(name) AS n", null))
        .hasMessage(
            "Cannot compile projection of "
                + RULE
                + ": SUBSTR takes 2 to 3 arguments but got 1"
                + " at line 1, column 1: SUBSTR(name) AS n");
    assertThatThrownBy(() -> compile("UPPER(id) AS n", null))
        .hasMessage(
            "Cannot compile projection of "
                + RULE
                + ": UPPER: argument 1 must be a STRING but is INT"
                + " at line 1, column 7: UPPER(id) AS n");
    assertThatThrownBy(() -> compile("name + 1 AS n", null))
        .hasMessage(
            "Cannot compile projection of "
                + RULE
                + ": operator + needs numbers but got STRING and INT"
                + " at line 1, column 1: name + 1 AS n");
    assertThatThrownBy(() -> compile(null, "bin = 1"))
        .hasMessage(
            "Cannot compile filter of "
                + RULE
                + ": cannot compare BINARY with INT at line 1, column 1: bin = 1");
  }

  @Test
  void filterMustBeBoolean() {
    assertThatThrownBy(() -> compile(null, "id + 1"))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot compile filter of "
                + RULE
                + ": a filter must be a BOOLEAN condition but is INT"
                + " at line 1, column 1: id + 1");
  }

  @Test
  void computedColumnsNeedNamesAndNamesMustBeUnique() {
    assertThatThrownBy(() -> compile("id + 1", null))
        .hasMessage(
            "Cannot compile projection of "
                + RULE
                + ": a computed column needs a name: write"
                + " <expression> AS <name> at line 1, column 1: id + 1");
    assertThatThrownBy(() -> compile("*, name", null))
        .hasMessage(
            "Cannot compile projection of "
                + RULE
                + ": duplicate output column name at line 1, column 4: *, name");
    assertThatThrownBy(() -> compile("CAST(id AS MONEY) AS m", null))
        .hasMessageStartingWith(
            "Cannot compile projection of "
                + RULE
                + ": unsupported type MONEY; supported: BOOLEAN,");
  }

  @Test
  void syntaxCheckNeedsNoSchema() {
    assertThatCode(
            () ->
                TransformSyntax.check(
                    RULE, "\\*, UPPER(x) AS y, UUID() AS u", "y = 'A' AND z IN (1, 2)"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> TransformSyntax.check(RULE, "id, price * AS total", null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "Cannot check projection of " + RULE + ": syntax error: Encountered \"* AS\"")
        .hasMessageEndingWith(" at line 1, column 11: id, price * AS total");
    assertThatThrownBy(() -> TransformSyntax.check(RULE, null, "LOWR(x) = 'a'"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot check filter of "
                + RULE
                + ": unknown function LOWR; did you mean LOWER? at line 1,"
                + " column 1: LOWR(x) = 'a'");
    assertThatThrownBy(() -> TransformSyntax.check(RULE, "IF(a, b) AS c", null))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot check projection of "
                + RULE
                + ": IF takes 3 arguments but got 2 at line 1, column 1: IF(a, b) AS c");
  }
}
