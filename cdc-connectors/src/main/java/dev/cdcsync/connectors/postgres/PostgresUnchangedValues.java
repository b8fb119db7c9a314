package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.debezium.UnchangedValues;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads unchanged TOAST values back from the table by primary key, on a connection of its own
 * opened on first use: one indexed query per update that left values out. The value read is the
 * row's current one; a later change of the column arrives with its own value, so an upsert table
 * ends equal to its source (see the README, "Unchanged TOAST values").
 */
final class PostgresUnchangedValues implements UnchangedValues {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresUnchangedValues.class);

  private final String url;
  private final Configuration options;
  private final String description;
  private final Map<String, PreparedStatement> statements = new HashMap<>();
  private Connection connection;

  PostgresUnchangedValues(String url, Configuration options, String description) {
    this.url = url;
    this.options = options;
    this.description = description;
  }

  @Override
  public Optional<Object[]> read(TableId table, Schema schema, Object[] row, int[] columns) {
    if (!schema.hasPrimaryKey()) {
      throw new PermanentPipelineException(
          "Cannot read the unchanged value of column "
              + table
              + "."
              + schema.columns().get(columns[0]).name()
              + " back: the table has no primary key; run ALTER TABLE "
              + quoted(table)
              + " REPLICA IDENTITY FULL; so that PostgreSQL sends every value of a changed row");
    }
    for (int column : columns) {
      check(table, schema.columns().get(column));
    }
    try {
      PreparedStatement statement = statement(table, schema, columns);
      List<String> keys = schema.primaryKeys();
      for (int i = 0; i < keys.size(); i++) {
        Object key = row[schema.indexOf(keys.get(i))];
        if (key instanceof String text) {
          // Typed by the server from the key column, so any textual key type (enum, citext) fits.
          statement.setObject(i + 1, text, Types.OTHER);
        } else {
          statement.setObject(i + 1, key);
        }
      }
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return Optional.empty();
        }
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
          values[i] = value(result, i + 1, schema.columns().get(columns[i]).type());
        }
        return Optional.of(values);
      }
    } catch (SQLException e) {
      closeConnection();
      // Retriable: the pipeline restarts from its last checkpoint and reads this change again.
      throw new IllegalStateException(
          "Cannot read the unchanged values of columns "
              + names(schema, columns)
              + " of "
              + table
              + " back from "
              + description
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /** The types a TOASTed value can have in the event model; anything else is refused by name. */
  private static void check(TableId table, Column column) {
    switch (column.type().root()) {
      case STRING, BINARY, DECIMAL -> {}
      case BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, UUID, ARRAY ->
          throw new PermanentPipelineException(
              "Cannot read the unchanged value of column "
                  + table
                  + "."
                  + column.name()
                  + " ("
                  + column.type()
                  + ") back; run ALTER TABLE "
                  + quoted(table)
                  + " REPLICA IDENTITY FULL; so that PostgreSQL sends every value of a changed row");
    }
  }

  private static Object value(ResultSet result, int index, DataType type) throws SQLException {
    return switch (type.root()) {
      case STRING -> result.getString(index);
      case BINARY -> result.getBytes(index);
      case DECIMAL -> {
        java.math.BigDecimal decimal = result.getBigDecimal(index);
        yield decimal == null ? null : decimal.setScale(type.scale(), RoundingMode.UNNECESSARY);
      }
      case BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, UUID, ARRAY ->
          throw new IllegalArgumentException("Cannot read a " + type + " value back");
    };
  }

  private PreparedStatement statement(TableId table, Schema schema, int[] columns)
      throws SQLException {
    String sql =
        "SELECT "
            + Arrays.stream(columns)
                .mapToObj(i -> quote(schema.columns().get(i).name()))
                .collect(Collectors.joining(", "))
            + " FROM "
            + quoted(table)
            + " WHERE "
            + schema.primaryKeys().stream()
                .map(key -> quote(key) + " = ?")
                .collect(Collectors.joining(" AND "));
    if (connection == null || connection.isClosed()) {
      statements.clear();
      connection = JdbcConnections.open(url, options, description);
    }
    PreparedStatement statement = statements.get(sql);
    if (statement == null) {
      statement = connection.prepareStatement(sql);
      statements.put(sql, statement);
    }
    return statement;
  }

  private static String names(Schema schema, int[] columns) {
    return Arrays.stream(columns)
        .mapToObj(i -> schema.columns().get(i).name())
        .collect(Collectors.joining(", "));
  }

  private static String quote(String identifier) {
    return PostgresPreflight.quote(identifier);
  }

  private static String quoted(TableId table) {
    return quote(table.schemaName()) + "." + quote(table.tableName());
  }

  @Override
  public void close() {
    closeConnection();
  }

  private void closeConnection() {
    statements.clear();
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("Cannot close the connection reading unchanged values: {}", e.getMessage());
      }
      connection = null;
    }
  }
}
