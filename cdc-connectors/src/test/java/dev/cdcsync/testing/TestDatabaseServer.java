package dev.cdcsync.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real database server for tests, listening on {@code host():port()}, with an administrative
 * user that may create databases, users and replication slots.
 */
public interface TestDatabaseServer {

  /** The pipeline {@code source.type} that reads this server: postgres, mariadb or mysql. */
  String sourceType();

  /** How the server was obtained, for test output (e.g. "embedded binaries", "Testcontainers"). */
  String provenance();

  String host();

  int port();

  String username();

  String password();

  /** A connection to {@code database} as the administrative user. */
  Connection connect(String database) throws SQLException;

  /** Creates an empty database (dropping one of the same name). */
  void createDatabase(String database) throws SQLException;

  /** Runs statements in {@code database}, each in its own auto-commit transaction. */
  default void execute(String database, String... statements) throws SQLException {
    try (Connection connection = connect(database);
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  /** Runs statements in {@code database} as one transaction. */
  default void executeInTransaction(String database, String... statements) throws SQLException {
    try (Connection connection = connect(database)) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : statements) {
          statement.execute(sql);
        }
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        throw e;
      }
    }
  }
}
