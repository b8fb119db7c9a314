package dev.cdcsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.SchemaChange.AddColumn;
import dev.cdcsync.api.SchemaChange.DropColumn;
import dev.cdcsync.api.SchemaChange.WidenColumnType;
import dev.cdcsync.api.TableId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaEvolverTest {

  private static final TableId TABLE = TableId.of("shop", "orders");
  private static final Schema SINK =
      Schema.of(
          List.of(
              Column.of("id", DataTypeRoot.BIGINT),
              Column.of("qty", DataTypeRoot.INT),
              Column.of("price", DataType.decimal(10, 2)),
              Column.of("note", DataTypeRoot.STRING)),
          List.of("id"));
  private static final Schema SOURCE =
      Schema.of(
          List.of(
              Column.of("id", DataTypeRoot.BIGINT),
              Column.of("qty", DataTypeRoot.BIGINT),
              Column.of("price", DataType.decimal(12, 2)),
              Column.of("status", DataTypeRoot.STRING)),
          List.of("id"));

  @Test
  void evolveAppliesEveryChange() {
    SchemaEvolver.Plan plan = new SchemaEvolver(SchemaChangeBehavior.EVOLVE).plan(TABLE, SINK, SOURCE);

    assertThat(plan.apply())
        .containsExactly(
            new WidenColumnType("qty", DataType.of(DataTypeRoot.INT), DataType.of(DataTypeRoot.BIGINT)),
            new WidenColumnType("price", DataType.decimal(10, 2), DataType.decimal(12, 2)),
            new AddColumn(Column.of("status", DataTypeRoot.STRING), "price"),
            new DropColumn("note"));
  }

  @Test
  void lenientKeepsDroppedColumns() {
    SchemaEvolver.Plan plan = new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, SINK, SOURCE);

    assertThat(plan.apply()).doesNotContain(new DropColumn("note")).hasSize(3);
    assertThat(plan.notes()).contains("dropped column note: kept in the sink table, null from now on");
  }

  @Test
  void ignoreAppliesNothingAndSaysSo() {
    SchemaEvolver.Plan plan = new SchemaEvolver(SchemaChangeBehavior.IGNORE).plan(TABLE, SINK, SOURCE);

    assertThat(plan.apply()).isEmpty();
    assertThat(plan.notes())
        .contains("added column status STRING: ignored (pipeline.schema.change.behavior is ignore)");
  }

  @Test
  void exceptionNamesTheTableAndTheChange() {
    assertThatThrownBy(() -> new SchemaEvolver(SchemaChangeBehavior.EXCEPTION).plan(TABLE, SINK, SOURCE))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot apply a schema change to table shop.orders: column qty changed type from INT to"
                + " BIGINT; pipeline.schema.change.behavior is exception");
  }

  @Test
  void aChangeIcebergCannotExpressStopsEvolveButNotLenient() {
    Schema narrowed =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("qty", DataTypeRoot.STRING),
                Column.of("price", DataType.decimal(10, 2)),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"));
    assertThatThrownBy(() -> new SchemaEvolver(SchemaChangeBehavior.EVOLVE).plan(TABLE, SINK, narrowed))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageStartingWith(
            "Cannot apply a schema change to table shop.orders: column qty changed type from INT to STRING,"
                + " which Iceberg cannot express");
    SchemaEvolver.Plan plan = new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, SINK, narrowed);
    assertThat(plan.apply()).isEmpty();
    assertThat(plan.notes()).hasSize(1);
  }

  @Test
  void aReportedRenameKeepsTheColumnUnderEvolveAndAddsTheNewNameUnderLenient() {
    Schema renamed =
        new Schema(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("quantity", DataTypeRoot.INT),
                Column.of("price", DataType.decimal(10, 2)),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"),
            java.util.Map.of("quantity", "qty"));

    assertThat(new SchemaEvolver(SchemaChangeBehavior.EVOLVE).plan(TABLE, SINK, renamed).apply())
        .containsExactly(new dev.cdcsync.api.SchemaChange.RenameColumn("qty", "quantity"));
    assertThat(new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, SINK, renamed).apply())
        .containsExactly(new AddColumn(Column.of("quantity", DataTypeRoot.INT), "id"));
  }

  @Test
  void sameSchemaOrANarrowerSourceNeedsNothing() {
    Schema narrower =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("qty", DataTypeRoot.INT),
                Column.of("price", DataType.decimal(8, 2)),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"));
    assertThat(new SchemaEvolver(SchemaChangeBehavior.EXCEPTION).plan(TABLE, SINK, SINK).apply()).isEmpty();
    assertThat(new SchemaEvolver(SchemaChangeBehavior.EXCEPTION).plan(TABLE, SINK, narrower).apply()).isEmpty();
  }
}
