package dev.cdcsync.bench;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.catalog.TableIdentifier;

/**
 * One database server the benchmark reads from, with the SQL that differs between products: the
 * benchmark's tables, their loading, and what a pipeline needs to read them.
 */
abstract class BenchDatabase {

  /** The database holding the snapshot table. */
  static final String ROWS_DATABASE = "bench";

  /** The 11-column table of the snapshot, streaming and freshness scenarios. */
  static final String ROWS_TABLE = "bench_rows";

  /** The database of the whole-database scenario. */
  static final String TABLES_DATABASE = "bench_tables";

  /** Which server; selected with {@code --db}. */
  enum Kind {
    POSTGRES,
    MARIADB;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Row count and counter sum of a table, read in the source. */
  record TableSummary(long rows, long counterSum) {}

  protected final TestDatabaseServer server;

  protected BenchDatabase(TestDatabaseServer server) {
    this.server = server;
  }

  /** Starts (or reuses) the server of this kind from the test fixture. */
  static BenchDatabase start(Kind kind) {
    return switch (kind) {
      case POSTGRES -> new PostgresBenchDatabase(TestDatabases.postgres());
      case MARIADB -> new MariaDbBenchDatabase(TestDatabases.mariadb());
    };
  }

  String type() {
    return server.sourceType();
  }

  TestDatabaseServer server() {
    return server;
  }

  Connection connect(String database) throws SQLException {
    return server.connect(database);
  }

  /** The server's own version string and how it was started. */
  String describe() throws SQLException {
    try (Connection connection = connect(adminDatabase());
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT version()")) {
      result.next();
      return result.getString(1) + " (" + server.provenance() + ")";
    }
  }

  /** Creates {@link #ROWS_DATABASE} afresh with {@link #ROWS_TABLE} holding {@code rows} rows. */
  abstract void createRowsTable(int rows) throws SQLException;

  /** Creates {@link #TABLES_DATABASE} afresh with {@code tables} tables of {@code rowsPerTable} rows. */
  abstract void createTables(int tables, int rowsPerTable) throws SQLException;

  /**
   * The source options (YAML lines) beside the connection for a pipeline reading {@code tables}.
   *
   * @param tables a {@code tables} pattern, e.g. from {@link #rowsTablePattern()}
   * @param readerName names the replication slot and publication (PostgreSQL)
   * @param replicaId the replica server id (MySQL / MariaDB); distinct per pipeline
   */
  abstract List<String> sourceLines(String tables, String readerName, int replicaId);

  /**
   * What {@link #readRowsTable} does, e.g. {@code COPY reference}: the database's own fastest
   * plain read of the table, which a load is compared with.
   */
  abstract String readReferenceLabel();

  /** Reads {@link #ROWS_TABLE} whole and throws it away; returns the rows read. */
  abstract long readRowsTable() throws SQLException;

  /** The pattern that selects {@link #ROWS_TABLE}. */
  abstract String rowsTablePattern();

  /** The pattern that selects every table of {@link #TABLES_DATABASE}. */
  abstract String allTablesPattern();

  /** The Iceberg table a source table lands in. */
  abstract TableIdentifier sinkTable(String database, String table);

  /** Releases what a stopped pipeline keeps in the server (a replication slot, a publication). */
  abstract void releaseReader(String database, String readerName) throws SQLException;

  /** Drops the benchmark's databases, so the server has nothing left to do. */
  abstract void dropDatabases() throws SQLException;

  /** A database that always exists, for administrative statements. */
  protected abstract String adminDatabase();

  /** Name of the {@code index}-th table (from 1) of the whole-database scenario. */
  static String tableName(int index) {
    return String.format(Locale.ROOT, "t%04d", index);
  }

  TableSummary summarize(String database, String table) throws SQLException {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery("SELECT count(*), coalesce(sum(counter), 0) FROM " + table)) {
      result.next();
      return new TableSummary(result.getLong(1), result.getLong(2));
    }
  }

  /**
   * Updates the rows with {@code from < id <= to} of a table in one transaction.
   *
   * @return how many rows changed
   */
  static int updateRange(PreparedStatement update, long from, long to) throws SQLException {
    update.setLong(1, from);
    update.setLong(2, to);
    return update.executeUpdate();
  }

  /** The update every load runs: it changes the counter the checks add up. */
  static PreparedStatement prepareUpdate(Connection connection, String table) throws SQLException {
    return connection.prepareStatement(
        "UPDATE "
            + table
            + " SET counter = counter + 1, score = score + 0.5 WHERE id > ? AND id <= ?");
  }
}
