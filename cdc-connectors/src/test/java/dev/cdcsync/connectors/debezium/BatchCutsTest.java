package dev.cdcsync.connectors.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.debezium.BatchCuts.Cut;
import dev.cdcsync.connectors.debezium.BatchCuts.Record;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchCutsTest {

  private static final Record CHANGE = new Record(true, false, false, false);
  private static final Record LAST_CHANGE = new Record(true, true, false, false);
  private static final Record END = new Record(false, true, false, false);
  private static final Record HEARTBEAT = new Record(false, true, false, false);
  private static final Record NEW_COLUMNS = new Record(true, false, true, false);
  private static final Record LAST_SNAPSHOT_ROW = new Record(true, true, false, true);

  @Test
  void aBatchIsHandedOverUpToItsLastBoundaryAndThenTheRest() {
    // Two transactions, then the first change of a third.
    List<Record> records = List.of(CHANGE, CHANGE, END, CHANGE, END, CHANGE);

    assertThat(BatchCuts.of(records, false))
        .containsExactly(new Cut(4, true, false), new Cut(5, false, false));
  }

  @Test
  void everyBoundaryWithChangesBeforeItCutsWhereThePipelineAsks() {
    List<Record> records = List.of(LAST_CHANGE, HEARTBEAT, CHANGE, END, HEARTBEAT);

    assertThat(BatchCuts.of(records, true))
        .containsExactly(new Cut(0, true, false), new Cut(3, true, false), new Cut(4, true, false));
  }

  @Test
  void theBatchsLastRecordEndsAPartEvenWithoutChanges() {
    assertThat(BatchCuts.of(List.of(HEARTBEAT), false)).containsExactly(new Cut(0, true, false));
  }

  @Test
  void aCutComesRightBeforeATransactionThatChangesATableItself() {
    // Transaction one, then one whose first change brings new columns, then another.
    List<Record> records = List.of(CHANGE, END, NEW_COLUMNS, CHANGE, END, CHANGE, END);

    assertThat(BatchCuts.of(records, false))
        .containsExactly(new Cut(1, true, true), new Cut(6, true, false));
  }

  @Test
  void insideATransactionACutComesRightBeforeATableChangeThatFollowsOtherChanges() {
    List<Record> records = List.of(CHANGE, CHANGE, NEW_COLUMNS, END);

    assertThat(BatchCuts.of(records, false))
        .containsExactly(new Cut(1, false, false), new Cut(3, true, false));
  }

  @Test
  void theSnapshotsEndIsACut() {
    List<Record> records = List.of(LAST_CHANGE, LAST_SNAPSHOT_ROW, CHANGE, END);

    assertThat(BatchCuts.of(records, false))
        .containsExactly(new Cut(1, true, false), new Cut(3, true, false));
  }

  @Test
  void aTableChangesWhereItsColumnsDifferFromItsLastEventsOrItIsTruncatedOrDropped() {
    TableId items = TableId.of("shop", "items");
    TableId orders = TableId.of("shop", "orders");
    Schema one = Schema.of(List.of(Column.of("id", DataTypeRoot.INT)), List.of("id"));
    Schema two =
        Schema.of(
            List.of(Column.of("id", DataTypeRoot.INT), Column.of("name", DataTypeRoot.STRING)),
            List.of("id"));
    Map<TableId, Schema> schemas = new HashMap<>(Map.of(items, one));
    DataChangeEvent[] events = {
      DataChangeEvent.insert(
          items,
          Schema.of(List.of(Column.of("id", DataTypeRoot.INT)), List.of("id")),
          new Object[] {1},
          0),
      DataChangeEvent.insert(orders, one, new Object[] {1}, 0),
      DataChangeEvent.insert(items, two, new Object[] {2, "b"}, 0),
      DataChangeEvent.insert(items, two, new Object[] {3, "c"}, 0),
      DataChangeEvent.truncate(orders, one, 0),
      null,
    };
    boolean[] drops = {false, false, false, false, false, true};

    assertThat(BatchCuts.tableChanges(events, drops, schemas))
        .containsExactly(false, false, true, false, true, true);
    assertThat(schemas).containsEntry(items, two).containsEntry(orders, one);
  }
}
