package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.compile;
import static dev.cdcsync.runtime.transform.TransformFixture.eval;
import static dev.cdcsync.runtime.transform.TransformFixture.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** POSITION, OVERLAY and the REGEXP_ functions (row: TransformFixture, name 'Ada Lovelace'). */
class RegexAndPositionFunctionsTest {

  @Test
  void positionFindsASubstringFromAStart() {
    assertThat(eval("POSITION('a' IN name)")).isEqualTo(3);
    assertThat(eval("POSITION('a' IN name FROM 4)")).isEqualTo(10);
    assertThat(eval("POSITION('z' IN name)")).isEqualTo(0);
    assertThat(eval("POSITION('é' IN '😀é')")).as("code points").isEqualTo(2);
    assertThat(eval("POSITION(nothing IN name)")).isNull();
  }

  @Test
  void overlayReplacesAsTheStandardDefinesIt() {
    assertThat(eval("OVERLAY(name PLACING 'Bo' FROM 1)")).isEqualTo("Boa Lovelace");
    assertThat(eval("OVERLAY(name PLACING 'Mrs.' FROM 1 FOR 3)")).isEqualTo("Mrs. Lovelace");
    assertThat(eval("OVERLAY(status PLACING '-' FROM 3 FOR 0)")).as("inserts").isEqualTo("pa-id");
    assertThat(eval("OVERLAY(status PLACING 'X' FROM 3 FOR 10)")).isEqualTo("paX");
    assertThat(eval("OVERLAY(status PLACING '!' FROM 5)")).as("appends").isEqualTo("paid!");
    assertThat(eval("OVERLAY(status PLACING '!' FROM 9)")).isEqualTo("paid!");
    assertThat(eval("OVERLAY(status PLACING 'X' FROM 0)")).isEqualTo("paid");
    assertThat(eval("OVERLAY('😀ab' PLACING 'é' FROM 2)")).isEqualTo("😀éb");
    assertThat(eval("OVERLAY(status PLACING nothing FROM 1)")).isNull();
  }

  @Test
  void extractsTheGroupOfTheFirstMatch() {
    assertThat(eval("REGEXP_EXTRACT(name, '[A-Z]\\w+')")).isEqualTo("Ada");
    assertThat(eval("REGEXP_EXTRACT(name, '(\\w+) (\\w+)', 2)")).isEqualTo("Lovelace");
    assertThat(eval("REGEXP_EXTRACT(name, '[0-9]+')")).isNull();
    assertThat(eval("REGEXP_EXTRACT(name, status, id)"))
        .as("a group the expression read from a column lacks")
        .isNull();
    assertThat(eval("REGEXP_EXTRACT(nothing, 'a')")).isNull();
  }

  @Test
  void extractsEveryMatchIntoAnArray() {
    assertThat(type("REGEXP_EXTRACT_ALL(name, '([a-z])e')"))
        .isEqualTo(DataType.array(DataType.of(DataTypeRoot.STRING)));
    assertThat(eval("REGEXP_EXTRACT_ALL(name, '([a-z])e')")).isEqualTo(List.of("v", "c"));
    assertThat(eval("REGEXP_EXTRACT_ALL(name, '[a-z]e', 0)")).isEqualTo(List.of("ve", "ce"));
    assertThat(eval("REGEXP_EXTRACT_ALL(name, '([0-9])')")).isEqualTo(List.of());
  }

  @Test
  void countsLocatesAndCutsMatches() {
    assertThat(eval("REGEXP_COUNT(name, '[aeiou]')")).isEqualTo(5);
    assertThat(eval("REGEXP_COUNT(name, 'x')")).isEqualTo(0);
    assertThat(eval("REGEXP_INSTR(name, 'L\\w+')")).isEqualTo(5);
    assertThat(eval("REGEXP_INSTR('😀ab', 'b')")).as("code points").isEqualTo(3);
    assertThat(eval("REGEXP_INSTR(name, 'x')")).isEqualTo(0);
    assertThat(eval("REGEXP_SUBSTR(name, 'L\\w+')")).isEqualTo("Lovelace");
    assertThat(eval("REGEXP_SUBSTR(name, 'x')")).isNull();
    assertThat(eval("REGEXP_REPLACE(name, '[aeiou]', '$')")).isEqualTo("Ad$ L$v$l$c$");
  }

  @Test
  void refusesABadConstantExpressionOrGroupAtLoad() {
    assertThatThrownBy(() -> compile("REGEXP_COUNT(name, '(a') AS r", null))
        .hasMessageContaining("REGEXP_COUNT: invalid regular expression: Unclosed group")
        .hasMessageContaining("column 20");
    assertThatThrownBy(() -> compile("REGEXP_EXTRACT(name, '(a)', 2) AS r", null))
        .hasMessageContaining("REGEXP_EXTRACT: the expression has 1 group, so there is no group 2");
    assertThatThrownBy(() -> compile("REGEXP_EXTRACT_ALL(name, 'a') AS r", null))
        .hasMessageContaining("REGEXP_EXTRACT_ALL: the expression has no group, and group 1 is");
  }

  @Test
  void aBadExpressionReadFromAColumnStopsThePipelineNamingTheFunction() {
    TransformProgram program = compile("REGEXP_SUBSTR(status, name) AS r", null);
    Object[] row = TransformFixture.row();
    row[6] = "(";
    assertThatThrownBy(() -> program.project(row, TransformFixture.CONTEXT))
        .hasMessageContaining("REGEXP_SUBSTR: invalid regular expression '('");
  }
}
