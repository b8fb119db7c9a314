package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.debezium.SourceRecordConverter.TableComments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MySQL / MariaDB table comments from {@code information_schema.TABLES}, on a connection of its
 * own, for source option {@code include-comments.enabled}: the binlog's row events do not carry
 * them. Read when a table's schema is first seen, so a table's comment is as the table is then.
 */
final class BinlogTableComments implements TableComments {

  private static final Logger LOG = LoggerFactory.getLogger(BinlogTableComments.class);

  private final String url;
  private final Configuration options;
  private final String description;
  private Connection connection;
  private boolean closed;

  BinlogTableComments(String url, Configuration options, String description) {
    this.url = url;
    this.options = options;
    this.description = description;
  }

  @Override
  public synchronized String comment(TableId table) {
    if (closed) {
      return null;
    }
    try {
      if (connection == null || connection.isClosed()) {
        connection = JdbcConnections.open(url, options, description);
      }
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT TABLE_COMMENT FROM information_schema.TABLES"
                  + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
        statement.setString(1, table.schemaName());
        statement.setString(2, table.tableName());
        try (ResultSet result = statement.executeQuery()) {
          String comment = result.next() ? result.getString(1) : null;
          return comment == null || comment.isEmpty() ? null : comment;
        }
      }
    } catch (SQLException e) {
      closeConnection();
      throw new IllegalStateException(
          "Cannot read the comment of table "
              + table
              + " in "
              + description
              + ": "
              + e.getMessage(),
          e);
    }
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
        LOG.debug("Cannot close the connection reading table comments: {}", e.getMessage());
      }
      connection = null;
    }
  }
}
