package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.SourceFailures;
import dev.cdcsync.connectors.SourceFailures.Cause;
import dev.cdcsync.connectors.SourceFailures.Diagnosis;
import dev.cdcsync.connectors.SourceOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks what binlog change capture needs, and says how to fix each thing that is missing. */
final class BinlogPreflight implements Runnable {

  private final String url;
  private final String description;
  private final Configuration options;
  private final List<Pattern> tablePatterns;

  /** A grant of roles rather than of privileges, e.g. {@code GRANT `reader` TO `cdc`@`%`}. */
  private static final Pattern ROLE_GRANT =
      Pattern.compile("(?i)GRANT\\s+(?!.*\\sON\\s).*\\sTO\\s.*");

  /** @param tableIncludeList Debezium's table.include.list: regexes on database.table */
  BinlogPreflight(String url, String description, Configuration options, String tableIncludeList) {
    this.url = url;
    this.description = description;
    this.options = options;
    this.tablePatterns =
        Arrays.stream(tableIncludeList.split(","))
            .map(regex -> Pattern.compile(regex, Pattern.CASE_INSENSITIVE))
            .toList();
  }

  /** The JDBC URL it connects to (no database). */
  String url() {
    return url;
  }

  /** The source options it connects with: TLS as Debezium connects (see {@link BinlogTls}). */
  Configuration options() {
    return options;
  }

  /**
   * A connection for the checks. A user created {@code REQUIRE SSL} or {@code REQUIRE X509} is
   * refused without TLS (or without a client certificate) as if the password were wrong, so the
   * failure says so when the pipeline sets no client certificate.
   */
  private Connection connect() {
    try {
      return JdbcConnections.open(url, options, description);
    } catch (PermanentPipelineException e) {
      boolean refused =
          SourceFailures.diagnose(e).map(Diagnosis::cause).orElse(null)
              == Cause.AUTHENTICATION_FAILED;
      if (!refused
          || options.withPrefix(SourceOptions.DEBEZIUM_PREFIX).containsKey(BinlogTls.KEYSTORE)) {
        throw e;
      }
      throw new PermanentPipelineException(
          e.getMessage()
              + ", or, if the user must connect over TLS (REQUIRE SSL, REQUIRE X509), set '"
              + SourceOptions.DEBEZIUM_PREFIX
              + BinlogTls.MODE
              + "' and its truststore and keystore (README: TLS"
              + " and secrets)",
          e);
    }
  }

  /** Checks the binlog settings, the user's rights and the selected tables, changing nothing. */
  List<PreflightCheck> checks() {
    try (Connection connection = connect()) {
      return checks(connection);
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot check " + description + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stops a start that {@code validate} would fail: binlog settings, the user's rights, unreadable
   * tables. Without it a user lacking {@code REPLICATION SLAVE} read the snapshot, then failed at
   * the binlog again and again.
   */
  @Override
  public void run() {
    try (Connection connection = connect()) {
      List<String> problems =
          checks(connection).stream()
              .filter(check -> !check.passed())
              .map(PreflightCheck::detail)
              .toList();
      if (!problems.isEmpty()) {
        throw new PermanentPipelineException(
            "Cannot capture changes from " + description + ":\n  " + String.join("\n  ", problems));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot check " + description + ": " + e.getMessage(), e);
    }
  }

  private List<PreflightCheck> checks(Connection connection) throws SQLException {
    String user = options.get(SourceOptions.USERNAME);
    List<PreflightCheck> checks = new ArrayList<>();
    checks.add(
        PreflightCheck.passed("connection", "connected to " + description + " as '" + user + "'"));
    Map<String, String> variables = new HashMap<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SHOW GLOBAL VARIABLES WHERE Variable_name IN"
                    + " ('log_bin', 'binlog_format', 'binlog_row_image', 'gtid_mode')")) {
      while (result.next()) {
        variables.put(result.getString(1).toLowerCase(Locale.ROOT), result.getString(2));
      }
    }
    checks.add(expect(variables, "log_bin", "ON", "start the server with --log-bin"));
    if (!BinlogSourceFactory.loadOnly(options)) {
      checks.addAll(streamChecks(connection, variables, user));
    }
    List<String> tables = matchingTables(connection);
    checks.add(
        PreflightCheck.passed(
            "tables",
            tables.size()
                + " table(s) match option 'tables'"
                + (tables.isEmpty()
                    ? "; the pipeline waits for changes"
                    : ": " + String.join(", ", tables))));
    checks.addAll(unsupportedColumns(connection));
    for (String table : tables) {
      try (Statement statement = connection.createStatement()) {
        statement.executeQuery("SELECT 1 FROM " + table + " LIMIT 0").close();
      } catch (SQLException e) {
        checks.add(
            PreflightCheck.failed(
                "select " + table,
                "user '"
                    + user
                    + "' cannot read table "
                    + table
                    + ": run GRANT SELECT ON "
                    + table
                    + " TO '"
                    + user
                    + "';"));
      }
    }
    return checks;
  }

  /**
   * What streaming the binlog needs beyond a load ({@code scan.startup.mode: snapshot} reads the
   * tables and the binlog position of its snapshots, nothing more): the row format and the user's
   * replication rights.
   */
  private List<PreflightCheck> streamChecks(
      Connection connection, Map<String, String> variables, String user) throws SQLException {
    List<PreflightCheck> checks = new ArrayList<>();
    checks.add(
        expect(
            variables,
            "binlog_format",
            "ROW",
            "SET GLOBAL binlog_format = 'ROW' (and in the server's configuration)"));
    checks.add(
        expect(
            variables,
            "binlog_row_image",
            "FULL",
            "SET GLOBAL binlog_row_image = 'FULL' (and in the server's configuration)"));
    String gtidMode = variables.get("gtid_mode");
    checks.add(
        PreflightCheck.passed(
            "gtid_mode",
            gtidMode == null
                ? "the server keeps MariaDB GTIDs (positions are binlog file and offset, with GTIDs where present)"
                : "gtid_mode is "
                    + gtidMode
                    + ("ON".equalsIgnoreCase(gtidMode)
                        ? ""
                        : " (positions are binlog file and"
                            + " offset; with gtid_mode = ON a pipeline can also follow a failover to a replica)")));
    List<String> grants = grants(connection);
    String granted = String.join("\n", grants).toUpperCase(Locale.ROOT);
    boolean all = granted.contains("ALL PRIVILEGES ON *.*");
    // Rights a role carries may not be listed; those are left to the server to refuse.
    boolean viaRoles = grants.stream().anyMatch(grant -> ROLE_GRANT.matcher(grant).matches());
    String roles = viaRoles ? " (granted through a role: not checked here)" : "";
    checks.add(
        all
                || granted.contains("REPLICATION SLAVE")
                || granted.contains("REPLICATION REPLICA")
                || viaRoles
            ? PreflightCheck.passed(
                "replication", "user '" + user + "' may read the binlog" + roles)
            : PreflightCheck.failed(
                "replication",
                "user '"
                    + user
                    + "' may not read the binlog: run GRANT REPLICATION"
                    + " SLAVE ON *.* TO '"
                    + user
                    + "';"));
    checks.add(
        all
                || granted.contains("REPLICATION CLIENT")
                || granted.contains("BINLOG MONITOR")
                || granted.contains("SUPER")
                || viaRoles
            ? PreflightCheck.passed(
                "binlog position", "user '" + user + "' may read the binlog position" + roles)
            : PreflightCheck.failed(
                "binlog position",
                "user '"
                    + user
                    + "' may not read the binlog position: run GRANT"
                    + " REPLICATION CLIENT ON *.* TO '"
                    + user
                    + "'; (MariaDB 10.5+: GRANT BINLOG MONITOR)"));
    return checks;
  }

  /** The storage engine's estimate of each selected table's rows (InnoDB's is rough). */
  Map<TableId, Long> estimatedRows() {
    Map<TableId, Long> estimates = new HashMap<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT table_schema, table_name, table_rows FROM information_schema.tables"
                    + " WHERE table_type = 'BASE TABLE'")) {
      while (result.next()) {
        String database = result.getString(1);
        String table = result.getString(2);
        if (selected(database, table)) {
          long rows = result.getLong(3);
          estimates.put(TableId.of(database, table), result.wasNull() ? -1 : rows);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot estimate the rows of " + description + ": " + e.getMessage(), e);
    }
    return estimates;
  }

  /**
   * For each selected table with FLOAT columns, a snapshot query that reads them as DOUBLE
   * ({@code SELECT *, CAST(`f` AS DOUBLE) AS `f` FROM ...}; Debezium keeps the last value of a
   * column read twice). The text protocol, which the snapshot reads with, prints a FLOAT with 6
   * significant digits (MariaDB: 1.0158473 as 1.01585); the DOUBLE holds the stored value
   * exactly. Keys are {@code database.table}, as option {@code
   * snapshot.select.statement.overrides} names them.
   */
  Map<String, String> floatSnapshotSelects() {
    Map<String, String> froms = new LinkedHashMap<>();
    Map<String, StringBuilder> selects = new LinkedHashMap<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c"
                    + " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
                    + " AND t.table_name = c.table_name"
                    + " WHERE c.data_type = 'float' AND t.table_type = 'BASE TABLE'"
                    + " ORDER BY c.table_schema, c.table_name, c.ordinal_position")) {
      while (result.next()) {
        String database = result.getString(1);
        String table = result.getString(2);
        if (selected(database, table)) {
          String name = database + "." + table;
          String column = quoted(result.getString(3));
          froms.put(name, " FROM " + quoted(database) + "." + quoted(table));
          selects
              .computeIfAbsent(name, key -> new StringBuilder("SELECT *"))
              .append(", CAST(")
              .append(column)
              .append(" AS DOUBLE) AS ")
              .append(column);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot list the FLOAT columns of " + description + ": " + e.getMessage(), e);
    }
    Map<String, String> statements = new LinkedHashMap<>();
    selects.forEach((name, select) -> statements.put(name, select + froms.get(name)));
    return statements;
  }

  static String quoted(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static List<String> grants(Connection connection) throws SQLException {
    List<String> grants = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
      while (result.next()) {
        grants.add(result.getString(1));
      }
    }
    return grants;
  }

  /** Whether option {@code tables} selects the table. */
  private boolean selected(String database, String table) {
    return tablePatterns.stream()
        .anyMatch(pattern -> pattern.matcher(database + "." + table).matches());
  }

  private List<String> matchingTables(Connection connection) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
                    + " AND table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')")) {
      while (result.next()) {
        if (selected(result.getString(1), result.getString(2))) {
          tables.add(quoted(result.getString(1)) + "." + quoted(result.getString(2)));
        }
      }
    }
    return tables;
  }

  /**
   * Columns whose type Debezium cannot read: MariaDB's INET4 and INET6, whose DDL its parser
   * rejects ("DDL statement couldn't be parsed"). Debezium reads the DDL of every table on the
   * server, selected or not, so one such column anywhere stopped the pipeline, and only after its
   * restarts.
   */
  private List<PreflightCheck> unsupportedColumns(Connection connection) throws SQLException {
    List<PreflightCheck> checks = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns"
                    + " WHERE data_type IN ('inet4', 'inet6')"
                    + " AND table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')"
                    + " ORDER BY table_schema, table_name, ordinal_position")) {
      while (result.next()) {
        String table = quoted(result.getString(1)) + "." + quoted(result.getString(2));
        String column = quoted(result.getString(3));
        String type = result.getString(4).toUpperCase(Locale.ROOT);
        checks.add(
            PreflightCheck.failed(
                "column " + table + "." + column,
                "column "
                    + column
                    + " of table "
                    + table
                    + " is "
                    + type
                    + ", whose DDL Debezium cannot parse; it reads"
                    + " the DDL of every table on the server"
                    + (selected(result.getString(1), result.getString(2))
                        ? ""
                        : "," + " not only the selected ones")
                    + ", so store the address as text: ALTER TABLE "
                    + table
                    + " MODIFY "
                    + column
                    + " VARCHAR("
                    + (type.equals("INET4") ? 15 : 39)
                    + ");"));
      }
    }
    return checks;
  }

  private static PreflightCheck expect(
      Map<String, String> variables, String name, String wanted, String fix) {
    String actual = variables.get(name);
    if (actual == null || actual.equalsIgnoreCase(wanted)) {
      return PreflightCheck.passed(
          name,
          name + " is " + (actual == null ? "not reported (assumed " + wanted + ")" : actual));
    }
    return PreflightCheck.failed(
        name, name + " is '" + actual + "' but must be '" + wanted + "': " + fix);
  }
}
