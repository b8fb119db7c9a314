package dev.cdcsync.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrayExpressionsTest {

  private static final DataType INTS = DataType.array(DataType.of(DataTypeRoot.INT));
  private static final Schema SCHEMA =
      Schema.of(
          List.of(
              Column.of("id", DataTypeRoot.INT),
              Column.of("tags", DataType.array(DataType.of(DataTypeRoot.STRING))),
              Column.of("a", INTS),
              Column.of("b", INTS),
              Column.of("amounts", DataType.array(DataType.decimal(6, 2)))),
          List.of("id"));
  private static final Object[] ROW = {
    1,
    Arrays.asList("x", null),
    Arrays.asList(1, null, 3),
    Arrays.asList(1, 2),
    List.of(new BigDecimal("1.50"))
  };

  @Test
  void passesArraysThroughWithTheirType() {
    TransformProgram program = compile("id, tags, a AS numbers", null);
    assertThat(program.outputColumns())
        .containsExactly(
            Column.of("id", DataTypeRoot.INT),
            Column.of("tags", SCHEMA.column("tags").type()),
            Column.of("numbers", INTS));
    assertThat(program.project(ROW, TransformFixture.CONTEXT))
        .containsExactly(1, Arrays.asList("x", null), Arrays.asList(1, null, 3));
  }

  @Test
  void castsArraysToTextAsFlinkCdcDoes() {
    assertThat(eval("CAST(tags AS STRING)")).isEqualTo("[x, NULL]");
    assertThat(eval("CAST(amounts AS STRING)")).isEqualTo("[1.50]");
    assertThat(eval("CAST(a AS STRING) || '!'")).isEqualTo("[1, NULL, 3]!");
  }

  @Test
  void comparesArraysElementByElement() {
    assertThat(compile(null, "a = a").test(ROW, TransformFixture.CONTEXT)).isTrue();
    assertThat(compile(null, "a < b").test(ROW, TransformFixture.CONTEXT)).isTrue();
    assertThat(compile(null, "tags IS NOT NULL").test(ROW, TransformFixture.CONTEXT)).isTrue();
  }

  @Test
  void buildsArraysOfTheValuesCommonType() {
    assertThat(eval("ARRAY[id, 2, NULL]")).isEqualTo(Arrays.asList(1, 2, null));
    assertThat(type("ARRAY[id, 2.5]")).isEqualTo(DataType.array(DataType.decimal(11, 1)));
    assertThat(eval("ARRAY['x', tags[1]]")).isEqualTo(List.of("x", "x"));
    assertThatThrownBy(() -> compile("ARRAY[NULL] AS r", null))
        .hasMessageContaining("ARRAY: an array of NULLs only has no element type");
    assertThatThrownBy(() -> compile("ARRAY[id, 'x'] AS r", null))
        .hasMessageContaining("ARRAY: the elements have no common type: INT and STRING");
  }

  @Test
  void readsAnElementByItsOneBasedIndex() {
    assertThat(eval("a[1]")).isEqualTo(1);
    assertThat(eval("a[2]")).isNull();
    assertThat(eval("a[3]")).isEqualTo(3);
    assertThat(eval("a[0]")).isNull();
    assertThat(eval("a[4]")).isNull();
    assertThat(eval("amounts[id]")).isEqualTo(new BigDecimal("1.50"));
    assertThat(type("amounts[1]")).isEqualTo(DataType.decimal(6, 2));
    assertThatThrownBy(() -> compile("id[1] AS r", null))
        .hasMessageContaining("[…] takes an ARRAY, not INT");
  }

  @Test
  void countsSearchesAndUnwraps() {
    assertThat(eval("CARDINALITY(a)")).isEqualTo(3);
    assertThat(eval("CARDINALITY(ARRAY[1])")).isEqualTo(1);
    assertThat(eval("ARRAY_CONTAINS(a, 3)")).isEqualTo(true);
    assertThat(eval("ARRAY_CONTAINS(a, 3.0)")).as("by value").isEqualTo(true);
    assertThat(eval("ARRAY_CONTAINS(b, 3)")).isEqualTo(false);
    assertThat(eval("ARRAY_CONTAINS(a, NULL)")).as("a NULL element").isEqualTo(true);
    assertThat(eval("ARRAY_CONTAINS(b, NULL)")).isEqualTo(false);
    assertThat(eval("ARRAY_CONTAINS(amounts, 1.5)")).isEqualTo(true);
    assertThat(eval("ARRAY_POSITION(a, 3)")).isEqualTo(3);
    assertThat(eval("ARRAY_POSITION(tags, 'y')")).isEqualTo(0);
    assertThat(eval("ARRAY_POSITION(a, NULL)")).isNull();
    assertThat(eval("ELEMENT(amounts)")).isEqualTo(new BigDecimal("1.50"));
    assertThatThrownBy(() -> eval("ELEMENT(a)"))
        .hasMessageContaining("ELEMENT: the array has 3 elements, not one");
    assertThatThrownBy(() -> compile("CARDINALITY(id) AS r", null))
        .hasMessageContaining("CARDINALITY: argument 1 must be an ARRAY but is INT");
  }

  private static TransformProgram compile(String projection, String filter) {
    return TransformProgram.compile(
        "transform rule 1 (line 12)",
        projection,
        filter,
        SCHEMA,
        TransformFixture.ENVIRONMENT::get,
        TransformFixture.CLOCK);
  }

  private static DataType type(String expression) {
    return compile(expression + " AS r", null).outputColumns().get(0).type();
  }

  private static Object eval(String expression) {
    return compile(expression + " AS r", null).project(ROW, TransformFixture.CONTEXT)[0];
  }
}
