package dev.cdcsync.connectors.postgres;

import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.jdbc.JdbcConfiguration;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A connection of the initial load that reads {@code date}, {@code timestamp} and {@code
 * timestamptz} values as {@code java.time} values, which count days as PostgreSQL does (the
 * Gregorian calendar, years before Christ included), and as the stream hands them over. Debezium
 * reads them as {@code java.sql} values, which count days before 1582 by the Julian calendar and
 * drop the era: {@code 0001-01-01 00:00} arrived as {@code 0000-12-30} and {@code 0044-03-15 BC}
 * as 44 AD. Infinities keep Debezium's reading, which knows them.
 *
 * <p>Columns of the plain built-in types are read as Debezium reads them ({@code getObject}),
 * without its lookup of the result's column type for every value; the other types keep its
 * reading (arrays, numeric, money, bit, time, domains and the rest).
 */
final class PostgresLoadConnection extends PostgresConnection {

  PostgresLoadConnection(
      JdbcConfiguration config, PostgresValueConverterBuilder converters, String name) {
    super(config, converters, name);
  }

  @Override
  public Object getColumnValue(ResultSet rs, int columnIndex, Column column, Table table)
      throws SQLException {
    Object value =
        switch (column.typeName()) {
          case "date" -> finite(rs.getObject(columnIndex, LocalDate.class));
          case "timestamp" -> finite(rs.getObject(columnIndex, LocalDateTime.class));
          case "timestamptz" -> {
            OffsetDateTime time = rs.getObject(columnIndex, OffsetDateTime.class);
            if (time == null) {
              yield null;
            }
            yield finite(time.toLocalDateTime()) == UNHANDLED
                ? UNHANDLED
                : time.withOffsetSameInstant(ZoneOffset.UTC);
          }
          // What Debezium's reading comes to for these, without its lookup of the result's type
          // for every value.
          case "int2",
              "int4",
              "int8",
              "float4",
              "float8",
              "bool",
              "text",
              "varchar",
              "bpchar",
              "uuid",
              "json",
              "jsonb",
              "bytea" ->
              rs.getObject(columnIndex);
          default -> UNHANDLED;
        };
    return value == UNHANDLED ? super.getColumnValue(rs, columnIndex, column, table) : value;
  }

  /** The value, or {@link #UNHANDLED} for the driver's infinities (the types' MIN and MAX). */
  private static Object finite(Object value) {
    boolean infinite =
        LocalDate.MAX.equals(value)
            || LocalDate.MIN.equals(value)
            || LocalDateTime.MAX.equals(value)
            || LocalDateTime.MIN.equals(value);
    return infinite ? UNHANDLED : value;
  }

  private static final Object UNHANDLED = new Object();
}
