package dev.cdcsync.bench;

import dev.cdcsync.bench.BenchDatabase.TableSummary;
import dev.cdcsync.iceberg.WriteMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * A benchmark table as Iceberg's own generic reader returns it (with deletes applied), reduced to
 * what the checks compare with the source: rows, distinct keys, and the sum of {@code counter}.
 *
 * @param rows rows read: the table's rows (upsert), or its changelog rows (append)
 * @param keys distinct ids among them
 * @param counterSum the sum of {@code counter} over each id's current row: the only row (upsert),
 *     or the changelog row with the highest {@code _cdc_seq} (append)
 */
record IcebergContents(long rows, long keys, long counterSum) {

  /** The append (changelog) table's order column, see the README. */
  static final String SEQUENCE_COLUMN = "_cdc_seq";

  /**
   * Reads a table whose ids lie in {@code 1..maxId}.
   *
   * @throws IllegalStateException if an id lies outside that range
   */
  static IcebergContents read(Table table, int maxId, WriteMode mode) {
    table.refresh();
    long[] sequences = new long[maxId + 1];
    int[] counters = new int[maxId + 1];
    boolean[] seen = new boolean[maxId + 1];
    long rows = 0;
    long keys = 0;
    var scan =
        mode == WriteMode.APPEND
            ? IcebergGenerics.read(table).select("id", "counter", SEQUENCE_COLUMN)
            : IcebergGenerics.read(table).select("id", "counter");
    try (CloseableIterable<Record> records = scan.build()) {
      for (Record record : records) {
        rows++;
        long id = (Long) record.getField("id");
        if (id < 1 || id > maxId) {
          throw new IllegalStateException(
              "Cannot check table " + table.name() + ": unexpected id " + id);
        }
        int index = (int) id;
        long sequence = mode == WriteMode.APPEND ? (Long) record.getField(SEQUENCE_COLUMN) : 0;
        if (!seen[index]) {
          seen[index] = true;
          keys++;
        }
        if (sequence >= sequences[index]) {
          sequences[index] = sequence;
          Integer counter = (Integer) record.getField("counter");
          counters[index] = counter == null ? 0 : counter;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Iceberg table " + table.name(), e);
    }
    long counterSum = 0;
    for (int index = 1; index <= maxId; index++) {
      counterSum += counters[index];
    }
    return new IcebergContents(rows, keys, counterSum);
  }

  /**
   * Compares with the source table.
   *
   * @param changelogRows the rows an append table must hold: snapshot rows plus changes since
   */
  CheckResult compare(String table, TableSummary source, WriteMode mode, long changelogRows) {
    long expectedRows = mode == WriteMode.APPEND ? changelogRows : source.rows();
    if (rows != expectedRows || keys != source.rows() || counterSum != source.counterSum()) {
      return CheckResult.failed(
          table
              + ": Iceberg has "
              + rows
              + " rows, "
              + keys
              + " keys, counter sum "
              + counterSum
              + "; expected "
              + expectedRows
              + " rows, "
              + source.rows()
              + " keys, counter sum "
              + source.counterSum());
    }
    return CheckResult.ok();
  }
}
