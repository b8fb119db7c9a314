package dev.cdcsync.connectors;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Options shared by every database source, with Flink CDC's keys. */
public final class SourceOptions {

  /** Where a source starts reading when it has no saved position. */
  public enum StartupMode {
    /** Snapshot the selected tables' rows, then stream changes. */
    INITIAL,
    /** Stream changes from now on, without a snapshot. */
    LATEST_OFFSET,
    /** Snapshot the selected tables' rows, commit them and stop (PostgreSQL, MariaDB). */
    SNAPSHOT,
    /** Stream from the oldest binlog the server keeps, without a snapshot (MariaDB). */
    EARLIEST_OFFSET,
    /**
     * Stream from a binlog file and position, or after a GTID position (MariaDB); from a WAL
     * position of the existing replication slot (PostgreSQL).
     */
    SPECIFIC_OFFSET,
    /** Stream from the first transaction committed at or after a time (MariaDB). */
    TIMESTAMP,
    /** Stream from the replication slot's confirmed position, without a snapshot (PostgreSQL). */
    COMMITTED_OFFSET;

    /** {@code scan.startup.mode}'s spelling, e.g. {@code latest-offset}. */
    public String spelling() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether the source starts streaming without reading the tables' rows first. */
    public boolean streamsWithoutSnapshot() {
      return this != INITIAL && this != SNAPSHOT;
    }
  }

  public static final ConfigOption<String> HOSTNAME =
      ConfigOption.required(
          "hostname", String.class, "Host name or IP address of the database server.");

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
              + " changes made from now on; snapshot (postgres, mariadb): load existing rows,"
              + " commit them and exit; earliest-offset, specific-offset, timestamp (mariadb):"
              + " stream from the oldest binlog kept, a given position, or a time;"
              + " specific-offset (postgres): stream from a WAL position of the replication slot;"
              + " committed-offset (postgres): stream from the replication slot's position.",
          SourceOptions::startupMode,
          "initial, latest-offset, snapshot, earliest-offset, specific-offset, timestamp or"
              + " committed-offset");

  /** Refuses a start mode this source does not have, saying which it has and why. */
  public static void requireStartupMode(
      Configuration options, String sourceType, List<StartupMode> supported, String why) {
    StartupMode mode = options.get(STARTUP_MODE);
    if (!supported.contains(mode)) {
      throw new dev.cdcsync.api.ConfigurationException(
          "Cannot use source option 'scan.startup.mode' "
              + mode.spelling()
              + " with a "
              + sourceType
              + " source: "
              + why
              + "; it takes "
              + String.join(", ", supported.stream().map(StartupMode::spelling).toList()));
    }
  }

  private static StartupMode startupMode(String text) {
    String name = text.trim().replace('-', '_');
    return Arrays.stream(StartupMode.values())
        .filter(mode -> mode.name().equalsIgnoreCase(name))
        .findFirst()
        .orElse(null);
  }

  public static final ConfigOption<Duration> CONNECT_TIMEOUT =
      ConfigOption.optional(
          "connect.timeout",
          Duration.class,
          null,
          "How long connecting to the database may take, for checks and for Debezium. Defaults to"
              + " the JDBC driver's (PostgreSQL 10 s, MySQL / MariaDB 30 s).");

  public static final ConfigOption<Integer> CONNECT_MAX_RETRIES =
      ConfigOption.optional(
          "connect.max-retries",
          Integer.class,
          0,
          "How often a JDBC connection that fails for another reason than its credentials is tried"
              + " again, 1 s apart, before the failure counts (the pipeline itself restarts after"
              + " failures too).");

  /** The longest heartbeat interval: the position the database keeps must move on. */
  public static final Duration MAX_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);

  public static final ConfigOption<Duration> HEARTBEAT_INTERVAL =
      ConfigOption.optional(
          "heartbeat.interval",
          Duration.class,
          Duration.ofSeconds(1),
          "How often the source reports its position while the captured tables are idle, so"
              + " the position advances; at most 10s. MySQL / MariaDB report it with binlog"
              + " events, which an idle server sends every 48 s.");

  /**
   * Flink CDC's {@code metadata.list}: metadata columns for transforms, which cdc-sync offers
   * whether listed or not; the names are checked.
   */
  public static ConfigOption<String> metadataList(String... names) {
    List<String> allowed = Arrays.asList(names);
    return ConfigOption.optional(
        "metadata.list",
        String.class,
        null,
        "Metadata columns transforms may read ("
            + String.join(", ", allowed)
            + "); they are"
            + " available whether listed or not.",
        text ->
            Arrays.stream(text.split(","))
                    .map(name -> name.trim().toLowerCase(Locale.ROOT))
                    .allMatch(allowed::contains)
                ? text
                : null,
        "a comma-separated list of " + String.join(", ", allowed));
  }

  /** The Debezium heartbeat interval: the option, at most {@link #MAX_HEARTBEAT_INTERVAL}. */
  public static Duration heartbeatInterval(Configuration options) {
    Duration given = options.get(HEARTBEAT_INTERVAL);
    return given.compareTo(MAX_HEARTBEAT_INTERVAL) > 0 ? MAX_HEARTBEAT_INTERVAL : given;
  }

  /** The warnings every source gives about its options (see {@code Factory#warnings}). */
  public static List<String> warnings(Configuration options) {
    Duration given = options.get(HEARTBEAT_INTERVAL);
    if (given.compareTo(MAX_HEARTBEAT_INTERVAL) > 0) {
      return List.of(
          "source option 'heartbeat.interval' ("
              + given.toSeconds()
              + "s) is longer than"
              + " cdc-sync allows: the position it confirms to the database must move on at"
              + " least every "
              + MAX_HEARTBEAT_INTERVAL.toSeconds()
              + "s, so that is used");
    }
    return List.of();
  }

  /** Prefix of options handed to Debezium as they are, without the prefix. */
  public static final String DEBEZIUM_PREFIX = "debezium.";

  /** Prefix of options handed to the JDBC driver, without the prefix. */
  public static final String JDBC_PREFIX = "jdbc.properties.";

  public static ConfigOption<Integer> port(int defaultPort) {
    return ConfigOption.optional(
        "port",
        Integer.class,
        defaultPort,
        "Port of the database server.",
        SourceOptions::port,
        "a port number in 1..65535");
  }

  private static Integer port(String text) {
    int port = Integer.parseInt(text);
    return port >= 1 && port <= 65535 ? port : null;
  }

  private SourceOptions() {}
}
