package dev.cdcsync.connectors.postgres;

import dev.cdcsync.connectors.JdbcConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The number of dimensions an array column was declared with ({@code pg_attribute.attndims}:
 * 2 for {@code integer[][]}), which Debezium does not report. PostgreSQL does not enforce it, so a
 * column declared one-dimensional that receives a two-dimensional value still stops the pipeline.
 * Read on a short connection of its own whenever Debezium builds a table's schema (at start and
 * after a table's columns change).
 */
class PostgresArrayDimensions {

  /** Converter properties: the JDBC URL, user, password, and {@code driver.*} JDBC properties. */
  static final String URL = "catalog.url";

  static final String USER = "catalog.user";
  static final String PASSWORD = "catalog.password";
  static final String DRIVER_PREFIX = "catalog.driver.";

  /** Used when no connection is configured (tests): every array counts as one-dimensional. */
  static final PostgresArrayDimensions NONE =
      new PostgresArrayDimensions(null, null, null, Map.of());

  private static final Logger LOG = LoggerFactory.getLogger(PostgresArrayDimensions.class);

  private final String url;
  private final String user;
  private final String password;
  private final Map<String, String> driverProperties;

  PostgresArrayDimensions(
      String url, String user, String password, Map<String, String> driverProperties) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.driverProperties = Map.copyOf(driverProperties);
  }

  static PostgresArrayDimensions from(Properties properties) {
    String url = properties.getProperty(URL);
    if (url == null) {
      return NONE;
    }
    Map<String, String> driver = new HashMap<>();
    properties.stringPropertyNames().stream()
        .filter(key -> key.startsWith(DRIVER_PREFIX))
        .forEach(
            key -> driver.put(key.substring(DRIVER_PREFIX.length()), properties.getProperty(key)));
    return new PostgresArrayDimensions(
        url, properties.getProperty(USER), properties.getProperty(PASSWORD), driver);
  }

  /**
   * The declared dimensions of {@code column} of {@code table} ({@code schema.table} or
   * {@code database.schema.table}, as Debezium names it); 1 when they cannot be read (a value with
   * more then stops the pipeline, so nothing is lost silently).
   */
  int declared(String table, String column) {
    if (url == null) {
      return 1;
    }
    try (Connection connection =
            JdbcConnections.open(url, user, password, driverProperties, "PostgreSQL at " + url);
        PreparedStatement statement =
            connection.prepareStatement(
                "SELECT a.attndims FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE ? IN (n.nspname || '.' || c.relname, current_database() || '.' || n.nspname || '.' || c.relname)"
                    + " AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
      statement.setString(1, table);
      statement.setString(2, column);
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Math.max(result.getInt(1), 1) : 1;
      }
    } catch (SQLException | RuntimeException e) {
      LOG.warn(
          "Cannot read the declared dimensions of array column {}.{}: {}; it is read as one-dimensional",
          table,
          column,
          e.getMessage());
      return 1;
    }
  }
}
