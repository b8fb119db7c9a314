package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.CONTEXT;
import static dev.cdcsync.runtime.transform.TransformFixture.compile;
import static dev.cdcsync.runtime.transform.TransformFixture.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformProgramTest {

  @Test
  void noProjectionCopiesEveryColumn() {
    TransformProgram program = compile(null, null);
    assertThat(program.outputColumns()).isEqualTo(TransformFixture.SCHEMA.columns());
    assertThat(program.project(row(), CONTEXT)).containsExactly(row());
    assertThat(program.copiedColumns())
        .hasSize(TransformFixture.SCHEMA.size())
        .containsEntry(0, "id");
    assertThat(program.test(row(), CONTEXT)).isTrue();
  }

  @Test
  void starExpandsInPlaceWithOrWithoutBackslash() {
    TransformProgram escaped = compile("\\*, UPPER(status) AS status_upper", null);
    TransformProgram plain = compile("UPPER(status) AS status_upper, *", null);
    assertThat(escaped.outputColumns()).hasSize(TransformFixture.SCHEMA.size() + 1);
    assertThat(escaped.outputColumns().get(escaped.outputColumns().size() - 1))
        .isEqualTo(Column.of("status_upper", DataTypeRoot.STRING));
    assertThat(plain.outputColumns().get(0).name()).isEqualTo("status_upper");
    assertThat(plain.outputColumns().get(1).name()).isEqualTo("id");
    assertThat(plain.copiedColumns()).containsEntry(1, "id").doesNotContainKey(0);
    assertThat(plain.project(row(), CONTEXT)[0]).isEqualTo("PAID");
  }

  @Test
  void columnsPassedOnAsTheyAreKeepTheirDefaults() {
    Schema input =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.INT),
                new Column("qty", DataType.of(DataTypeRoot.INT), 7, null),
                new Column(
                    "made",
                    DataType.of(DataTypeRoot.STRING),
                    null,
                    "now(), which PostgreSQL computes")),
            List.of("id"));
    TransformProgram program =
        TransformProgram.compile(
            "rule",
            "id, qty, qty AS amount, qty + 1 AS more, made",
            null,
            input,
            name -> null,
            TransformFixture.CLOCK);
    assertThat(program.outputColumns())
        .extracting(Column::defaultValue)
        .containsExactly(null, 7, 7, null, null);
    assertThat(program.outputColumns())
        .extracting(Column::unknownDefault)
        .containsExactly(null, null, null, null, "now(), which PostgreSQL computes");
  }

  @Test
  void outputColumnsAreNamedAndTyped() {
    TransformProgram program =
        compile("id, id AS key, price * qty AS total, __table_name__ AS src, op_ts, mixed", null);
    assertThat(program.outputColumns())
        .containsExactly(
            Column.of("id", DataTypeRoot.INT),
            Column.of("key", DataTypeRoot.INT),
            Column.of("total", DataType.decimal(20, 2)),
            Column.of("src", DataTypeRoot.STRING),
            Column.of("op_ts", DataTypeRoot.TIMESTAMP_LTZ),
            Column.of("Mixed", DataTypeRoot.STRING));
    assertThat(program.copiedColumns()).isEqualTo(Map.of(0, "id", 1, "id", 5, "Mixed"));
    assertThat(program.project(row(), CONTEXT))
        .containsExactly(
            7,
            7,
            new BigDecimal("37.50"),
            "orders",
            Instant.ofEpochMilli(1_700_000_000_123L),
            "MiXeD");
  }

  @Test
  void metadataColumns() {
    TransformProgram program =
        compile(
            "__namespace_name__ AS n, __schema_name__ AS s, __table_name__ AS t, __data_event_type__ AS e",
            null);
    assertThat(program.project(row(), CONTEXT)).containsExactly("shop", "public", "orders", "+U");
    RowContext mysql = new RowContext(TableId.of("inventory", "products"), "-D", 0);
    assertThat(program.project(row(), mysql)).containsExactly(null, "inventory", "products", "-D");
    assertThat(
            compile(null, "__data_event_type__ = '+U' AND op_ts > TIMESTAMP '2020-01-01 00:00:00'")
                .test(row(), CONTEXT))
        .isTrue();
  }

  @Test
  void filterMayUseAnAliasAndTheAliasWinsOverAnInputColumn() {
    TransformProgram program =
        compile(
            "id, price * qty AS total, UPPER(status) AS status", "total > 30 AND status = 'PAID'");
    assertThat(program.test(row(), CONTEXT)).isTrue();
    assertThat(compile("id, price * qty AS total", "total > 40").test(row(), CONTEXT)).isFalse();
    assertThat(compile("id", "status <> 'test'").test(row(), CONTEXT)).isTrue();
  }

  @Test
  void filterKeepsOnlyTrue() {
    assertThat(TransformFixture.where("nothing = 'x'")).isFalse();
    assertThat(TransformFixture.where("NOT (nothing = 'x')")).isFalse();
    assertThat(TransformFixture.where("nothing IS NULL")).isTrue();
  }

  @Test
  void namesAreCaseSensitiveWithAUniqueCaseInsensitiveFallback() {
    assertThat(TransformFixture.eval("MIXED")).isEqualTo("MiXeD");
    assertThat(TransformFixture.eval("`Mixed`")).isEqualTo("MiXeD");
    assertThat(TransformFixture.eval("ID")).isEqualTo(7);
  }

  @Test
  void rowsAreIndependentAndProgramsReusable() {
    TransformProgram program = compile("id + 1 AS next_id", "id > 5");
    Object[] other = row();
    other[0] = 1;
    assertThat(program.test(other, CONTEXT)).isFalse();
    assertThat(program.project(other, CONTEXT)).containsExactly(2);
    assertThat(program.project(row(), CONTEXT)).containsExactly(8);
    assertThat(program.outputColumns()).isEqualTo(List.of(Column.of("next_id", DataTypeRoot.INT)));
  }

  @Test
  void evaluationErrorsNameTheRuleAndExpressionButNotTheValue() {
    TransformProgram program = compile("CAST(name AS INT) AS n", null);
    assertThatThrownBy(() -> program.project(row(), CONTEXT))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot evaluate projection of transform rule 1 (line 12): column n: cannot cast"
                + " this STRING to BIGINT: CAST(name AS INT) AS n")
        .hasNoCause()
        .message()
        .doesNotContain("Ada");
    assertThatThrownBy(() -> compile(null, "id / (qty - 3) > 1").test(row(), CONTEXT))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot evaluate filter of transform rule 1 (line 12): division by zero: id / (qty - 3) > 1");
  }
}
