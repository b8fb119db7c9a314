package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.CatalogConnection;
import dev.cdcsync.connectors.debezium.SourceRecordConverter.ColumnDefaults;
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
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the {@code attnum} of a table's columns from {@code pg_attribute}, on a connection of its
 * own opened on first use. pgoutput reports a table's new columns but not renames; a renamed
 * column keeps its attnum, a dropped and re-added one gets a new one, which tells them apart.
 */
final class PostgresColumnNumbers implements ColumnNumbers, ColumnDefaults {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresColumnNumbers.class);

  private final String description;
  private final CatalogConnection connection;

  PostgresColumnNumbers(String url, Configuration options, String description) {
    this.description = description;
    this.connection = new CatalogConnection(url, options, description);
  }

  /**
   * A default as {@code pg_get_expr} prints a constant: a number, a quoted literal or a boolean,
   * with casts to plain type names. Anything else (now(), CURRENT_TIMESTAMP, nextval(...), an
   * operator) is computed.
   */
  private static final Pattern CONSTANT =
      Pattern.compile(
          "\\(*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?|'((?:[^']|'')*)'|true|false)\\)*(?:::[a-z][a-z0-9_ ]*(?:\\([0-9, ]+\\))?(?:\\[\\])?)*");

  /**
   * A column as pg_attribute describes it: {@code defaultExpression} null without a default;
   * {@code missingValue} the value rows that existed when it was added hold, as array text (null
   * once the table was rewritten); {@code type} as format_type prints it.
   */
  private record Attribute(
      String name,
      int number,
      boolean generated,
      String defaultExpression,
      String missingValue,
      String type) {}

  /**
   * PostgreSQL gives the rows of a table a column is added to the default's value at that moment,
   * kept as the column's missing value (PostgreSQL 11 on): the default Debezium reports, today's,
   * is that value only if it is a constant whose text equals it. Compared as text, never run:
   * a numeric default printed otherwise than stored (7 and 7.00), a quoted quote (which Debezium
   * reads short) or a blank-padded character type is reported as not known, never filled wrong.
   */
  @Override
  public synchronized Map<String, String> untrusted(TableId table) {
    Map<String, String> untrusted = new HashMap<>();
    try {
      for (Attribute column : attributes(table)) {
        String expression = column.defaultExpression();
        if (expression == null || column.generated() || expression.startsWith("NULL")) {
          continue;
        }
        Optional<String> literal = literal(expression);
        if (!isConstant(expression)) {
          untrusted.put(column.name(), expression + ", which PostgreSQL computes");
        } else if (column.missingValue() == null) {
          untrusted.put(
              column.name(),
              expression
                  + ", and PostgreSQL keeps no value for the rows that existed then (a partitioned table, or one"
                  + " rewritten since)");
        } else if (literal.isEmpty()
            || column.type().startsWith("character(")
            || !literal.get().equals(arrayElement(column.missingValue()))) {
          untrusted.put(
              column.name(),
              expression
                  + ", not known to equal the value given to the rows that existed then"
                  + " ("
                  + column.missingValue()
                  + ")");
        }
      }
    } catch (SQLException e) {
      // Retriable: without knowing them, today's default could be taken for the rows' value.
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

  /** A constant's value as PostgreSQL prints it; empty for a quoted literal holding a quote. */
  static Optional<String> literal(String constant) {
    java.util.regex.Matcher matcher = CONSTANT.matcher(constant);
    if (!matcher.matches()) {
      return Optional.empty();
    }
    String value = matcher.group(2) != null ? matcher.group(2) : matcher.group(1);
    if (value.contains("'")) {
      return Optional.empty();
    }
    return Optional.of(value.equals("true") ? "t" : value.equals("false") ? "f" : value);
  }

  /** The element of a one-element array's text ({7}, {"a b"}), unquoted. */
  static String arrayElement(String arrayText) {
    String element = arrayText.substring(1, arrayText.length() - 1);
    if (element.startsWith("\"") && element.endsWith("\"")) {
      element = element.substring(1, element.length() - 1).replaceAll("\\\\(.)", "$1");
    }
    return element;
  }

  static boolean isConstant(String defaultExpression) {
    return CONSTANT.matcher(defaultExpression).matches();
  }

  @Override
  public synchronized Map<String, Integer> current(TableId table) {
    Map<String, Integer> numbers = new HashMap<>();
    try {
      attributes(table).forEach(column -> numbers.put(column.name(), column.number()));
    } catch (SQLException e) {
      // Without the numbers a rename is seen as a dropped plus an added column, as pgoutput says.
      LOG.warn(
          "Cannot read the column numbers of {} in {}: {}", table, description, e.getMessage());
    }
    return numbers;
  }

  @Override
  public synchronized Set<String> generated(TableId table) {
    Set<String> generated = new HashSet<>();
    try {
      attributes(table).stream()
          .filter(Attribute::generated)
          .forEach(column -> generated.add(column.name()));
    } catch (SQLException e) {
      // Retriable: without knowing them, a generated column would come and go between snapshot and
      // stream.
      throw new IllegalStateException(
          "Cannot read the generated columns of "
              + table
              + " in "
              + description
              + ": "
              + e.getMessage(),
          e);
    }
    return generated;
  }

  /** The table's current columns; none once closed. */
  private List<Attribute> attributes(TableId table) throws SQLException {
    List<Attribute> attributes = new ArrayList<>();
    try {
      Connection open = connection.get();
      if (open == null) {
        return attributes;
      }
      try (PreparedStatement statement =
          open.prepareStatement(
              "SELECT a.attname, a.attnum, a.attgenerated <> '', pg_get_expr(d.adbin, d.adrelid),"
                  + " CASE WHEN a.atthasmissing THEN a.attmissingval::text END, format_type(a.atttypid, a.atttypmod)"
                  + " FROM pg_attribute a"
                  + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                  + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                  + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped")) {
        statement.setString(1, table.schemaName());
        statement.setString(2, table.tableName());
        try (ResultSet result = statement.executeQuery()) {
          while (result.next()) {
            attributes.add(
                new Attribute(
                    result.getString(1),
                    result.getInt(2),
                    result.getBoolean(3),
                    result.getString(4),
                    result.getString(5),
                    result.getString(6)));
          }
        }
      }
    } catch (SQLException e) {
      connection.reset();
      throw e;
    }
    return attributes;
  }

  @Override
  public synchronized void close() {
    connection.close();
  }
}
