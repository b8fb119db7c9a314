package dev.cdcsync.connectors.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;

/**
 * The PostgreSQL connector's stored offset as handed back to Debezium on a restart.
 *
 * <p>Where the last thing acknowledged was a logical decoding message (the heartbeats' {@code
 * pg_logical_emit_message}, see {@link PostgresSourceFactory}), Debezium 3.5 looks for its restart
 * point wrongly: the next transaction's first change sits at the message's LSN, so it takes that
 * change for one already read and resumes after it, losing the transaction's changes before its
 * commit (debezium/dbz#1379, fixed in Debezium 3.6, whose MariaDB connector is not available
 * here). Without the message type, Debezium resumes from the start of the first transaction it
 * receives that begins at or after that LSN, and a message outside a transaction leaves no part
 * of one read.
 */
final class PostgresResumeOffsets {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PostgresResumeOffsets() {}

  /** The offset (Debezium's JSON) to restart from. */
  static String resumable(String offset) {
    JsonNode node = read(offset);
    if (!(node instanceof ObjectNode fields)
        || !"MESSAGE".equals(fields.path("messageType").asText())) {
      return offset;
    }
    JsonNode commit = fields.get("lsn_commit");
    JsonNode last = fields.has("lsn_proc") ? fields.get("lsn_proc") : fields.get("lsn");
    if (commit == null || !commit.equals(last)) {
      return offset;
    }
    fields.remove("messageType");
    return fields.toString();
  }

  private static JsonNode read(String offset) {
    try {
      return JSON.readTree(offset);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("Cannot read the stored PostgreSQL offset " + offset, e);
    }
  }
}
