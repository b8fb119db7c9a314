package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.api.TableLayout.PartitionKey;
import dev.cdcsync.api.TableLayout.PartitionTransform;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IcebergPartitionKeysTest {

  @Test
  void readsFlinkCdcsSyntax() {
    IcebergPartitionKeys keys =
        IcebergPartitionKeys.parse(
            "testdb.table1:id1,id2;testdb.table2:truncate[10](name); testdb.table3 : day(created)");

    assertThat(keys.byTable())
        .isEqualTo(
            Map.of(
                TableId.of("testdb", "table1"),
                List.of(
                    new PartitionKey(PartitionTransform.IDENTITY, "id1", 0),
                    new PartitionKey(PartitionTransform.IDENTITY, "id2", 0)),
                TableId.of("testdb", "table2"),
                List.of(new PartitionKey(PartitionTransform.TRUNCATE, "name", 10)),
                TableId.of("testdb", "table3"),
                List.of(new PartitionKey(PartitionTransform.DAY, "created", 0))));
  }

  @Test
  void rejectsTextThatIsNotTheSyntax() {
    assertThat(IcebergPartitionKeys.parse("testdb.table1")).isNull();
    assertThat(IcebergPartitionKeys.parse("testdb.table1:bucket(id)")).isNull();
    assertThat(IcebergPartitionKeys.parse("testdb.table1:id;testdb.table1:name")).isNull();
    assertThat(IcebergPartitionKeys.parse("a.b.c.d:id")).isNull();
  }

  @Test
  void givesWayToATransformRulesPartitionKeys() {
    IcebergPartitionKeys keys = IcebergPartitionKeys.parse("shop.orders:bucket[4](id)");
    TableLayout fromRule =
        new TableLayout(
            List.of(new PartitionKey(PartitionTransform.IDENTITY, "region", 0)),
            Map.of(),
            "transform rule 1");
    TableLayout propertiesOnly = new TableLayout(List.of(), Map.of("k", "v"), "transform rule 2");

    assertThat(keys.layout(TableId.of("shop", "orders"), fromRule)).isSameAs(fromRule);
    assertThat(keys.layout(TableId.of("shop", "orders"), propertiesOnly))
        .isEqualTo(
            new TableLayout(
                List.of(new PartitionKey(PartitionTransform.BUCKET, "id", 4)),
                Map.of("k", "v"),
                "sink option 'partition.key'"));
    assertThat(keys.layout(TableId.of("shop", "items"), TableLayout.DEFAULT))
        .isSameAs(TableLayout.DEFAULT);
  }
}
