package dev.cdcsync.runtime.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaMergerTest {

  private static final DataType INT = DataType.of(DataTypeRoot.INT);
  private static final DataType BIGINT = DataType.of(DataTypeRoot.BIGINT);
  private static final DataType FLOAT = DataType.of(DataTypeRoot.FLOAT);
  private static final DataType DOUBLE = DataType.of(DataTypeRoot.DOUBLE);
  private static final DataType STRING = DataType.of(DataTypeRoot.STRING);
  private static final DataType DATE = DataType.of(DataTypeRoot.DATE);

  @Test
  void widensArraysOfDifferentElementsToTheirText() {
    DataType ints = DataType.array(INT);
    DataType longs = DataType.array(BIGINT);
    assertThat(SchemaMerger.widest(ints, ints)).isEqualTo(ints);
    assertThat(SchemaMerger.widest(ints, longs)).isEqualTo(DataType.of(DataTypeRoot.STRING));
    assertThat(
            SchemaMerger.converter(ints, DataType.of(DataTypeRoot.STRING))
                .apply(Arrays.asList(1, null)))
        .isEqualTo("[1, NULL]");
  }

  @Test
  void arrayTypesNameTheirElements() {
    assertThat(DataType.array(DataType.decimal(6, 2))).hasToString("ARRAY<DECIMAL(6, 2)>");
    assertThatThrownBy(() -> new DataType(DataTypeRoot.ARRAY, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create an ARRAY without an element type");
    assertThatThrownBy(() -> new DataType(DataTypeRoot.INT, 0, 0, INT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot give an element type to INT");
  }

  @Test
  void widensAsFlinkCdcDoes() {
    assertThat(SchemaMerger.widest(INT, BIGINT)).isEqualTo(BIGINT);
    assertThat(SchemaMerger.widest(FLOAT, DOUBLE)).isEqualTo(DOUBLE);
    assertThat(SchemaMerger.widest(INT, DataType.decimal(5, 2))).isEqualTo(DataType.decimal(12, 2));
    assertThat(SchemaMerger.widest(BIGINT, DataType.decimal(5, 2)))
        .isEqualTo(DataType.decimal(21, 2));
    assertThat(SchemaMerger.widest(DataType.decimal(10, 2), DataType.decimal(8, 4)))
        .isEqualTo(DataType.decimal(12, 4));
    assertThat(SchemaMerger.widest(DataType.decimal(38, 0), DataType.decimal(10, 10)))
        .isEqualTo(STRING);
    assertThat(SchemaMerger.widest(INT, DOUBLE)).isEqualTo(DOUBLE);
    assertThat(SchemaMerger.widest(INT, STRING)).isEqualTo(STRING);
    assertThat(SchemaMerger.widest(DATE, INT)).isEqualTo(STRING);
    assertThat(SchemaMerger.widest(DATE, DATE)).isEqualTo(DATE);
  }

  @Test
  void keepsEverySinkColumnAddsNewOnesAndKeepsTheSinkKey() {
    Schema sink =
        Schema.of(List.of(Column.of("id", INT), Column.of("region", STRING)), List.of("id"));
    Schema shard =
        Schema.of(
            List.of(Column.of("id", BIGINT), Column.of("amount", DataType.decimal(10, 2))),
            List.of("id"));

    assertThat(SchemaMerger.merge(sink, shard))
        .isEqualTo(
            Schema.of(
                List.of(
                    Column.of("id", BIGINT),
                    Column.of("region", STRING),
                    Column.of("amount", DataType.decimal(10, 2))),
                List.of("id")));
  }

  @Test
  void coercesRowsToTheMergedTypesAndLeavesOthersAlone() {
    Schema shard =
        Schema.of(
            List.of(
                Column.of("id", INT),
                Column.of("amount", DataType.decimal(10, 2)),
                Column.of("code", INT),
                Column.of("day", DATE)),
            List.of("id"));
    Schema merged =
        Schema.of(
            List.of(
                Column.of("id", BIGINT),
                Column.of("amount", DataType.decimal(12, 4)),
                Column.of("code", STRING),
                Column.of("day", DATE)),
            List.of("id"));
    SchemaMerger.Coercion coercion = SchemaMerger.coercion(shard, merged);
    LocalDate day = LocalDate.of(2026, 12, 4);
    DataChangeEvent event =
        DataChangeEvent.insert(
            TableId.of("shop", "order_1"),
            shard,
            new Object[] {7, new BigDecimal("1.50"), 42, day},
            1L);

    DataChangeEvent coerced = coercion.apply(event);

    assertThat(coerced.schema().columns())
        .extracting(Column::type)
        .containsExactly(BIGINT, DataType.decimal(12, 4), STRING, DATE);
    assertThat(coerced.after()).containsExactly(7L, new BigDecimal("1.5000"), "42", day);
    assertThat(SchemaMerger.coercion(shard, shard)).isNull();
  }
}
