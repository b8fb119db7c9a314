package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.debezium.SourceRecordConverter.ColumnNumbers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the {@code attnum} of a table's columns from {@code pg_attribute}, on a connection of its
 * own opened on first use. pgoutput reports a table's new columns but not renames; a renamed
 * column keeps its attnum, a dropped and re-added one gets a new one, which tells them apart.
 */
final class PostgresColumnNumbers implements ColumnNumbers {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresColumnNumbers.class);

  private final String url;
  private final Configuration options;
  private final String description;
  private Connection connection;
  private boolean closed;

  PostgresColumnNumbers(String url, Configuration options, String description) {
    this.url = url;
    this.options = options;
    this.description = description;
  }

  /** A column as pg_attribute describes it. */
  private record Attribute(String name, int number, boolean generated) {}

  @Override
  public synchronized Map<String, Integer> current(TableId table) {
    Map<String, Integer> numbers = new HashMap<>();
    try {
      attributes(table).forEach(column -> numbers.put(column.name(), column.number()));
    } catch (SQLException e) {
      // Without the numbers a rename is seen as a dropped plus an added column, as pgoutput says.
      LOG.warn("Cannot read the column numbers of {} in {}: {}", table, description, e.getMessage());
    }
    return numbers;
  }

  @Override
  public synchronized Set<String> generated(TableId table) {
    Set<String> generated = new HashSet<>();
    try {
      attributes(table).stream().filter(Attribute::generated).forEach(column -> generated.add(column.name()));
    } catch (SQLException e) {
      // Retriable: without knowing them, a generated column would come and go between snapshot and stream.
      throw new IllegalStateException(
          "Cannot read the generated columns of " + table + " in " + description + ": " + e.getMessage(), e);
    }
    return generated;
  }

  /** The table's current columns; none once closed. */
  private List<Attribute> attributes(TableId table) throws SQLException {
    List<Attribute> attributes = new ArrayList<>();
    if (closed) {
      return attributes;
    }
    try {
      if (connection == null || connection.isClosed()) {
        connection = JdbcConnections.open(url, options, description);
      }
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT a.attname, a.attnum, a.attgenerated <> '' FROM pg_attribute a"
                  + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                  + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
        statement.setString(1, table.schemaName());
        statement.setString(2, table.tableName());
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            attributes.add(new Attribute(result.getString(1), result.getInt(2), result.getBoolean(3)));
          }
        }
      }
    } catch (SQLException e) {
      closeConnection();
      throw e;
    }
    return attributes;
  }

  @Override
  public synchronized void close() {
    closed = true;
    closeConnection();
  }

  private void closeConnection() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("Cannot close the connection reading column numbers: {}", e.getMessage());
      }
      connection = null;
    }
  }
}
