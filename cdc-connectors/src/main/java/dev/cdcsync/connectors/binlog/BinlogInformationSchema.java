package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.CatalogConnection;
import dev.cdcsync.connectors.debezium.SourceRecordConverter.ColumnDefaults;
import dev.cdcsync.connectors.debezium.SourceRecordConverter.TableComments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the binlog's row events do not say about a MySQL / MariaDB table, read from
 * information_schema on a connection of its own when the table's schema is first seen: which
 * column defaults are computed, and the table's comment (source option {@code
 * include-comments.enabled}).
 *
 * <p>Computed column defaults are told from constant ones by information_schema.COLUMNS. MariaDB
 * prints a constant default as a number, a quoted literal or NULL,
 * and any other default is an expression ({@code current_timestamp()}, {@code uuid()}); MySQL
 * marks expression defaults {@code DEFAULT_GENERATED} (8.0) and prints {@code CURRENT_TIMESTAMP}
 * as it is (5.7). A constant default is what Debezium reports from the DDL in the binlog as of the
 * table's next row: a default changed again before any row of the table was written is reported
 * in place of the one the column was added with (a limit the README states).
 */
final class BinlogInformationSchema implements ColumnDefaults, TableComments {

  private static final Pattern MARIADB_CONSTANT =
      Pattern.compile("-?[0-9.]+([eE][-+]?[0-9]+)?|'([^']|'')*'|b'[01]*'|NULL");
  private static final Pattern MYSQL_COMPUTED =
      Pattern.compile("(?i)(CURRENT_TIMESTAMP|NOW|LOCALTIME|LOCALTIMESTAMP)\\b.*");

  private final String description;
  private final CatalogConnection connection;

  BinlogInformationSchema(String url, Configuration options, String description) {
    this.description = description;
    this.connection = new CatalogConnection(url, options, description);
  }

  @Override
  public synchronized Map<String, String> untrusted(TableId table) {
    Map<String, String> untrusted = new HashMap<>();
    try {
      Connection open = connection.get();
      if (open == null) {
        return untrusted;
      }
      boolean mariaDb =
          open.getMetaData().getDatabaseProductVersion().toLowerCase().contains("mariadb");
      try (PreparedStatement statement =
          open.prepareStatement(
              "SELECT COLUMN_NAME, COLUMN_DEFAULT, EXTRA, DATA_TYPE FROM information_schema.COLUMNS"
                  + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_DEFAULT IS NOT NULL")) {
        statement.setString(1, table.schemaName());
        statement.setString(2, table.tableName());
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            String expression = result.getString(2);
            String extra = result.getString(3) == null ? "" : result.getString(3);
            boolean isComputed =
                mariaDb
                    ? !MARIADB_CONSTANT.matcher(expression).matches()
                    : extra.contains("DEFAULT_GENERATED")
                        || MYSQL_COMPUTED.matcher(expression).matches();
            if (isComputed) {
              untrusted.put(result.getString(1), expression + ", which the source computes");
            } else if (result.getString(4).equalsIgnoreCase("timestamp")
                || expression.matches("'?0000-00-00.*")) {
              // Debezium reads a TIMESTAMP default in the JVM's time zone, and a zero date as
              // 1970-01-01.
              untrusted.put(
                  result.getString(1),
                  expression + ", which Debezium does not report as the rows hold it");
            }
          }
        }
      }
    } catch (SQLException e) {
      connection.reset();
      // Retriable: without knowing them, a computed default could be taken for the rows' value.
      throw new IllegalStateException(
          "Cannot read the column defaults of "
              + table
              + " in "
              + description
              + ": "
              + e.getMessage(),
          e);
    }
    return untrusted;
  }

  @Override
  public synchronized String comment(TableId table) {
    try {
      Connection open = connection.get();
      if (open == null) {
        return null;
      }
      try (PreparedStatement statement =
          open.prepareStatement(
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
      connection.reset();
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
    connection.close();
  }
}
