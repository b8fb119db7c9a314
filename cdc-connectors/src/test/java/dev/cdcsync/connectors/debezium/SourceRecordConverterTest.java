package dev.cdcsync.connectors.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.TableId;
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
            .field("after", ROW)
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
