package dev.cdcsync.connectors;

import dev.cdcsync.api.ConfigOption;

/** Options shared by every database source, with Flink CDC's keys. */
public final class SourceOptions {

  /** Where a source starts reading when it has no saved position. */
  public enum StartupMode {
    /** Snapshot the selected tables' rows, then stream changes. */
    INITIAL,
    /** Stream changes from now on, without a snapshot. */
    LATEST_OFFSET
  }

  public static final ConfigOption<String> HOSTNAME =
      ConfigOption.required("hostname", String.class, "Host name or IP address of the database server.");

  public static final ConfigOption<String> USERNAME =
      ConfigOption.required("username", String.class, "User to connect as.");

  public static final ConfigOption<String> PASSWORD =
      ConfigOption.optional("password", String.class, "", "Password of the user.").asSecret();

  public static final ConfigOption<String> TABLES_EXCLUDE =
      ConfigOption.optional(
          "tables.exclude",
          String.class,
          null,
          "Tables to leave out, in the same syntax as 'tables'.");

  public static final ConfigOption<StartupMode> STARTUP_MODE =
      ConfigOption.optional(
          "scan.startup.mode",
          StartupMode.class,
          StartupMode.INITIAL,
          "initial: snapshot existing rows, then stream changes; latest-offset: stream only"
              + " changes made from now on.");

  /** Prefix of options handed to Debezium as they are, without the prefix. */
  public static final String DEBEZIUM_PREFIX = "debezium.";

  /** Prefix of options handed to the JDBC driver, without the prefix. */
  public static final String JDBC_PREFIX = "jdbc.properties.";

  public static ConfigOption<Integer> port(int defaultPort) {
    return ConfigOption.optional(
        "port", Integer.class, defaultPort, "Port of the database server.", SourceOptions::port, "a port number in 1..65535");
  }

  private static Integer port(String text) {
    int port = Integer.parseInt(text);
    return port >= 1 && port <= 65535 ? port : null;
  }

  private SourceOptions() {}
}
