package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.SourceOptions.StartupMode;
import io.debezium.jdbc.JdbcConnection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a MariaDB pipeline without a checkpoint starts streaming when {@code scan.startup.mode} is
 * {@code earliest-offset} (the oldest binlog the server keeps), {@code specific-offset} (a binlog
 * file and position, or the first transaction after a GTID position) or {@code timestamp} (the
 * first transaction committed at or after a time), with Flink CDC's options.
 * No table is loaded: the stream holds the changes from there on, read against the tables'
 * definitions as they are now (as Flink CDC does; a table altered since cannot be read).
 */
record BinlogStart(
    StartupMode mode,
    BinlogPosition position,
    String gtidSet,
    Long timestampMillis,
    long skipEvents,
    long skipRows) {

  static final ConfigOption<String> SPECIFIC_FILE =
      ConfigOption.optional(
          "scan.startup.specific-offset.file",
          String.class,
          null,
          "specific-offset: the binlog file to start from, e.g. mariadb-bin.000003.");

  static final ConfigOption<Long> SPECIFIC_POS =
      ConfigOption.optional(
          "scan.startup.specific-offset.pos",
          Long.class,
          null,
          "specific-offset: the position in that file, the start of a transaction.");

  static final ConfigOption<String> SPECIFIC_GTID_SET =
      ConfigOption.optional(
          "scan.startup.specific-offset.gtid-set",
          String.class,
          null,
          "specific-offset: a MariaDB GTID position (domain-server-sequence, comma-separated);"
              + " the stream starts with the first transaction after it. Instead of file and pos.");

  static final ConfigOption<Long> SKIP_EVENTS =
      ConfigOption.optional(
          "scan.startup.specific-offset.skip-events",
          Long.class,
          0L,
          "specific-offset: events to skip after the position.");

  static final ConfigOption<Long> SKIP_ROWS =
      ConfigOption.optional(
          "scan.startup.specific-offset.skip-rows",
          Long.class,
          0L,
          "specific-offset: rows to skip after the position.");

  static final ConfigOption<Long> TIMESTAMP_MILLIS =
      ConfigOption.optional(
          "scan.startup.timestamp-millis",
          Long.class,
          null,
          "timestamp: milliseconds since the epoch; the stream starts with the first transaction"
              + " committed in that second or later.");

  /** The options of these start modes (the mysql source takes them to refuse the modes). */
  static final List<ConfigOption<?>> OPTIONS =
      List.of(
          SPECIFIC_FILE, SPECIFIC_POS, SPECIFIC_GTID_SET, SKIP_EVENTS, SKIP_ROWS, TIMESTAMP_MILLIS);

  private static final Pattern GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

  /** Checks the options the start mode needs; returns the start, or null for other modes. */
  static BinlogStart of(Configuration options) {
    StartupMode mode = options.get(SourceOptions.STARTUP_MODE);
    if (mode == StartupMode.EARLIEST_OFFSET) {
      return new BinlogStart(mode, null, null, null, 0, 0);
    }
    if (mode == StartupMode.TIMESTAMP) {
      Long millis =
          options
              .optional(TIMESTAMP_MILLIS)
              .orElseThrow(
                  () ->
                      new ConfigurationException(
                          "Cannot use scan.startup.mode timestamp: set source option '"
                              + TIMESTAMP_MILLIS.key()
                              + "' (milliseconds since the epoch)"));
      return new BinlogStart(mode, null, null, millis, 0, 0);
    }
    if (mode != StartupMode.SPECIFIC_OFFSET) {
      return null;
    }
    String file = options.optional(SPECIFIC_FILE).orElse(null);
    Long pos = options.optional(SPECIFIC_POS).orElse(null);
    String gtids = options.optional(SPECIFIC_GTID_SET).orElse(null);
    if (gtids != null && (file != null || pos != null)) {
      throw new ConfigurationException(
          "Cannot use scan.startup.mode specific-offset with both '"
              + SPECIFIC_GTID_SET.key()
              + "' and a file and position: give one or the other");
    }
    if (gtids != null) {
      parseGtids(gtids);
      return new BinlogStart(
          mode, null, gtids.trim(), null, options.get(SKIP_EVENTS), options.get(SKIP_ROWS));
    }
    if (file == null || pos == null) {
      throw new ConfigurationException(
          "Cannot use scan.startup.mode specific-offset: set source options '"
              + SPECIFIC_FILE.key()
              + "' and '"
              + SPECIFIC_POS.key()
              + "' (from SHOW BINLOG STATUS or SHOW BINLOG EVENTS), or '"
              + SPECIFIC_GTID_SET.key()
              + "'");
    }
    if (!file.matches(".+\\.\\d+") || pos < 4) {
      throw new ConfigurationException(
          "Cannot use scan.startup.mode specific-offset: '"
              + file
              + "' position "
              + pos
              + " is no binlog position (a file such as mariadb-bin.000003, a position of 4 or"
              + " more)");
    }
    return new BinlogStart(
        mode,
        new BinlogPosition(file.trim(), pos),
        null,
        null,
        options.get(SKIP_EVENTS),
        options.get(SKIP_ROWS));
  }

  /** Describes the start for the log, e.g. {@code specific-offset mariadb-bin.000003:1234}. */
  String describe() {
    return mode.spelling()
        + (position != null ? " " + position : "")
        + (gtidSet != null ? " after GTID " + gtidSet : "")
        + (timestampMillis != null ? " " + java.time.Instant.ofEpochMilli(timestampMillis) : "");
  }

  /**
   * The binlog position the stream starts at, found on the server now.
   *
   * @throws PermanentPipelineException when the server no longer keeps it
   */
  BinlogPosition find(JdbcConnection connection, String server, Properties engineProperties)
      throws SQLException {
    List<String[]> logs = binaryLogs(connection);
    if (logs.isEmpty()) {
      throw new PermanentPipelineException(
          "Cannot stream from " + server + ": it keeps no binary log (log_bin is off)");
    }
    if (mode == StartupMode.EARLIEST_OFFSET) {
      String file = logs.get(0)[0];
      return new BinlogPosition(file, firstTransactionBoundary(connection, file));
    }
    if (timestampMillis != null) {
      try {
        BinlogPosition at =
            new BinlogTimes(engineProperties)
                .firstTransactionAtOrAfter(
                    logs.stream().map(log -> log[0]).toList(), timestampMillis);
        if (at != null) {
          return at;
        }
        String[] last = logs.get(logs.size() - 1);
        return new BinlogPosition(last[0], Long.parseLong(last[1]));
      } catch (java.io.IOException e) {
        throw new IllegalStateException(
            "Cannot read the binlog times of " + server + ": " + e.getMessage(), e);
      }
    }
    if (position != null) {
      boolean kept = logs.stream().anyMatch(log -> log[0].equals(position.file()));
      if (!kept) {
        throw new PermanentPipelineException(
            "Cannot stream from "
                + server
                + " at "
                + position
                + " (scan.startup.mode specific-offset): the server no longer keeps binlog file "
                + position.file()
                + "; it keeps "
                + logs.get(0)[0]
                + " to "
                + logs.get(logs.size() - 1)[0]);
      }
      return position;
    }
    return afterGtids(connection, logs, server);
  }

  /**
   * The first transaction not in {@link #gtidSet}: in the newest file whose start is within the
   * set, the first GTID event beyond it; the end of the log when every transaction is in it.
   */
  private BinlogPosition afterGtids(JdbcConnection connection, List<String[]> logs, String server)
      throws SQLException {
    Map<Long, Long> executed = parseGtids(gtidSet);
    int first = 0;
    for (int i = logs.size() - 1; i >= 0; i--) {
      String atStart = gtidPositionAt(connection, logs.get(i)[0]);
      if (contains(executed, parseGtids(atStart))) {
        first = i;
        break;
      }
      if (i == 0) {
        throw new PermanentPipelineException(
            "Cannot stream from "
                + server
                + " after GTID position "
                + gtidSet
                + " (scan.startup.mode specific-offset): its oldest binlog "
                + logs.get(0)[0]
                + " starts at "
                + (atStart.isEmpty() ? "no GTID" : atStart)
                + ", beyond it: the transactions between are purged");
      }
    }
    for (int i = first; i < logs.size(); i++) {
      String file = logs.get(i)[0];
      List<long[]> events =
          connection.queryAndMap(
              "SHOW BINLOG EVENTS IN '" + file.replace("'", "''") + "'",
              result -> {
                List<long[]> found = new ArrayList<>();
                while (result.next()) {
                  if ("Gtid".equals(result.getString("Event_type"))) {
                    Matcher matcher = GTID.matcher(result.getString("Info"));
                    if (matcher.find()) {
                      found.add(
                          new long[] {
                            result.getLong("Pos"),
                            Long.parseLong(matcher.group(1)),
                            Long.parseLong(matcher.group(3))
                          });
                    }
                  }
                }
                return found;
              });
      for (long[] event : events) {
        Long done = executed.get(event[1]);
        if (done == null || event[2] > done) {
          return new BinlogPosition(file, event[0]);
        }
      }
    }
    String[] last = logs.get(logs.size() - 1);
    return new BinlogPosition(last[0], Long.parseLong(last[1]));
  }

  /** The offset Debezium streams from at {@code at}, with the GTID position there. */
  Map<String, Object> offset(BinlogPosition at, String gtidsThere) {
    Map<String, Object> offset = new LinkedHashMap<>();
    offset.put("file", at.file());
    offset.put("pos", at.offset());
    String gtids = gtidSet != null ? gtidSet : gtidsThere;
    if (gtids == null || gtids.isEmpty()) {
      // Debezium's MariaDB reader starts from a GTID position and takes no empty one.
      throw new PermanentPipelineException(
          "Cannot stream from "
              + at
              + " (scan.startup.mode "
              + describe()
              + "): no transaction with a GTID precedes it (the first binlog of a new server),"
              + " and the MariaDB reader starts from a GTID position; start from a later"
              + " position (specific-offset), or with initial");
    }
    offset.put("gtids", gtids);
    if (skipEvents > 0) {
      offset.put("event", skipEvents);
    }
    if (skipRows > 0) {
      offset.put("row", skipRows);
    }
    return offset;
  }

  /**
   * Where a file's transactions begin: after its header events (the format description and the
   * GTID list, which give the GTID position there); the server takes no position before.
   */
  private static long firstTransactionBoundary(JdbcConnection connection, String file)
      throws SQLException {
    return connection.queryAndMap(
        "SHOW BINLOG EVENTS IN '" + file.replace("'", "''") + "' LIMIT 4",
        result -> {
          long boundary = 4;
          while (result.next()) {
            String type = result.getString("Event_type");
            if (type.equals("Format_desc") || type.equals("Gtid_list")) {
              boundary = result.getLong("End_log_pos");
            }
          }
          return boundary;
        });
  }

  /** SHOW BINARY LOGS: each file's name and size, oldest first. */
  static List<String[]> binaryLogs(JdbcConnection connection) throws SQLException {
    return connection.queryAndMap(
        "SHOW BINARY LOGS",
        result -> {
          List<String[]> logs = new ArrayList<>();
          while (result.next()) {
            logs.add(new String[] {result.getString(1), result.getString(2)});
          }
          return logs;
        });
  }

  static String gtidPositionAt(JdbcConnection connection, String file) throws SQLException {
    String position =
        connection.queryAndMap(
            "SELECT BINLOG_GTID_POS('" + file.replace("'", "''") + "', 4)",
            result -> result.next() ? result.getString(1) : null);
    return position == null ? "" : position;
  }

  /** Domain to sequence number of option {@code scan.startup.specific-offset.gtid-set}. */
  static Map<Long, Long> parseGtids(String text) {
    return parseGtidPosition(text, "source option '" + SPECIFIC_GTID_SET.key() + "'");
  }

  /**
   * Domain to sequence number of a MariaDB GTID position ({@code 0-1-42,1-2-7}); a domain given
   * twice (by two servers) counts at its highest sequence number, as MariaDB orders it.
   *
   * @param what names the position for the message if it is no GTID position
   */
  static Map<Long, Long> parseGtidPosition(String text, String what) {
    Map<Long, Long> sequences = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      Matcher matcher = GTID.matcher(part.trim());
      if (!matcher.matches()) {
        throw new ConfigurationException(
            "Cannot use "
                + what
                + ": '"
                + part.trim()
                + "' is no MariaDB GTID (domain-server-sequence, e.g. 0-1-42)");
      }
      sequences.merge(
          Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(3)), Math::max);
    }
    return sequences;
  }

  /** Whether every transaction of position {@code inner} is in {@code outer}. */
  static boolean contains(Map<Long, Long> outer, Map<Long, Long> inner) {
    return inner.entrySet().stream()
        .allMatch(entry -> outer.getOrDefault(entry.getKey(), -1L) >= entry.getValue());
  }
}
