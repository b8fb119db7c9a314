package dev.cdcsync.runtime.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.SchemaChange.AddColumn;
import dev.cdcsync.api.SchemaChange.ColumnComment;
import dev.cdcsync.api.SchemaChange.DropColumn;
import dev.cdcsync.api.SchemaChange.TableComment;
import dev.cdcsync.api.SchemaChange.WidenColumnType;
import dev.cdcsync.api.TableId;
import java.util.List;
import java.util.Map;
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
    SchemaEvolver.Plan plan =
        new SchemaEvolver(SchemaChangeBehavior.EVOLVE).plan(TABLE, SINK, SOURCE);

    assertThat(plan.apply())
        .containsExactly(
            new WidenColumnType(
                "qty", DataType.of(DataTypeRoot.INT), DataType.of(DataTypeRoot.BIGINT)),
            new WidenColumnType("price", DataType.decimal(10, 2), DataType.decimal(12, 2)),
            new AddColumn(Column.of("status", DataTypeRoot.STRING), "price"),
            new DropColumn("note"));
  }

  @Test
  void carriesChangedCommentsButKeepsOnesTheSourceDoesNotGive() {
    Schema sink =
        new Schema(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT).withComment("number"),
                Column.of("note", DataTypeRoot.STRING).withComment("free text")),
            List.of("id"),
            Map.of(),
            "orders");
    Schema source =
        new Schema(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT).withComment("order number"),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"),
            Map.of(),
            "one row per order");
    SchemaEvolver.Plan plan =
        new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, sink, source);
    assertThat(plan.apply())
        .containsExactly(
            new ColumnComment("id", "order number"), new TableComment("one row per order"));
    assertThat(SchemaChange.additive(plan.apply())).isTrue();
    assertThat(new SchemaEvolver(SchemaChangeBehavior.EVOLVE).plan(TABLE, sink, sink).apply())
        .isEmpty();
    assertThat(
            new SchemaEvolver(
                    SchemaChangeBehavior.EVOLVE,
                    new SchemaChangeFilter(SchemaChangeKind.parseList("column")))
                .plan(TABLE, sink, source)
                .apply())
        .as("alter.table.comment left out")
        .containsExactly(new ColumnComment("id", "order number"));
    assertThat(new SchemaEvolver(SchemaChangeBehavior.IGNORE).plan(TABLE, sink, source).apply())
        .isEmpty();
  }

  @Test
  void lenientKeepsDroppedColumns() {
    SchemaEvolver.Plan plan =
        new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, SINK, SOURCE);

    assertThat(plan.apply()).doesNotContain(new DropColumn("note")).hasSize(3);
    assertThat(plan.notes())
        .contains("dropped column note: kept in the sink table, null from now on");
  }

  @Test
  void ignoreAppliesNothingAndSaysSo() {
    SchemaEvolver.Plan plan =
        new SchemaEvolver(SchemaChangeBehavior.IGNORE).plan(TABLE, SINK, SOURCE);

    assertThat(plan.apply()).isEmpty();
    assertThat(plan.notes())
        .contains(
            "added column status STRING: ignored (pipeline.schema.change.behavior is ignore)");
  }

  @Test
  void exceptionNamesTheTableAndTheChange() {
    assertThatThrownBy(
            () -> new SchemaEvolver(SchemaChangeBehavior.EXCEPTION).plan(TABLE, SINK, SOURCE))
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
    assertThatThrownBy(
            () -> new SchemaEvolver(SchemaChangeBehavior.EVOLVE).plan(TABLE, SINK, narrowed))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageStartingWith(
            "Cannot apply a schema change to table shop.orders: column qty changed type from INT to STRING,"
                + " which Iceberg cannot express");
    for (SchemaChangeBehavior behavior :
        List.of(SchemaChangeBehavior.LENIENT, SchemaChangeBehavior.TRY_EVOLVE)) {
      SchemaEvolver.Plan plan = new SchemaEvolver(behavior).plan(TABLE, SINK, narrowed);
      assertThat(plan.apply())
          .containsExactly(new AddColumn(Column.of("qty__string", DataTypeRoot.STRING), "qty"));
      assertThat(plan.redirects()).isEqualTo(Map.of("qty", "qty__string"));
      assertThat(plan.unwritten()).isEmpty();
      assertThat(plan.notes())
          .containsExactly(
              "column qty changed type from INT to STRING, which Iceberg cannot express: its values"
                  + " go to new column qty__string from now on; qty keeps the earlier ones");
    }
  }

  @Test
  void theOverflowColumnIsReusedAfterARestartAndNeverDropped() {
    Schema sinkWithOverflow =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("qty", DataTypeRoot.INT),
                Column.of("qty__string", DataTypeRoot.STRING),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"));
    Schema source =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("qty", DataTypeRoot.STRING),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"));
    SchemaEvolver.Plan plan =
        new SchemaEvolver(SchemaChangeBehavior.TRY_EVOLVE).plan(TABLE, sinkWithOverflow, source);
    assertThat(plan.apply()).isEmpty();
    assertThat(plan.redirects()).isEqualTo(Map.of("qty", "qty__string"));

    Schema backToInt =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("qty", DataTypeRoot.INT),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"));
    SchemaEvolver.Plan back =
        new SchemaEvolver(SchemaChangeBehavior.TRY_EVOLVE).plan(TABLE, sinkWithOverflow, backToInt);
    assertThat(back.apply()).isEmpty();
    assertThat(back.redirects()).isEmpty();
  }

  @Test
  void ignoreLeavesOutTheValuesOfNewAndRetypedColumns() {
    Schema retyped =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("qty", DataTypeRoot.STRING),
                Column.of("price", DataType.decimal(10, 2)),
                Column.of("note", DataTypeRoot.STRING),
                Column.of("extra", DataTypeRoot.INT)),
            List.of("id"));
    SchemaEvolver.Plan plan =
        new SchemaEvolver(SchemaChangeBehavior.IGNORE).plan(TABLE, SINK, retyped);
    assertThat(plan.apply()).isEmpty();
    assertThat(plan.unwritten()).containsExactlyInAnyOrder("qty", "extra");
  }

  @Test
  void aKeyColumnThatWouldNoLongerBeWrittenStopsThePipeline() {
    Schema retypedKey =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.STRING),
                Column.of("qty", DataTypeRoot.INT),
                Column.of("price", DataType.decimal(10, 2)),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"));
    assertThatThrownBy(
            () -> new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, SINK, retypedKey))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageStartingWith(
            "Cannot apply a schema change to table shop.orders: the values of key column id would no"
                + " longer reach it");
  }

  @Test
  void kindsLeftOutOfTheFilterAreNotApplied() {
    SchemaChangeFilter onlyAdds =
        new SchemaChangeFilter(java.util.EnumSet.of(SchemaChangeKind.ADD_COLUMN));
    SchemaEvolver.Plan plan =
        new SchemaEvolver(SchemaChangeBehavior.EVOLVE, onlyAdds).plan(TABLE, SINK, SOURCE);

    assertThat(plan.apply())
        .containsExactly(
            new AddColumn(Column.of("qty__bigint", DataTypeRoot.BIGINT), "qty"),
            new AddColumn(Column.of("price__decimal", DataType.decimal(12, 2)), "price"),
            new AddColumn(Column.of("status", DataTypeRoot.STRING), "price"));
    assertThat(plan.redirects()).isEqualTo(Map.of("qty", "qty__bigint", "price", "price__decimal"));
    assertThat(plan.notes())
        .contains("dropped column note: kept in the sink table, null from now on");

    SchemaChangeFilter noAdds =
        new SchemaChangeFilter(
            java.util.EnumSet.complementOf(java.util.EnumSet.of(SchemaChangeKind.ADD_COLUMN)));
    SchemaEvolver.Plan withoutAdds =
        new SchemaEvolver(SchemaChangeBehavior.EVOLVE, noAdds).plan(TABLE, SINK, SOURCE);
    assertThat(withoutAdds.unwritten()).containsExactly("status");
    assertThat(withoutAdds.apply()).contains(new DropColumn("note"));
  }

  @Test
  void tableChangesFollowTheBehaviorAndTheFilter() {
    assertThat(new SchemaEvolver(SchemaChangeBehavior.EVOLVE).appliesDropTable(TABLE)).isTrue();
    assertThat(new SchemaEvolver(SchemaChangeBehavior.LENIENT).appliesDropTable(TABLE)).isFalse();
    assertThatThrownBy(
            () -> new SchemaEvolver(SchemaChangeBehavior.EXCEPTION).appliesDropTable(TABLE))
        .hasMessage(
            "Cannot apply a schema change to table shop.orders: it was dropped;"
                + " pipeline.schema.change.behavior is exception");
    SchemaChangeFilter noTableChanges =
        new SchemaChangeFilter(SchemaChangeKind.parseList("column"));
    SchemaEvolver filtered = new SchemaEvolver(SchemaChangeBehavior.EXCEPTION, noTableChanges);
    assertThat(filtered.appliesDropTable(TABLE)).isFalse();
    assertThat(filtered.appliesTruncate(TABLE)).isFalse();
    assertThatThrownBy(() -> filtered.checkCreateTable(TABLE))
        .hasMessageStartingWith("Cannot create sink table shop.orders: create.table is not among");
  }

  @Test
  void parsesKindsAndFamiliesAsFlinkCdcNamesThem() {
    assertThat(SchemaChangeKind.parseList("drop, truncate.table"))
        .containsExactlyInAnyOrder(
            SchemaChangeKind.DROP_COLUMN,
            SchemaChangeKind.DROP_TABLE,
            SchemaChangeKind.TRUNCATE_TABLE);
    assertThat(SchemaChangeKind.parseList("all")).hasSize(SchemaChangeKind.values().length);
    assertThat(SchemaChangeKind.parseList("table"))
        .containsExactlyInAnyOrder(
            SchemaChangeKind.CREATE_TABLE,
            SchemaChangeKind.DROP_TABLE,
            SchemaChangeKind.TRUNCATE_TABLE,
            SchemaChangeKind.ALTER_TABLE_COMMENT);
    assertThat(SchemaChangeKind.parseList("alter.table.comment"))
        .containsExactly(SchemaChangeKind.ALTER_TABLE_COMMENT);
    assertThat(SchemaChangeKind.parseList("add.column,drop.colum")).isNull();
  }

  @Test
  void aReportedRenameKeepsTheColumnUnderEvolveAndAddsTheNewNameUnderLenient() {
    Schema renamed =
        new Schema(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                new Column("quantity", DataType.of(DataTypeRoot.INT), 5, null),
                Column.of("price", DataType.decimal(10, 2)),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("id"),
            java.util.Map.of("quantity", "qty"));

    assertThat(new SchemaEvolver(SchemaChangeBehavior.EVOLVE).plan(TABLE, SINK, renamed).apply())
        .containsExactly(new dev.cdcsync.api.SchemaChange.RenameColumn("qty", "quantity"));
    List<dev.cdcsync.api.SchemaChange> lenient =
        new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, SINK, renamed).apply();
    assertThat(lenient)
        .containsExactly(new AddColumn(Column.of("quantity", DataTypeRoot.INT), "id"));
    // Earlier rows hold the old column's values under the new name in the source, not its default.
    assertThat(((AddColumn) lenient.get(0)).column().defaultValue()).isNull();
  }

  @Test
  void anAddedColumnCarriesItsDefault() {
    Schema added =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("qty", DataTypeRoot.INT),
                Column.of("price", DataType.decimal(10, 2)),
                Column.of("note", DataTypeRoot.STRING),
                new Column("flag", DataType.of(DataTypeRoot.BOOLEAN), true, null)),
            List.of("id"));
    List<dev.cdcsync.api.SchemaChange> plan =
        new SchemaEvolver(SchemaChangeBehavior.LENIENT).plan(TABLE, SINK, added).apply();
    assertThat(plan).hasSize(1);
    assertThat(((AddColumn) plan.get(0)).column().defaultValue()).isEqualTo(true);
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
    assertThat(new SchemaEvolver(SchemaChangeBehavior.EXCEPTION).plan(TABLE, SINK, SINK).apply())
        .isEmpty();
    assertThat(
            new SchemaEvolver(SchemaChangeBehavior.EXCEPTION).plan(TABLE, SINK, narrower).apply())
        .isEmpty();
  }
}
