package dev.cdcsync.connectors.binlog;

import io.debezium.connector.binlog.history.BinlogHistoryRecordComparator;
import io.debezium.document.Document;
import io.debezium.relational.history.HistoryRecordComparator;
import java.util.Map;

/**
 * Orders MariaDB schema history records by GTID position per domain, as MariaDB orders them.
 * Debezium 3.5 compares per domain and server id, so after a failover, once the offset holds only
 * the promoted replica's GTIDs ({@code 0-12-621}), every DDL recorded on the old primary ({@code
 * 0-11-5}) counted as after the offset and was left out of the recovered schema ("Encountered
 * change event for table … whose schema isn't known"). Positions with equal GTIDs, or without
 * GTIDs, are Debezium's to compare.
 */
final class MariaDbHistoryComparator extends HistoryRecordComparator {

  private final BinlogHistoryRecordComparator debezium;

  MariaDbHistoryComparator(BinlogHistoryRecordComparator debezium) {
    this.debezium = debezium;
  }

  @Override
  protected boolean isPositionAtOrBefore(Document recorded, Document desired) {
    String recordedGtids = recorded.getString("gtids");
    String desiredGtids = desired.getString("gtids");
    if (recordedGtids != null
        && desiredGtids != null
        && !recordedGtids.isBlank()
        && !desiredGtids.isBlank()) {
      Map<Long, Long> at = BinlogStart.parseGtidPosition(recordedGtids, "a recorded position");
      Map<Long, Long> until = BinlogStart.parseGtidPosition(desiredGtids, "the stored position");
      if (!at.equals(until)) {
        return BinlogStart.contains(until, at);
      }
    }
    return debezium.isPositionAtOrBefore(recorded, desired);
  }
}
