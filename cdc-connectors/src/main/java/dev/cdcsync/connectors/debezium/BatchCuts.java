package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a batch of source records is handed to the pipeline in parts: the cut points.
 *
 * <p>A part ends at the batch's last transaction boundary (or at every boundary, where the pipeline
 * asks for that), where the snapshot ends, and right before a change to a table itself — its
 * columns change, it is truncated or dropped — so the pipeline can commit there; inside a
 * transaction too where such a change follows, as the pipeline may have to commit the
 * transaction's first part first. The batch's last record always ends a part.
 */
final class BatchCuts {

  /** What the cutting needs to know of one record. */
  record Record(
      boolean carriesEvents, boolean boundary, boolean tableChange, boolean snapshotEnd) {}

  /**
   * A part ends after record {@code after}.
   *
   * @param boundary whether a transaction ends there
   * @param tableChangeFollows whether the next transaction changes a table itself, as far as the
   *     batch shows (only at a boundary)
   */
  record Cut(int after, boolean boundary, boolean tableChangeFollows) {}

  private BatchCuts() {}

  /** The cut points of a batch, in order; the last one is after its last record. */
  static List<Cut> of(List<Record> records, boolean everyBoundary) {
    int count = records.size();
    int lastBoundary = -1;
    for (int i = 0; i < count; i++) {
      if (records.get(i).boundary()) {
        lastBoundary = i;
      }
    }
    // The index of the next record with events after each record, or -1.
    int[] nextEvent = new int[count];
    for (int i = count - 1, next = -1; i >= 0; i--) {
      nextEvent[i] = next;
      if (records.get(i).carriesEvents()) {
        next = i;
      }
    }
    // Whether the transaction after record i changes a table itself; and whether record i's own
    // transaction changes one next (no boundary before its next record with events).
    boolean[] tableChangeFollows = new boolean[count];
    boolean[] tableChangeNextInTransaction = new boolean[count];
    for (int i = count - 2; i >= 0; i--) {
      Record next = records.get(i + 1);
      tableChangeFollows[i] = next.tableChange() || (!next.boundary() && tableChangeFollows[i + 1]);
      tableChangeNextInTransaction[i] =
          next.carriesEvents()
              ? next.tableChange()
              : !next.boundary() && tableChangeNextInTransaction[i + 1];
    }
    List<Cut> cuts = new ArrayList<>();
    boolean pending = false;
    for (int i = 0; i < count; i++) {
      Record record = records.get(i);
      pending |= record.carriesEvents();
      boolean tableChangeNext = nextEvent[i] >= 0 && records.get(nextEvent[i]).tableChange();
      boolean cut =
          record.boundary()
              && pending
              && (i == lastBoundary
                  || everyBoundary
                  || record.snapshotEnd()
                  || tableChangeNext
                  || tableChangeFollows[i]);
      boolean cutInside = !record.boundary() && pending && tableChangeNextInTransaction[i];
      if (cut || cutInside || i == count - 1) {
        cuts.add(new Cut(i, record.boundary(), record.boundary() && tableChangeFollows[i]));
        pending = false;
      }
    }
    return cuts;
  }

  /**
   * Marks where a table itself changes: its columns differ from its previous event's (earlier in
   * the batch, or else the last one {@code schemas} holds), or it is truncated or dropped.
   * {@code schemas} then holds each table's last schema in the batch.
   *
   * @param events each record's event, or null
   * @param dropsTable whether each record drops a table
   */
  static boolean[] tableChanges(
      DataChangeEvent[] events, boolean[] dropsTable, Map<TableId, Schema> schemas) {
    boolean[] tableChange = new boolean[events.length];
    Map<TableId, Schema> seen = new HashMap<>();
    TableId lastTable = null;
    Schema lastSchema = null;
    for (int i = 0; i < events.length; i++) {
      if (dropsTable[i]) {
        tableChange[i] = true;
      } else if (events[i] != null) {
        TableId table = events[i].tableId();
        Schema schema = events[i].schema();
        tableChange[i] = events[i].operation() == OperationType.TRUNCATE;
        // Runs of one table's events share their objects: look up only where they change.
        if (table != lastTable || schema != lastSchema) {
          Schema before = seen.get(table);
          if (before == null) {
            before = schemas.get(table);
          }
          tableChange[i] |= before != null && before != schema && !before.equals(schema);
          seen.put(table, schema);
          lastTable = table;
          lastSchema = schema;
        }
      }
    }
    schemas.putAll(seen);
    return tableChange;
  }
}
