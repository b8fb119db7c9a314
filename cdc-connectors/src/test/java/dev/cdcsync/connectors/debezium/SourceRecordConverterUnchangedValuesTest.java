package dev.cdcsync.connectors.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * Values an update left out (Debezium's placeholder) are read back through {@link
 * UnchangedValues} and never reach an event; the PostgreSQL side is tested end to end by
 * PostgresToastIT.
 */
class SourceRecordConverterUnchangedValuesTest {

  private static final String PLACEHOLDER = "__unchanged__";
  private static final TableId TABLE = TableId.of("db", "public", "docs");

  private static final org.apache.kafka.connect.data.Schema ROW =
      SchemaBuilder.struct()
          .name("cdc_sync.public.docs.Value")
          .field("id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA)
          .field("body", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA)
          .field("blob", org.apache.kafka.connect.data.Schema.OPTIONAL_BYTES_SCHEMA)
          .optional()
          .build();
  private static final org.apache.kafka.connect.data.Schema KEY =
      SchemaBuilder.struct().field("id", org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build();
  private static final org.apache.kafka.connect.data.Schema SOURCE =
      SchemaBuilder.struct()
          .field("ts_ms", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA)
          .build();
  private static final org.apache.kafka.connect.data.Schema ENVELOPE =
      SchemaBuilder.struct()
          .name("cdc_sync.public.docs.Envelope")
          .field("before", ROW)
          .field("after", ROW)
          .field("source", SOURCE)
          .field("op", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
          .build();

  /** Records each read and answers with the values it was given, or with no row. */
  private static final class ReadBack implements UnchangedValues {
    final List<String> reads = new ArrayList<>();
    Object[] answer;

    @Override
    public Optional<Object[]> read(TableId table, Schema schema, Object[] row, int[] columns) {
      reads.add(
          table + " id=" + row[schema.indexOf("id")] + " columns=" + Arrays.toString(columns));
      return Optional.ofNullable(answer);
    }

    @Override
    public void close() {}
  }

  private final ReadBack readBack = new ReadBack();
  private final SourceRecordConverter converter =
      new SourceRecordConverter(source -> TABLE, null, null, PLACEHOLDER, readBack);

  @Test
  void readsBackTheValuesAnUpdateLeftOut() {
    readBack.answer = new Object[] {"the body", new byte[] {1, 2}};
    DataChangeEvent event = converter.convert(update(row(7, PLACEHOLDER, placeholderBytes())));

    assertThat(event.operation()).isEqualTo(OperationType.UPDATE);
    assertThat(event.after()).containsExactly(7, "the body", new byte[] {1, 2});
    assertThat(readBack.reads).containsExactly(TABLE + " id=7 columns=[1, 2]");
  }

  @Test
  void readsBackOnlyTheColumnsLeftOut() {
    readBack.answer = new Object[] {new byte[] {9}};
    DataChangeEvent event = converter.convert(update(row(8, "new body", placeholderBytes())));

    assertThat(event.after()).containsExactly(8, "new body", new byte[] {9});
    assertThat(readBack.reads).containsExactly(TABLE + " id=8 columns=[2]");
  }

  @Test
  void leavesOutAnUpdateWhoseRowIsGone() {
    readBack.answer = null;
    assertThat(converter.convert(update(row(9, PLACEHOLDER, null)))).isNull();
  }

  @Test
  void readsNothingForCompleteRows() {
    DataChangeEvent event = converter.convert(update(row(10, "body", new byte[] {3})));

    assertThat(event.after()).containsExactly(10, "body", new byte[] {3});
    assertThat(readBack.reads).isEmpty();
  }

  @Test
  void readsBackTheValuesOfTheInsertOfAKeyChange() {
    readBack.answer = new Object[] {"moved body"};
    DataChangeEvent event =
        converter.convert(record(envelope("c", null, row(13, PLACEHOLDER, null))));

    assertThat(event.operation()).isEqualTo(OperationType.INSERT);
    assertThat(event.after()).containsExactly(13, "moved body", null);
  }

  @Test
  void refusesAPlaceholderWhereNoValueCanBeReadBack() {
    Struct delete = envelope("d", row(11, PLACEHOLDER, null), null);
    assertThatThrownBy(() -> converter.convert(record(delete)))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot replicate a change of db.public.docs: it leaves the value of column body out and the source"
                + " cannot read it back");

    SourceRecordConverter binlog = new SourceRecordConverter(source -> TABLE, null);
    // Without a placeholder configured, the text is an ordinary value.
    assertThat(binlog.convert(update(row(12, PLACEHOLDER, null))).after()[1])
        .isEqualTo(PLACEHOLDER);
  }

  private static Struct row(int id, String body, Object blob) {
    return new Struct(ROW).put("id", id).put("body", body).put("blob", blob);
  }

  @Test
  void recognisesThePlaceholderInEveryFormDebeziumGivesIt() {
    UnavailableValuePlaceholder placeholder = new UnavailableValuePlaceholder(PLACEHOLDER);
    byte[] bytes = PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
    var texts =
        placeholder
            .matcher(
                SchemaBuilder.array(org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA)
                    .build())
            .orElseThrow();
    assertThat(texts.test(List.of(PLACEHOLDER))).isTrue();
    assertThat(texts.test(List.of(PLACEHOLDER, "b"))).isFalse();
    assertThat(texts.test(List.of(bytes.clone()))).isTrue();
    List<Integer> ints = new ArrayList<>();
    for (byte b : bytes) {
      ints.add((int) b);
    }
    assertThat(texts.test(ints)).isTrue();
    assertThat(texts.test(List.of(java.util.UUID.nameUUIDFromBytes(bytes).toString()))).isTrue();
    var maps =
        placeholder
            .matcher(
                SchemaBuilder.map(
                        org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                        org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA)
                    .build())
            .orElseThrow();
    assertThat(maps.test(java.util.Map.of(PLACEHOLDER, PLACEHOLDER))).isTrue();
    assertThat(maps.test(java.util.Map.of("k", PLACEHOLDER))).isFalse();
    var binary =
        placeholder.matcher(org.apache.kafka.connect.data.Schema.BYTES_SCHEMA).orElseThrow();
    assertThat(binary.test(bytes.clone())).isTrue();
    assertThat(binary.test(ByteBuffer.wrap(bytes))).isTrue();
    assertThat(binary.test(new byte[] {1})).isFalse();
    assertThat(placeholder.matcher(org.apache.kafka.connect.data.Schema.INT32_SCHEMA)).isEmpty();
  }

  private static ByteBuffer placeholderBytes() {
    return ByteBuffer.wrap(PLACEHOLDER.getBytes(StandardCharsets.UTF_8));
  }

  private static SourceRecord update(Struct after) {
    return record(envelope("u", null, after));
  }

  private static Struct envelope(String op, Struct before, Struct after) {
    return new Struct(ENVELOPE)
        .put("before", before)
        .put("after", after)
        .put("source", new Struct(SOURCE).put("ts_ms", 1L))
        .put("op", op);
  }

  private static SourceRecord record(Struct value) {
    Struct image =
        value.get("after") != null ? (Struct) value.get("after") : (Struct) value.get("before");
    Struct key = new Struct(KEY).put("id", image.getInt32("id"));
    return new SourceRecord(null, null, "cdc_sync.public.docs", null, KEY, key, ENVELOPE, value);
  }
}
