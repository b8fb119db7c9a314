package dev.cdcsync.bench;

import java.time.Duration;
import java.util.Objects;

/**
 * How much data each scenario moves.
 *
 * @param rows rows of the snapshot table
 * @param updates row updates of the streaming scenario
 * @param rowsPerTransaction rows each streaming transaction updates
 * @param freshnessDuration how long the freshness scenario keeps its steady load up
 * @param freshnessTransactionsPerSecond transactions per second of the steady load
 * @param rowsPerFreshnessTransaction rows each steady-load transaction updates
 * @param tables tables of the whole-database scenario
 * @param rowsPerTable rows in each of them
 * @param changedRowsPerTable rows updated in each table after their snapshot
 */
record BenchmarkSizes(
    int rows,
    int updates,
    int rowsPerTransaction,
    Duration freshnessDuration,
    int freshnessTransactionsPerSecond,
    int rowsPerFreshnessTransaction,
    int tables,
    int rowsPerTable,
    int changedRowsPerTable) {

  BenchmarkSizes {
    Objects.requireNonNull(freshnessDuration, "freshnessDuration");
    requireAtLeast("rows", rows, Math.max(rowsPerTransaction, rowsPerFreshnessTransaction));
    requireAtLeast("updates", updates, 1);
    requireAtLeast("rowsPerTransaction", rowsPerTransaction, 1);
    requireAtLeast("freshnessTransactionsPerSecond", freshnessTransactionsPerSecond, 1);
    requireAtLeast("rowsPerFreshnessTransaction", rowsPerFreshnessTransaction, 1);
    requireAtLeast("tables", tables, 1);
    requireAtLeast("rowsPerTable", rowsPerTable, changedRowsPerTable);
    requireAtLeast("changedRowsPerTable", changedRowsPerTable, 1);
  }

  /** The sizes the benchmark is meant to be run with. */
  static BenchmarkSizes full() {
    return new BenchmarkSizes(
        1_000_000, 200_000, 1_000, Duration.ofSeconds(60), 50, 100, 500, 2_000, 10);
  }

  /** Small sizes for a smoke run that takes minutes, not an hour. */
  static BenchmarkSizes quick() {
    return new BenchmarkSizes(50_000, 20_000, 1_000, Duration.ofSeconds(15), 50, 100, 20, 200, 10);
  }

  BenchmarkSizes withRows(int newRows) {
    return new BenchmarkSizes(
        newRows,
        updates,
        rowsPerTransaction,
        freshnessDuration,
        freshnessTransactionsPerSecond,
        rowsPerFreshnessTransaction,
        tables,
        rowsPerTable,
        changedRowsPerTable);
  }

  BenchmarkSizes withUpdates(int newUpdates) {
    return new BenchmarkSizes(
        rows,
        newUpdates,
        rowsPerTransaction,
        freshnessDuration,
        freshnessTransactionsPerSecond,
        rowsPerFreshnessTransaction,
        tables,
        rowsPerTable,
        changedRowsPerTable);
  }

  /** The steady load's target rate in changed rows per second. */
  int freshnessChangesPerSecond() {
    return freshnessTransactionsPerSecond * rowsPerFreshnessTransaction;
  }

  private static void requireAtLeast(String name, long value, long minimum) {
    if (value < minimum) {
      throw new IllegalArgumentException(
          "Cannot size the benchmark: "
              + name
              + " must be at least "
              + minimum
              + " but is "
              + value);
    }
  }
}
