package dev.cdcsync.connectors.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.load.InitialLoad;
import dev.cdcsync.connectors.postgres.PostgresNewTables.Captured;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The logical decoding messages cdc-sync writes to the change stream of its own publication and
 * reads back there: a captured table's drop (it comes after the table's last change), a request
 * to load tables again (from {@code cdc-sync snapshot --table} while the pipeline runs), and a
 * wake-up that has a quiet stream hand a record over soon.
 *
 * <p>Drops and requests are transactional: the stream carries each in a transaction of its own,
 * which Debezium also resumes from after a restart (it skips a lone message read before the first
 * commit), so one read before a crash is read again after it.
 */
final class PostgresStreamMessages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String dropPrefix;
  private final String reloadPrefix;

  PostgresStreamMessages(String publication) {
    this.dropPrefix = "cdc-sync/" + publication;
    this.reloadPrefix = "cdc-sync/" + publication + "/reload";
  }

  /** Writes that a captured table is gone from the catalog. */
  void announceDrop(Connection connection, Captured table)
      throws SQLException, JsonProcessingException {
    emit(connection, dropPrefix, table);
  }

  /** The table a record announces the drop of, if the record is such an announcement. */
  Optional<Captured> dropAnnouncement(SourceRecord record) throws IOException {
    Optional<byte[]> content = content(record, dropPrefix);
    return content.isEmpty()
        ? Optional.empty()
        : Optional.of(JSON.readValue(content.get(), Captured.class));
  }

  /** The tables ({@code schema.table}) a record asks to load again, if it is such a request. */
  Optional<List<String>> reloadRequest(SourceRecord record) throws IOException {
    Optional<byte[]> content = content(record, reloadPrefix);
    return content.isEmpty()
        ? Optional.empty()
        : Optional.of(JSON.readValue(content.get(), new TypeReference<List<String>>() {}));
  }

  /**
   * Asks the pipeline that reads through {@code publication} to load {@code tables} ({@code
   * schema.table}) again, once each is checked to exist and be selected.
   */
  static void requestReload(
      String url,
      String description,
      Configuration options,
      String publication,
      PostgresPreflight preflight,
      List<String> tables) {
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      for (String table : tables) {
        int dot = table.indexOf('.');
        if (dot < 0
            || !preflight.selected(table.substring(0, dot), table.substring(dot + 1))
            || !exists(connection, table.substring(0, dot), table.substring(dot + 1))) {
          throw InitialLoad.unknownReloadTable(table, description);
        }
      }
      PostgresStreamMessages messages = new PostgresStreamMessages(publication);
      messages.emit(connection, messages.reloadPrefix, tables);
    } catch (SQLException | JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot ask the pipeline reading "
              + description
              + " to load "
              + String.join(", ", tables)
              + " again: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Writes a message to the WAL, so that the stream hands a record over soon, at a transaction
   * boundary (where a load that waits for one starts); not transactional, read by nobody.
   */
  static void wake(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT pg_logical_emit_message(false, 'cdc-sync-heartbeat', '')");
    }
  }

  /** Writes {@code content}, as JSON, in a transactional message. */
  private void emit(Connection connection, String prefix, Object content)
      throws SQLException, JsonProcessingException {
    try (PreparedStatement statement =
        connection.prepareStatement("SELECT pg_logical_emit_message(true, ?, ?)")) {
      statement.setString(1, prefix);
      statement.setString(2, JSON.writeValueAsString(content));
      statement.execute();
    }
  }

  /** The content of a message of this prefix, if the record is one. */
  private static Optional<byte[]> content(SourceRecord record, String prefix) {
    if (!(record.value() instanceof Struct value)
        || value.schema().field("message") == null
        || !(value.get("message") instanceof Struct message)
        || !prefix.equals(message.get("prefix"))) {
      return Optional.empty();
    }
    Object content = message.get("content");
    return Optional.of(
        content instanceof ByteBuffer buffer
            ? Arrays.copyOfRange(
                buffer.array(),
                buffer.arrayOffset() + buffer.position(),
                buffer.arrayOffset() + buffer.limit())
            : content instanceof byte[] array
                ? array
                : String.valueOf(content).getBytes(StandardCharsets.UTF_8));
  }

  private static boolean exists(Connection connection, String schema, String table)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')")) {
      statement.setString(1, schema);
      statement.setString(2, table);
      try (ResultSet result = statement.executeQuery()) {
        return result.next();
      }
    }
  }
}
