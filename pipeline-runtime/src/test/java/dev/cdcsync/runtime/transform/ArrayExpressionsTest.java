package dev.cdcsync.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;

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

  private static TransformProgram compile(String projection, String filter) {
    return TransformProgram.compile(
        "transform rule 1 (line 12)",
        projection,
        filter,
        SCHEMA,
        TransformFixture.ENVIRONMENT::get,
        TransformFixture.CLOCK);
  }

  private static Object eval(String expression) {
    return compile(expression + " AS r", null).project(ROW, TransformFixture.CONTEXT)[0];
  }
}
