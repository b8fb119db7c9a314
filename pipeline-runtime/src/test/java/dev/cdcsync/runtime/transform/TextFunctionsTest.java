package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.eval;
import static dev.cdcsync.runtime.transform.TransformFixture.type;
import static dev.cdcsync.runtime.transform.TransformFixture.where;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The string and NULL functions of Flink CDC's dialect beyond the first set (row: TransformFixture). */
class TextFunctionsTest {

  @Test
  void trimsAtEitherEndOrBoth() {
    assertThat(eval("LTRIM('  a b  ')")).isEqualTo("a b  ");
    assertThat(eval("RTRIM('  a b  ')")).isEqualTo("  a b");
    assertThat(eval("BTRIM('  a b  ')")).isEqualTo("a b");
    assertThat(eval("BTRIM('xxhixy', 'xy')")).isEqualTo("hi");
    assertThat(eval("LTRIM(nothing)")).isNull();
  }

  @Test
  void concatenatesWithASeparatorLeavingOutNulls() {
    assertThat(eval("CONCAT_WS('-', status, nothing, name, id)")).isEqualTo("paid-Ada Lovelace-7");
    assertThat(eval("CONCAT_WS(nothing, status, name)")).isNull();
    assertThat(eval("CONCAT_WS('-', nothing)")).isEqualTo("");
  }

  @Test
  void padsAndCutsToALength() {
    assertThat(eval("LPAD(status, 7, '*.')")).isEqualTo("*.*paid");
    assertThat(eval("RPAD(status, 7, '*.')")).isEqualTo("paid*.*");
    assertThat(eval("LPAD(status, 2, '*')")).isEqualTo("pa");
    assertThat(eval("RPAD(status, -1, '*')")).isNull();
    assertThat(eval("LPAD(status, 6, '')")).isNull();
    assertThat(eval("LPAD('😀', 3, 'é')")).isEqualTo("éé😀");
  }

  @Test
  void replacesRepeatsAndCutsFromEitherEnd() {
    assertThat(eval("REPLACE(name, 'a', '4')")).isEqualTo("Ad4 Lovel4ce");
    assertThat(eval("REPLACE(name, '.', '!')"))
        .as("literal, not a pattern")
        .isEqualTo("Ada Lovelace");
    assertThat(eval("REPEAT(status, 2)")).isEqualTo("paidpaid");
    assertThat(eval("REPEAT(status, -2)")).isEqualTo("");
    assertThat(eval("LEFT(name, 3)")).isEqualTo("Ada");
    assertThat(eval("RIGHT(name, 4)")).isEqualTo("lace");
    assertThat(eval("RIGHT(name, 100)")).isEqualTo("Ada Lovelace");
    assertThat(eval("LEFT(name, 0)")).isEqualTo("");
    assertThat(eval("LEFT(nothing, 2)")).isNull();
  }

  @Test
  void findsPrefixesSuffixesAndPositions() {
    assertThat(where("STARTSWITH(name, 'Ada')")).isTrue();
    assertThat(where("ENDSWITH(name, 'Ada')")).isFalse();
    assertThat(type("STARTSWITH(name, 'A')").root())
        .isEqualTo(dev.cdcsync.api.DataTypeRoot.BOOLEAN);
    assertThat(eval("INSTR(name, 'Love')")).isEqualTo(5);
    assertThat(eval("INSTR(name, 'x')")).isEqualTo(0);
    assertThat(eval("LOCATE('a', name)")).isEqualTo(3);
    assertThat(eval("LOCATE('a', name, 4)")).isEqualTo(10);
    assertThat(eval("LOCATE('a', name, 99)")).isEqualTo(0);
    assertThat(eval("INSTR('😀x', 'x')")).as("code points").isEqualTo(2);
  }

  @Test
  void replacesNullsAndMakesThem() {
    assertThat(eval("IFNULL(nothing, 'none')")).isEqualTo("none");
    assertThat(eval("IFNULL(status, 'none')")).isEqualTo("paid");
    assertThat(eval("NULLIF(status, 'paid')")).isNull();
    assertThat(eval("NULLIF(status, 'open')")).isEqualTo("paid");
    assertThat(eval("NULLIF(nothing, 'open')")).isNull();
    assertThat(eval("NULLIF(id, 7)")).isNull();
    assertThat(type("NULLIF(id, 7)").root()).isEqualTo(dev.cdcsync.api.DataTypeRoot.INT);
  }
}
