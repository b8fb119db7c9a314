package dev.cdcsync.connectors.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Partitioned tables are captured whole, through their root: the publication publishes each
 * partition's changes as the root's ({@code publish_via_partition_root}, PostgreSQL 13+), so one
 * Iceberg table holds the rows of every partition, present and attached later. A partition that
 * option {@code tables} selects beside its root is read through the root only, never on its own
 * too; a partition selected without its root is captured as a table of its own.
 */
final class PostgresPartitions {

  /**
   * Columns saying of pg_class {@code c} whether it is a partition, and its root's schema and
   * name; with {@link #ROOT_JOIN} after {@code FROM pg_class c}.
   */
  static final String ROOT_COLUMNS = "c.relispartition, rn.nspname, r.relname";

  static final String ROOT_JOIN =
      " LEFT JOIN pg_class r ON r.oid = pg_partition_root(c.oid)"
          + " LEFT JOIN pg_namespace rn ON rn.oid = r.relnamespace";

  private PostgresPartitions() {}

  /** Whether a table is a partition whose root the pipeline captures, so that it is read through it. */
  static boolean readThroughRoot(PostgresPreflight preflight, ResultSet row, int firstRootColumn)
      throws SQLException {
    return row.getBoolean(firstRootColumn)
        && preflight.selected(
            row.getString(firstRootColumn + 1), row.getString(firstRootColumn + 2));
  }

  /** The partitions option {@code tables} selects that are read through their root, as schema.table. */
  static List<String> readThroughRoot(Connection connection, PostgresPreflight preflight)
      throws SQLException {
    List<String> partitions = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT n.nspname, c.relname, "
                    + ROOT_COLUMNS
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + ROOT_JOIN
                    + " WHERE c.relispartition")) {
      while (result.next()) {
        if (preflight.selected(result.getString(1), result.getString(2))
            && readThroughRoot(preflight, result, 3)) {
          partitions.add(result.getString(1) + "." + result.getString(2));
        }
      }
    }
    return partitions;
  }

  /**
   * Debezium's {@code table.include.list} without {@code partitions}: its snapshot reads a
   * partitioned table's rows through the root, and would read them again through each partition.
   */
  static String excluding(String includeList, List<String> partitions) {
    if (partitions.isEmpty()) {
      return includeList;
    }
    String excluded =
        "(?!(?:"
            + partitions.stream().map(name -> quoteRegex(name)).collect(Collectors.joining("|"))
            + ")$)";
    List<String> filtered = new ArrayList<>();
    for (String regex : includeList.split(",")) {
      filtered.add(excluded + "(?:" + regex + ")");
    }
    return String.join(",", filtered);
  }

  /** A literal in a regex, without {@code \Q…\E} (Debezium splits its lists on commas, not quotes). */
  private static String quoteRegex(String name) {
    StringBuilder quoted = new StringBuilder();
    for (char c : name.toCharArray()) {
      if (!Character.isLetterOrDigit(c) && c != '_') {
        quoted.append('\\');
      }
      quoted.append(c);
    }
    return quoted.toString();
  }
}
