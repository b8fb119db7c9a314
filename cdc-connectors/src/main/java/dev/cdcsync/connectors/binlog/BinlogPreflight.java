package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.SourceOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks the binlog settings change capture needs, and says how to fix each one. */
final class BinlogPreflight implements Runnable {

  private final String url;
  private final String description;
  private final Configuration options;

  BinlogPreflight(String url, String description, Configuration options) {
    this.url = url;
    this.description = description;
    this.options = options;
  }

  @Override
  public void run() {
    try (Connection connection =
            JdbcConnections.open(url, options, description);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SHOW GLOBAL VARIABLES WHERE Variable_name IN"
                    + " ('log_bin', 'binlog_format', 'binlog_row_image')")) {
      Map<String, String> variables = new HashMap<>();
      while (result.next()) {
        variables.put(result.getString(1).toLowerCase(Locale.ROOT), result.getString(2));
      }
      List<String> problems = new ArrayList<>();
      expect(variables, "log_bin", "ON", "start the server with --log-bin", problems);
      expect(variables, "binlog_format", "ROW", "SET GLOBAL binlog_format = 'ROW' (and in the server's configuration)", problems);
      expect(variables, "binlog_row_image", "FULL", "SET GLOBAL binlog_row_image = 'FULL' (and in the server's configuration)", problems);
      if (!problems.isEmpty()) {
        throw new PermanentPipelineException(
            "Cannot capture changes from " + description + ":\n  " + String.join("\n  ", problems));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot check " + description + ": " + e.getMessage(), e);
    }
  }

  private static void expect(
      Map<String, String> variables, String name, String wanted, String fix, List<String> problems) {
    String actual = variables.get(name);
    if (actual != null && !actual.equalsIgnoreCase(wanted)) {
      problems.add(name + " is '" + actual + "' but must be '" + wanted + "': " + fix);
    }
  }
}
