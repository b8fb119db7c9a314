package dev.cdcsync.connectors.binlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdcsync.api.PermanentPipelineException;
import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.jdbc.MariaDbConnection;
import io.debezium.connector.mariadb.jdbc.MariaDbConnectionConfiguration;
import io.debezium.connector.mariadb.jdbc.MariaDbFieldReader;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that the server holds a stored MariaDB offset's position before Debezium resumes from it,
 * in place of Debezium's own check ({@code internal.log.position.check.enable}, turned off).
 *
 * <p>Debezium 3.5 compares GTID positions per domain <em>and server id</em>, so after a failover
 * it refuses the promoted replica: the offset's {@code 0-11-40} is not "contained" in the
 * replica's {@code 0-12-69}, although MariaDB orders a domain's transactions by sequence number
 * alone and the replica, logging what it replicated, streams on from {@code 0-11-40} (fixed in
 * Debezium 3.6, whose MariaDB connector is not available here). This check asks instead whether
 * the server logged each transaction of the offset, its own or replicated ({@code
 * gtid_binlog_state}: the last sequence number per domain and server id), and the transaction
 * whose first events the resume skips: a replica promoted before it caught up lacks them, and
 * streaming on from there would skip events of a transaction of its own. Its oldest binlog must
 * start at or before the offset, else the changes in between are purged. An offset without
 * GTIDs needs its binlog file kept.
 */
final class MariaDbResumeCheck implements UnaryOperator<String> {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern GTID = Pattern.compile("(\\d+)-(\\d+)-(\\d+)");

  private final Properties engineProperties;
  private final String server;

  MariaDbResumeCheck(Properties engineProperties, String server) {
    this.engineProperties = engineProperties;
    this.server = server;
  }

  /** Returns the offset (Debezium's JSON) unchanged; throws if the server does not hold it. */
  @Override
  public String apply(String offset) {
    JsonNode fields = read(offset);
    String gtids = fields.path("gtids").asText("");
    String file = fields.path("file").asText("");
    if (gtids.isBlank() && file.isBlank()) {
      return offset;
    }
    Configuration configuration = Configuration.from(engineProperties);
    try (MariaDbConnection connection =
        new MariaDbConnection(
            new MariaDbConnectionConfiguration(configuration),
            new MariaDbFieldReader(new MariaDbConnectorConfig(configuration)))) {
      List<String[]> logs = BinlogStart.binaryLogs(connection);
      if (logs.isEmpty()) {
        throw new PermanentPipelineException(
            "Cannot resume the changes of " + server + ": it keeps no binary log (log_bin is off)");
      }
      if (gtids.isBlank()) {
        requireFile(logs, file);
      } else {
        requireGtids(connection, logs, gtids, fields);
      }
      return offset;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot check where the changes of " + server + " resume: " + e.getMessage(), e);
    }
  }

  private void requireGtids(
      MariaDbConnection connection, List<String[]> logs, String gtids, JsonNode fields)
      throws SQLException {
    // The last transaction of each (domain, server id) the server logged, its own and replicated.
    String state =
        connection.queryAndMap(
            "SELECT @@gtid_binlog_state", result -> result.next() ? result.getString(1) : "");
    Map<String, Long> logged = lastPerServer(state);
    List<String> needed = new ArrayList<>(List.of(gtids.split(",")));
    // Resuming after a transaction's first events skips them: that transaction must be there too.
    if (fields.path("event").asLong(0) > 0 && !fields.path("transaction_id").asText("").isBlank()) {
      needed.add(fields.path("transaction_id").asText());
    }
    for (String gtid : needed) {
      Matcher matcher = GTID.matcher(gtid.trim());
      if (!matcher.matches()) {
        continue;
      }
      String stream = matcher.group(1) + "-" + matcher.group(2);
      if (logged.getOrDefault(stream, -1L) < Long.parseLong(matcher.group(3))) {
        throw new PermanentPipelineException(
            "Cannot resume the changes of "
                + server
                + " after GTID position "
                + gtids
                + ": the server has not logged transaction "
                + gtid.trim()
                + " (its last ones: "
                + (state.isBlank() ? "none" : state)
                + "). Changes the pipeline has read are not on this server (a replica promoted"
                + " before it caught up, or another server); point the source at a server that"
                + " has them, or start the pipeline afresh (new name or state)");
      }
    }
    Map<Long, Long> stored = BinlogStart.parseGtidPosition(gtids, "the stored position");
    String oldest = BinlogStart.gtidPositionAt(connection, logs.get(0)[0]);
    if (!BinlogStart.contains(stored, BinlogStart.parseGtidPosition(oldest, "a binlog's start"))) {
      throw new PermanentPipelineException(
          "Cannot resume the changes of "
              + server
              + " after GTID position "
              + gtids
              + ": its oldest binlog "
              + logs.get(0)[0]
              + " starts at "
              + oldest
              + ", beyond it; the changes in between are purged. Start the pipeline afresh (new"
              + " name or state) to load the tables again");
    }
  }

  /** The sequence number of each {@code domain-server} in a GTID list, at its highest. */
  private static Map<String, Long> lastPerServer(String gtids) {
    Map<String, Long> last = new HashMap<>();
    for (String gtid : gtids.split(",")) {
      Matcher matcher = GTID.matcher(gtid.trim());
      if (matcher.matches()) {
        last.merge(
            matcher.group(1) + "-" + matcher.group(2), Long.parseLong(matcher.group(3)), Math::max);
      }
    }
    return last;
  }

  private void requireFile(List<String[]> logs, String file) {
    if (logs.stream().noneMatch(log -> log[0].equals(file))) {
      throw new PermanentPipelineException(
          "Cannot resume the changes of "
              + server
              + " in binlog file "
              + file
              + ": the server keeps "
              + logs.get(0)[0]
              + " to "
              + logs.get(logs.size() - 1)[0]
              + " only (purged, or another server). Start the pipeline afresh (new name or state)"
              + " to load the tables again");
    }
  }

  private static JsonNode read(String offset) {
    try {
      return JSON.readTree(offset);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot read the stored MariaDB offset " + offset, e);
    }
  }
}
