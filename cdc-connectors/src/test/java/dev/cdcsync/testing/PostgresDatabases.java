package dev.cdcsync.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL housekeeping shared by the embedded and container servers. */
final class PostgresDatabases {

  private PostgresDatabases() {}

  static void recreate(TestDatabaseServer server, String database) throws SQLException {
    try (Connection connection = server.connect("postgres");
        Statement statement = connection.createStatement()) {
      // Slots pin a database; drop the ones an earlier run of the test left behind.
      try (ResultSet slots =
          statement.executeQuery(
              "SELECT slot_name FROM pg_replication_slots WHERE database = '" + database + "'")) {
        java.util.List<String> names = new java.util.ArrayList<>();
        while (slots.next()) {
          names.add(slots.getString(1));
        }
        for (String slot : names) {
          statement.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
      }
      statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      statement.execute("CREATE DATABASE " + database);
    }
  }
}
