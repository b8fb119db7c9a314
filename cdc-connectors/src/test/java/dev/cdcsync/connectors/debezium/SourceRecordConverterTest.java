package dev.cdcsync.connectors.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.load.LoadRow;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SourceRecordConverterTest {

  private static final Schema ROW =
      SchemaBuilder.struct()
          .name("cdc_sync.shop.orders.Value")
          .field("id", Schema.INT32_SCHEMA)
          .field("qty", SchemaBuilder.int32().optional().defaultValue(5).build())
          .build();

  @Test
  void aNullValueStaysNullWhereTheColumnHasADefault() {
    DataChangeEvent event =
        converter().convert(record("c", new Struct(ROW).put("id", 1).put("qty", null)));

    assertThat(event.after()).containsExactly(1, null);
  }

  @Test
  void anOperationItDoesNotKnowStopsNamingTheTable() {
    assertThatThrownBy(
            () -> converter().convert(record("x", new Struct(ROW).put("id", 1).put("qty", 2))))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot read a change of table shop.orders: Debezium reports operation 'x', which cdc-sync does not know");
  }

  @Test
  void aLoadedRowGivesTheEventItsSnapshotRecordGives() {
    Struct values = new Struct(ROW).put("id", 7).put("qty", null);
    Struct source = (Struct) record("r", values).value();
    Schema key = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();

    DataChangeEvent loaded =
        converter().convert(new LoadRow(values, source.getStruct("source"), key));
    DataChangeEvent read = converter().convert(record("r", values));

    assertThat(loaded.operation()).isEqualTo(read.operation());
    assertThat(loaded.tableId()).isEqualTo(TableId.of("shop", "orders"));
    assertThat(loaded.after()).containsExactly(7, null).containsExactly(read.after());
    assertThat(loaded.sourceTimestampMillis()).isEqualTo(1L);
    assertThat(loaded.schema().columns()).isEqualTo(read.schema().columns());
    assertThat(loaded.schema().primaryKeys()).containsExactly("id");
  }

  /**
   * PostgreSQL: a column renamed right after a change, before cdc-sync converts that change (the
   * table's numbers are read at conversion): the change's schema keeps the number the column had
   * when last seen, so the next schema's column of that number is a rename, not an add.
   */
  @Test
  void aColumnRenamedBeforeItsEarlierChangeIsConvertedIsStillARename() {
    Map<String, Integer> numbers = new java.util.HashMap<>(Map.of("id", 1, "qty", 2));
    SourceRecordConverter.ColumnNumbers columnNumbers =
        new SourceRecordConverter.ColumnNumbers() {
          @Override
          public Map<String, Integer> current(TableId table) {
            return Map.copyOf(numbers);
          }

          @Override
          public java.util.Set<String> generated(TableId table) {
            return java.util.Set.of();
          }

          @Override
          public void close() {}
        };
    SourceRecordConverter converter =
        new SourceRecordConverter(
            s -> TableId.of(s.getString("db"), s.getString("table")),
            columnNumbers,
            null,
            null,
            null);
    converter.convert(record("r", new Struct(ROW).put("id", 1).put("qty", 1)));

    // Renamed in the database while a change of the old schema (a relation of its own) waits.
    numbers.remove("qty");
    numbers.put("quantity", 2);
    Schema streamed =
        SchemaBuilder.struct()
            .name("cdc_sync.shop.orders.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    converter.convert(record("c", new Struct(streamed).put("id", 2).put("qty", 2)));
    Schema renamed =
        SchemaBuilder.struct()
            .name("cdc_sync.shop.orders.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("quantity", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    DataChangeEvent after =
        converter.convert(record("c", new Struct(renamed).put("id", 3).put("quantity", 3)));

    assertThat(after.schema().renamedFrom()).containsExactly(Map.entry("quantity", "qty"));
  }

  /**
   * A gh-ost copy's column renames wait under the copy's name until it is swapped in for the
   * table, and survive a restart in the stored position: the statement is before it.
   */
  @Test
  void renamesOfACopyApplyToItsTableAfterTheSwapAndAcrossARestart() {
    SourceRecordConverter converter = converter();
    converter.convert(record("r", new Struct(ROW).put("id", 1).put("qty", 1)));
    assertThat(converter.pendingRenames()).isNull();
    converter.noteRenames(TableId.of("shop", "_orders_gho"), Map.of("quantity", "qty"));
    String stored = converter.pendingRenames();
    assertThat(stored).isNotNull();

    SourceRecordConverter restarted = converter();
    restarted.restorePendingRenames(java.util.Optional.of(stored));
    restarted.moveRenames(TableId.of("shop", "orders"), TableId.of("shop", "_orders_del"));
    restarted.moveRenames(TableId.of("shop", "_orders_gho"), TableId.of("shop", "orders"));
    Schema swapped =
        SchemaBuilder.struct()
            .name("cdc_sync.shop.orders.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("quantity", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    DataChangeEvent after =
        restarted.convert(record("c", new Struct(swapped).put("id", 3).put("quantity", 3)));

    assertThat(after.schema().renamedFrom()).containsExactly(Map.entry("quantity", "qty"));
    assertThat(restarted.pendingRenames()).as("taken by the schema").isNull();
  }

  /** MariaDB's Debezium parser reads comments whatever it is told: only the option passes them. */
  @Test
  void columnsCarryTheFieldsDocsOnlyWhenCommentsAreIncluded() {
    Schema documented =
        SchemaBuilder.struct()
            .name("cdc_sync.shop.orders.Value")
            .field("id", SchemaBuilder.int32().doc("order number").build())
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA)
            .build();
    Struct row = new Struct(documented).put("id", 1).put("qty", 2);
    SourceRecordConverter.TableIdentifier tables =
        s -> TableId.of(s.getString("db"), s.getString("table"));

    SourceRecordConverter.TableComments comments =
        new SourceRecordConverter.TableComments() {
          @Override
          public String comment(TableId table) {
            return "orders of " + table.schemaName();
          }

          @Override
          public void close() {}
        };

    DataChangeEvent with =
        new SourceRecordConverter(tables, null, comments).convert(record("c", row));
    DataChangeEvent without =
        new SourceRecordConverter(tables, null, (SourceRecordConverter.TableComments) null)
            .convert(record("c", row));

    assertThat(with.schema().comment()).isEqualTo("orders of shop");
    assertThat(with.schema().column("id").comment()).isEqualTo("order number");
    assertThat(with.schema().column("qty").comment()).isNull();
    assertThat(without.schema().comment()).isNull();
    assertThat(without.schema().column("id").comment()).isNull();
  }

  private static SourceRecordConverter converter() {
    return new SourceRecordConverter(
        s -> TableId.of(s.getString("db"), s.getString("table")), null);
  }

  private static SourceRecord record(String op, Struct after) {
    Schema source =
        SchemaBuilder.struct()
            .name("source")
            .field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .build();
    Schema envelope =
        SchemaBuilder.struct()
            .name("cdc_sync.shop.orders.Envelope")
            .field("before", SchemaBuilder.struct().name("before").optional().build())
            .field("after", after.schema())
            .field("source", source)
            .field("op", Schema.STRING_SCHEMA)
            .build();
    Struct value =
        new Struct(envelope)
            .put("after", after)
            .put(
                "source",
                new Struct(source).put("db", "shop").put("table", "orders").put("ts_ms", 1L))
            .put("op", op);
    return new SourceRecord(Map.of(), Map.of(), "topic", null, null, null, envelope, value);
  }
}
