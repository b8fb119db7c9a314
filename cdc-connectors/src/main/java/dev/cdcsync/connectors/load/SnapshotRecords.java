package dev.cdcsync.connectors.load;

import io.debezium.relational.TableSchema;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/** A chunk reader's rows as Debezium snapshot records, as Debezium's own snapshot makes them. */
public final class SnapshotRecords {

  private SnapshotRecords() {}

  /**
   * Adds a row, its columns' values as Debezium's converters read them, to the chunk's parts.
   *
   * @param source the record's {@code source} block
   */
  public static void add(
      ParallelChunks.Parts parts, TableSchema schema, Object[] row, Struct source, String topic)
      throws InterruptedException {
    Struct value = schema.valueFromColumnData(row);
    Struct envelope = schema.getEnvelopeSchema().read(value, source, Instant.now());
    parts.add(
        new SourceRecord(
            Map.of(),
            Map.of(),
            topic,
            null,
            schema.keySchema(),
            schema.keyFromColumnData(row),
            envelope.schema(),
            envelope),
        size(row));
  }

  /** About how many bytes a row's values take, to bound what waits for the hand-over. */
  private static long size(Object[] row) {
    long bytes = 16L * row.length;
    for (Object value : row) {
      if (value instanceof String text) {
        bytes += text.length();
      } else if (value instanceof byte[] data) {
        bytes += data.length;
      }
    }
    return bytes;
  }
}
