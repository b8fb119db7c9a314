package dev.cdcsync.bench;

import dev.cdcsync.testing.TestDatabaseServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/** The benchmark's PostgreSQL tables, loaded with {@code INSERT ... SELECT generate_series}. */
final class PostgresBenchDatabase extends BenchDatabase {

  private static final long SLOT_RELEASE_WAIT_MILLIS = 30_000;

  PostgresBenchDatabase(TestDatabaseServer server) {
    super(server);
  }

  @Override
  void createRowsTable(int rows) throws SQLException {
    server.createDatabase(ROWS_DATABASE);
    server.execute(
        ROWS_DATABASE,
        "CREATE TABLE "
            + ROWS_TABLE
            + " (id bigint PRIMARY KEY, counter int NOT NULL, quantity bigint,"
            + " price numeric(12,2), score double precision, label varchar(64), active boolean,"
            + " created_on date, updated_at timestamp, happened_at timestamptz, attributes jsonb)",
        "INSERT INTO "
            + ROWS_TABLE
            + " SELECT i, 0, i * 7, (i % 100000) / 100.0, i * 0.5,"
            + " 'label-' || i, i % 2 = 0, date '2024-01-01' + (i % 365),"
            + " timestamp '2024-01-01 00:00:00' + i * interval '1 second',"
            + " timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second',"
            + " jsonb_build_object('i', i, 'tag', 'tag-' || (i % 10))"
            + " FROM generate_series(1, "
            + rows
            + ") AS i",
        // Sets hint bits and statistics now, so that no snapshot pays for them.
        "VACUUM ANALYZE " + ROWS_TABLE);
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
                + " (id bigint PRIMARY KEY, counter int NOT NULL, score double precision, label varchar(64))");
        statement.execute(
            "INSERT INTO "
                + table
                + " SELECT i, 0, i * 0.5, 'label-' || i FROM generate_series(1, "
                + rowsPerTable
                + ") AS i");
      }
      statement.execute("VACUUM ANALYZE");
    }
  }

  @Override
  List<String> sourceLines(String tables, String readerName, int replicaId) {
    return List.of("tables: " + tables, "slot.name: " + readerName);
  }

  @Override
  String rowsTablePattern() {
    return ROWS_DATABASE + ".public." + ROWS_TABLE;
  }

  @Override
  String allTablesPattern() {
    return TABLES_DATABASE + ".public.\\.*";
  }

  @Override
  TableIdentifier sinkTable(String database, String table) {
    return TableIdentifier.of(Namespace.of("public"), table);
  }

  @Override
  void releaseReader(String database, String readerName) throws SQLException {
    try (Connection connection = connect(adminDatabase())) {
      awaitSlotInactive(connection, readerName);
      try (PreparedStatement drop =
          connection.prepareStatement(
              "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
        drop.setString(1, readerName);
        drop.execute();
      }
    }
    server.execute(database, "DROP PUBLICATION IF EXISTS " + readerName);
  }

  /** A stopped pipeline's walsender lets go of its slot a moment after the pipeline exits. */
  private static void awaitSlotInactive(Connection connection, String slot) throws SQLException {
    long deadline = System.currentTimeMillis() + SLOT_RELEASE_WAIT_MILLIS;
    try (PreparedStatement active =
        connection.prepareStatement(
            "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
      active.setString(1, slot);
      while (true) {
        try (ResultSet result = active.executeQuery()) {
          if (!result.next() || !result.getBoolean(1)) {
            return;
          }
        }
        if (System.currentTimeMillis() > deadline) {
          throw new SQLException(
              "Cannot drop replication slot " + slot + ": still in use after 30 s");
        }
        sleepBriefly();
      }
    }
  }

  @Override
  void dropDatabases() throws SQLException {
    try (Connection connection = connect(adminDatabase());
        Statement statement = connection.createStatement()) {
      List<String> slots = new ArrayList<>();
      try (ResultSet result =
          statement.executeQuery(
              "SELECT slot_name FROM pg_replication_slots WHERE database IN ('"
                  + ROWS_DATABASE
                  + "', '"
                  + TABLES_DATABASE
                  + "')")) {
        while (result.next()) {
          slots.add(result.getString(1));
        }
      }
      for (String slot : slots) {
        awaitSlotInactive(connection, slot);
        statement.execute("SELECT pg_drop_replication_slot('" + slot + "')");
      }
      statement.execute("DROP DATABASE IF EXISTS " + ROWS_DATABASE + " WITH (FORCE)");
      statement.execute("DROP DATABASE IF EXISTS " + TABLES_DATABASE + " WITH (FORCE)");
    }
  }

  @Override
  protected String adminDatabase() {
    return "postgres";
  }

  private static void sleepBriefly() throws SQLException {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Interrupted while waiting for a replication slot", e);
    }
  }

  @Override
  String readReferenceLabel() {
    return "COPY reference";
  }

  /** Binary {@code COPY} of the table to the client, which discards it. */
  @Override
  long readRowsTable() throws SQLException {
    try (Connection connection = connect(ROWS_DATABASE)) {
      return connection
          .unwrap(org.postgresql.PGConnection.class)
          .getCopyAPI()
          .copyOut(
              "COPY " + ROWS_TABLE + " TO STDOUT (FORMAT binary)",
              java.io.OutputStream.nullOutputStream());
    } catch (java.io.IOException e) {
      throw new SQLException("Cannot copy " + ROWS_TABLE, e);
    }
  }
}
