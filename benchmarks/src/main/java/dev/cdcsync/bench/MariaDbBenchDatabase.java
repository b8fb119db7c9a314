package dev.cdcsync.bench;

import dev.cdcsync.testing.TestDatabaseServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/** The benchmark's MariaDB tables, loaded with {@code INSERT ... SELECT} from the Sequence engine. */
final class MariaDbBenchDatabase extends BenchDatabase {

  /** Rows per loading transaction: keeps each binlog transaction at a moderate size. */
  private static final int LOAD_CHUNK = 100_000;

  MariaDbBenchDatabase(TestDatabaseServer server) {
    super(server);
  }

  @Override
  void createRowsTable(int rows) throws SQLException {
    server.createDatabase(ROWS_DATABASE);
    server.execute(
        ROWS_DATABASE,
        "CREATE TABLE "
            + ROWS_TABLE
            + " (id BIGINT PRIMARY KEY, counter INT NOT NULL, quantity BIGINT,"
            + " price DECIMAL(12,2), score DOUBLE, label VARCHAR(64), active BOOLEAN, created_on DATE,"
            + " updated_at DATETIME(6), happened_at TIMESTAMP(6) NULL, attributes JSON) ENGINE=InnoDB");
    try (Connection connection = connect(ROWS_DATABASE);
        Statement statement = connection.createStatement()) {
      for (long first = 1; first <= rows; first += LOAD_CHUNK) {
        long last = Math.min(rows, first + LOAD_CHUNK - 1);
        statement.execute(
            "INSERT INTO "
                + ROWS_TABLE
                + " SELECT seq, 0, seq * 7, (seq % 100000) / 100, seq * 0.5,"
                + " CONCAT('label-', seq), seq % 2 = 0, DATE '2024-01-01' + INTERVAL (seq % 365) DAY,"
                + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND,"
                + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND,"
                + " JSON_OBJECT('i', seq, 'tag', CONCAT('tag-', seq % 10))"
                + " FROM seq_"
                + first
                + "_to_"
                + last);
      }
      statement.execute("ANALYZE TABLE " + ROWS_TABLE);
    }
  }

  @Override
  void createTables(int tables, int rowsPerTable) throws SQLException {
    server.createDatabase(TABLES_DATABASE);
    try (Connection connection = connect(TABLES_DATABASE);
        Statement statement = connection.createStatement()) {
      for (int index = 1; index <= tables; index++) {
        String table = tableName(index);
        statement.execute(
            "CREATE TABLE "
                + table
                + " (id BIGINT PRIMARY KEY, counter INT NOT NULL, score DOUBLE, label VARCHAR(64)) ENGINE=InnoDB");
        statement.execute(
            "INSERT INTO "
                + table
                + " SELECT seq, 0, seq * 0.5, CONCAT('label-', seq) FROM seq_1_to_"
                + rowsPerTable);
      }
    }
  }

  @Override
  List<String> sourceLines(String tables, String readerName, int replicaId) {
    return List.of("tables: " + tables, "server-id: " + replicaId);
  }

  @Override
  String rowsTablePattern() {
    return ROWS_DATABASE + "." + ROWS_TABLE;
  }

  @Override
  String allTablesPattern() {
    return TABLES_DATABASE + ".\\.*";
  }

  @Override
  TableIdentifier sinkTable(String database, String table) {
    return TableIdentifier.of(Namespace.of(database), table);
  }

  @Override
  void releaseReader(String database, String readerName) {
    // A binlog reader leaves nothing behind in the server.
  }

  @Override
  void dropDatabases() throws SQLException {
    server.execute(
        adminDatabase(),
        "DROP DATABASE IF EXISTS " + ROWS_DATABASE,
        "DROP DATABASE IF EXISTS " + TABLES_DATABASE);
  }

  @Override
  protected String adminDatabase() {
    return "mysql";
  }

  @Override
  String readReferenceLabel() {
    return "SELECT reference";
  }

  /** A plain {@code SELECT *} streamed to the client, which steps over every row. */
  @Override
  long readRowsTable() throws SQLException {
    try (Connection connection = connect(ROWS_DATABASE);
        Statement statement =
            connection.createStatement(
                java.sql.ResultSet.TYPE_FORWARD_ONLY, java.sql.ResultSet.CONCUR_READ_ONLY)) {
      // MariaDB Connector/J 3 streams with a positive fetch size (it refuses MySQL's MIN_VALUE).
      statement.setFetchSize(1024);
      long rows = 0;
      try (java.sql.ResultSet result = statement.executeQuery("SELECT * FROM " + ROWS_TABLE)) {
        while (result.next()) {
          rows++;
        }
      }
      return rows;
    }
  }
}
