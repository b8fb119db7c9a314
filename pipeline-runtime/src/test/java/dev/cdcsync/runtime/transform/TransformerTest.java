package dev.cdcsync.runtime.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.api.TableLayout.PartitionKey;
import dev.cdcsync.api.TableLayout.PartitionTransform;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransformerTest {

  private static final TableId ORDERS = TableId.of("shop", "orders");
  private static final Schema SCHEMA =
      Schema.of(
          List.of(
              Column.of("id", DataTypeRoot.BIGINT),
              Column.of("status", DataTypeRoot.STRING),
              Column.of("qty", DataTypeRoot.INT)),
          List.of("id"));

  @Test
  void projectsAndFiltersInsertsAndKeepsTheSourceKeyWhenTheProjectionKeepsIt() {
    Transformer transformer =
        transformer(
            "projection: id, UPPER(status) AS status, qty * 2 AS double_qty\n    filter: qty > 0\n");

    DataChangeEvent kept =
        transformer.apply(DataChangeEvent.insert(ORDERS, SCHEMA, new Object[] {1L, "new", 3}, 5L));

    assertThat(kept.schema().columns())
        .extracting(Column::name)
        .containsExactly("id", "status", "double_qty");
    assertThat(kept.schema().primaryKeys()).containsExactly("id");
    assertThat(kept.after()).containsExactly(1L, "NEW", 6);
    assertThat(
            transformer.apply(
                DataChangeEvent.insert(ORDERS, SCHEMA, new Object[] {2L, "new", 0}, 5L)))
        .isNull();
  }

  @Test
  void anUpdateThatLeavesTheFilterDeletesTheRowAndDeletesAlwaysPass() {
    Transformer transformer = transformer("filter: qty > 0\n");

    DataChangeEvent left =
        transformer.apply(
            DataChangeEvent.update(ORDERS, SCHEMA, null, new Object[] {1L, "done", 0}, 5L));
    DataChangeEvent deleted =
        transformer.apply(
            DataChangeEvent.delete(ORDERS, SCHEMA, new Object[] {2L, null, null}, 6L));

    assertThat(left.operation()).isEqualTo(OperationType.DELETE);
    assertThat(left.before()).containsExactly(1L, "done", 0);
    assertThat(deleted.operation()).isEqualTo(OperationType.DELETE);
  }

  @Test
  void softDeleteWritesTheLastValuesWithTheDeleteEventType() {
    Transformer transformer =
        transformer(
            "projection: \\*, __data_event_type__ AS op\n    converter-after-transform: SOFT_DELETE\n");

    DataChangeEvent softDeleted =
        transformer.apply(DataChangeEvent.delete(ORDERS, SCHEMA, new Object[] {1L, "gone", 2}, 5L));

    assertThat(softDeleted.operation()).isEqualTo(OperationType.UPDATE);
    assertThat(softDeleted.after()).containsExactly(1L, "gone", 2, "-D");
  }

  @Test
  void aProjectionWithoutTheKeyGivesNoKeyUnlessPrimaryKeysNamesOne() {
    DataChangeEvent keyless =
        transformer("projection: status, qty\n")
            .apply(DataChangeEvent.insert(ORDERS, SCHEMA, new Object[] {1L, "a", 1}, 5L));
    DataChangeEvent keyed =
        transformer("projection: status, qty\n    primary-keys: status\n")
            .apply(DataChangeEvent.insert(ORDERS, SCHEMA, new Object[] {1L, "a", 1}, 5L));

    assertThat(keyless.schema().primaryKeys()).isEmpty();
    assertThat(keyed.schema().primaryKeys()).containsExactly("status");
    assertThatThrownBy(
            () ->
                transformer("projection: status\n    primary-keys: id\n")
                    .apply(DataChangeEvent.insert(ORDERS, SCHEMA, new Object[] {1L, "a", 1}, 5L)))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot apply transform rule 1 (line 6): primary key column 'id' is not among the projection's columns [status]");
  }

  @Test
  void leavesTablesNoRuleMatchesAsTheyAre() {
    DataChangeEvent other =
        DataChangeEvent.insert(TableId.of("shop", "items"), SCHEMA, new Object[] {1L, "a", 0}, 5L);

    assertThat(transformer("filter: qty > 0\n").apply(other)).isSameAs(other);
  }

  @Test
  void readsPartitionKeysAndTableOptions() {
    Transformer transformer =
        transformer(
            "partition-keys: status, days(ts), bucket[16](id), truncate[4](status)\n"
                + "    table-options: write.format.default=parquet, commit.retry.num-retries=8\n");

    assertThat(transformer.layout(ORDERS))
        .isEqualTo(
            new TableLayout(
                List.of(
                    new PartitionKey(PartitionTransform.IDENTITY, "status", 0),
                    new PartitionKey(PartitionTransform.DAY, "ts", 0),
                    new PartitionKey(PartitionTransform.BUCKET, "id", 16),
                    new PartitionKey(PartitionTransform.TRUNCATE, "status", 4)),
                Map.of("write.format.default", "parquet", "commit.retry.num-retries", "8"),
                "transform rule 1 (line 6)"));
    assertThat(transformer.layout(TableId.of("shop", "items"))).isEqualTo(TableLayout.DEFAULT);
  }

  @Test
  void rejectsABadPartitionKeyAndAnUnknownConverterWithTheirLines() {
    assertThatThrownBy(() -> transformer("partition-keys: bucket(id)\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "Cannot use transform rule 1 (line 6): line 7: cannot parse partition key 'bucket(id)'");
    assertThatThrownBy(() -> transformer("converter-after-transform: HARD_DELETE\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot use transform rule 1 (line 6): line 7: unknown converter-after-transform 'HARD_DELETE'; available: SOFT_DELETE");
  }

  /** A rule that gives the sink another key or keeps deleted rows no longer keys it as the source. */
  @Test
  void keepsTheSourceKeysUnlessARuleGivesAnotherKeyOrKeepsDeletedRows() {
    TableId other = TableId.of("shop", "other");
    assertThat(transformer("filter: qty > 0\n").keepsSourceKeys(ORDERS)).isTrue();
    assertThat(transformer("primary-keys: status\n").keepsSourceKeys(ORDERS)).isFalse();
    assertThat(
            transformer("projection: \\*\n    converter-after-transform: SOFT_DELETE\n")
                .keepsSourceKeys(ORDERS))
        .isFalse();
    assertThat(transformer("primary-keys: status\n").keepsSourceKeys(other)).isTrue();
  }

  private static Transformer transformer(String ruleLines) {
    var definitions =
        new PipelineDefinitionParser(Map.<String, String>of()::get)
            .parse(
                "source:\n  type: mysql\nsink:\n  type: iceberg\ntransform:\n  - source-table: shop.orders\n    "
                    + ruleLines,
                "p.yaml")
            .transforms();
    return new Transformer(
        definitions.stream()
            .map(definition -> TransformRule.of(definition, "database.table"))
            .toList(),
        name -> null,
        Clock.systemUTC());
  }
}
