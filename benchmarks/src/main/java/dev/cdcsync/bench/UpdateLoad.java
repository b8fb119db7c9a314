package dev.cdcsync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Changes a table whose ids are {@code 1..rows}: each transaction is one {@code UPDATE} of a range
 * of consecutive ids, the ranges walking through the table and starting over at its end.
 */
final class UpdateLoad {

  /** A transaction of the steady load: when its commit returned, and the rows changed up to it. */
  record CommittedTransaction(long committedAtNanos, long changesSoFar) {}

  private final BenchDatabase database;
  private final String databaseName;
  private final String table;
  private final long rows;
  private long nextFrom;
  private long changes;

  UpdateLoad(BenchDatabase database, String databaseName, String table, long rows) {
    this.database = database;
    this.databaseName = databaseName;
    this.table = table;
    this.rows = rows;
  }

  /** Every row changed by this load so far. */
  long changes() {
    return changes;
  }

  /**
   * Runs {@code transactions} transactions of {@code rowsPerTransaction} rows back to back.
   *
   * @return the rows changed
   */
  long runBackToBack(int transactions, int rowsPerTransaction) throws SQLException {
    long changed = 0;
    try (Connection connection = database.connect(databaseName);
        PreparedStatement update = BenchDatabase.prepareUpdate(connection, table)) {
      for (int i = 0; i < transactions; i++) {
        changed += runOne(update, rowsPerTransaction);
      }
    }
    return changed;
  }

  /**
   * Starts a transaction of {@code rowsPerTransaction} rows every {@code 1 / transactionsPerSecond}
   * seconds for {@code seconds} seconds. A transaction that is late starts at once; none is
   * skipped, so a slow database lowers the achieved rate rather than the number of transactions.
   */
  List<CommittedTransaction> runSteadily(
      int transactionsPerSecond, int rowsPerTransaction, long seconds) throws SQLException {
    int transactions = (int) (transactionsPerSecond * seconds);
    long intervalNanos = 1_000_000_000L / transactionsPerSecond;
    List<CommittedTransaction> committed = new ArrayList<>(transactions);
    try (Connection connection = database.connect(databaseName);
        PreparedStatement update = BenchDatabase.prepareUpdate(connection, table)) {
      long start = System.nanoTime();
      for (int i = 0; i < transactions; i++) {
        long due = start + i * intervalNanos;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        runOne(update, rowsPerTransaction);
        committed.add(new CommittedTransaction(System.nanoTime(), changes));
      }
    }
    return committed;
  }

  /** One auto-committed UPDATE, so one source transaction. */
  private int runOne(PreparedStatement update, int rowsPerTransaction) throws SQLException {
    if (nextFrom + rowsPerTransaction > rows) {
      nextFrom = 0;
    }
    int changed = BenchDatabase.updateRange(update, nextFrom, nextFrom + rowsPerTransaction);
    nextFrom += rowsPerTransaction;
    changes += changed;
    return changed;
  }
}
