package dev.cdcsync.connectors.load;

import io.debezium.relational.TableSchema;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * A row an initial load read: its values as Debezium's converters give them, in a struct of the
 * table's row schema (what a streamed change carries as its new row), with the table's {@code
 * source} block and key schema. No change envelope and no Kafka record around it: building and
 * validating those for every row cost about as much as converting its values.
 *
 * @param source the {@code source} block Debezium's snapshot would give the row (same for a chunk)
 */
public record LoadRow(Struct value, Struct source, Schema keySchema) {

  /** Adds a row, its columns' values as read by Debezium's field reader, to the chunk's parts. */
  public static void add(
      ParallelChunks.Parts parts, TableSchema schema, Object[] row, Struct source)
      throws InterruptedException {
    parts.add(new LoadRow(schema.valueFromColumnData(row), source, schema.keySchema()), size(row));
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
