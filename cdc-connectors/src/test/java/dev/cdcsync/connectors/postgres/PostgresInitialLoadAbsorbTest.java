package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.load.LoadState;
import dev.cdcsync.connectors.load.LoadState.KeyRange;
import dev.cdcsync.connectors.load.LoadState.Read;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * Which streamed changes a resumed load leaves out: those its later snapshot shows, on keys read
 * under that snapshot, before that snapshot's LSN; nothing on keys read under the slot's own
 * snapshot, and nothing once a truncate came.
 */
class PostgresInitialLoadAbsorbTest {

  private static final TableId TABLE = TableId.of("shop", "public", "orders");
  private static final Schema SCHEMA =
      Schema.of(List.of(Column.of("id", DataTypeRoot.BIGINT)), List.of("id"));
  private static final org.apache.kafka.connect.data.Schema SOURCE =
      SchemaBuilder.struct()
          .field("lsn", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA)
          .field("txId", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA)
          .build();
  private static final org.apache.kafka.connect.data.Schema ENVELOPE =
      SchemaBuilder.struct().field("source", SOURCE).build();

  /** Keys below 50 read under the slot's snapshot (LSN 0/100), the rest under 100:110:105. */
  private static PostgresInitialLoad resumed() {
    LoadState state =
        LoadState.starting(
                Map.of("public.orders", new LoadState.Key("id", LoadState.KeyType.INTEGER)))
            .withRead(new Read("", "0/100", true))
            .withRead(new Read("100:110:105", "0/200", false))
            .withLoaded("public.orders", new KeyRange(null, "50"), 0, 50)
            .withLoaded("public.orders", new KeyRange("50", null), 1, 50);
    PostgresInitialLoad load =
        new PostgresInitialLoad(
            "jdbc:postgresql://unused/shop",
            "shop",
            "test",
            Configuration.of(Map.of()),
            new Properties(),
            1,
            100,
            100,
            Map.of(),
            false,
            List.of());
    load.streaming(Optional.of(state.toJson()));
    return load;
  }

  private static SourceRecord record(long lsn, long transaction) {
    Struct source = new Struct(SOURCE).put("lsn", lsn).put("txId", transaction);
    return new SourceRecord(
        Map.of(),
        Map.of(),
        "t",
        null,
        null,
        null,
        ENVELOPE,
        new Struct(ENVELOPE).put("source", source));
  }

  private static DataChangeEvent insert(long id) {
    return DataChangeEvent.insert(TABLE, SCHEMA, new Object[] {id}, 0);
  }

  @Test
  void leavesOutWhatTheLaterSnapshotShowsOnKeysReadUnderIt() {
    PostgresInitialLoad load = resumed();
    assertThat(load.absorbed(record(0x150, 104), insert(60))).as("shown, key read later").isTrue();
    assertThat(load.absorbed(record(0x150, 105), insert(60))).as("in progress").isFalse();
    assertThat(load.absorbed(record(0x150, 110), insert(60))).as("began after").isFalse();
    assertThat(load.absorbed(record(0x150, 104), insert(10))).as("key read first").isFalse();
    assertThat(
            load.absorbed(
                record(0x150, 104), DataChangeEvent.delete(TABLE, SCHEMA, new Object[] {70L}, 0)))
        .as("a delete by its old key")
        .isTrue();
  }

  @Test
  void leavesOutNothingOncePastTheLaterSnapshotsLsn() {
    PostgresInitialLoad load = resumed();
    assertThat(load.absorbed(record(0x200, 104), insert(60))).isFalse();
    assertThat(load.absorbed(record(0x150, 104), insert(60))).isFalse();
    assertThat(load.state()).as("only 'complete' is kept").doesNotContain("orders");
  }

  @Test
  void aTruncateEndsLeavingOutForItsTable() {
    PostgresInitialLoad load = resumed();
    assertThat(load.absorbed(record(0x150, 104), DataChangeEvent.truncate(TABLE, SCHEMA, 0)))
        .isFalse();
    assertThat(load.absorbed(record(0x151, 104), insert(60))).isFalse();
  }
}
