package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.load.LoadRow;
import dev.cdcsync.connectors.load.LoadState.KeyRange;
import dev.cdcsync.connectors.load.LoadState.KeyType;
import dev.cdcsync.connectors.load.ParallelChunks;
import io.debezium.config.CommonConnectorConfig;
import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.jdbc.MariaDbConnection;
import io.debezium.connector.mariadb.jdbc.MariaDbConnectionConfiguration;
import io.debezium.connector.mariadb.jdbc.MariaDbDefaultValueConverter;
import io.debezium.connector.mariadb.jdbc.MariaDbFieldReader;
import io.debezium.connector.mariadb.jdbc.MariaDbValueConverters;
import io.debezium.relational.Column;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import io.debezium.relational.TableSchema;
import io.debezium.relational.TableSchemaBuilder;
import io.debezium.relational.mapping.ColumnMappers;
import io.debezium.util.ColumnUtils;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * One connection of a MariaDB initial load (see {@link MariaDbInitialLoad}), inside its own
 * consistent snapshot ({@code START TRANSACTION WITH CONSISTENT SNAPSHOT}), whose binlog position
 * MariaDB tells exactly ({@code binlog_snapshot_file} / {@code _position}). Reads key ranges into
 * {@link LoadRow}s as Debezium's snapshot reads its rows: the same field reader, value converters
 * and custom converters, and FLOAT columns read as DOUBLE (see {@link
 * BinlogPreflight#floatSnapshotSelects}).
 */
final class MariaDbChunkReader implements ParallelChunks.Reader {

  private final MariaDbConnection connection;
  private final String server;
  private final int fetchSize;
  private final String topicPrefix;
  private final Schema sourceSchema;
  private final BinlogPosition position;
  private final MariaDbConnectorConfig config;
  private final CustomConverterRegistry customConverters;
  private Map<String, Table> tables = Map.of();
  private final Map<String, TableSchema> schemas = new HashMap<>();

  /** Opens a connection and starts its snapshot. */
  MariaDbChunkReader(
      MariaDbConnectorConfig config,
      Configuration engineConfig,
      CustomConverterRegistry customConverters,
      int fetchSize,
      String server)
      throws SQLException {
    this.config = config;
    this.customConverters = customConverters;
    this.server = server;
    this.fetchSize = fetchSize;
    this.topicPrefix = config.getLogicalName();
    this.sourceSchema = config.getSourceInfoStructMaker().schema();
    this.connection =
        new MariaDbConnection(
            new MariaDbConnectionConfiguration(engineConfig), new MariaDbFieldReader(config));
    try {
      this.position = startSnapshot(connection, server);
    } catch (SQLException | RuntimeException e) {
      try {
        connection.close();
      } catch (SQLException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /** Starts the connection's consistent snapshot; returns the binlog position it shows. */
  private static BinlogPosition startSnapshot(MariaDbConnection connection, String server)
      throws SQLException {
    try (Statement statement = connection.connection().createStatement()) {
      statement.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      statement.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      String file = null;
      Long offset = null;
      try (ResultSet result = statement.executeQuery("SHOW STATUS LIKE 'binlog_snapshot_%'")) {
        while (result.next()) {
          switch (result.getString(1).toLowerCase(java.util.Locale.ROOT)) {
            case "binlog_snapshot_file" -> file = result.getString(2);
            case "binlog_snapshot_position" -> offset = Long.parseLong(result.getString(2));
            default -> {}
          }
        }
      }
      if (file == null || file.isEmpty() || offset == null) {
        throw new PermanentPipelineException(
            "Cannot load the tables of "
                + server
                + ": the server tells no binlog position of a consistent snapshot"
                + " (binlog_snapshot_file); is its binary log on (log_bin)?");
      }
      return new BinlogPosition(file, offset);
    }
  }

  /**
   * Reads these tables from now on.
   *
   * @param tables the captured tables by name ({@code database.table}), as the load parsed them
   */
  void use(Map<String, Table> tables) {
    this.tables = tables;
    MariaDbValueConverters converters =
        new MariaDbValueConverters(
            config.getDecimalMode(),
            config.getTemporalPrecisionMode(),
            config.getBigIntUnsignedHandlingMode().asBigIntUnsignedMode(),
            config.binaryHandlingMode(),
            config.isTimeAdjustedEnabled() ? MariaDbValueConverters::adjustTemporal : x -> x,
            config.getEventConvertingFailureHandlingMode(),
            config.getServiceRegistry());
    TableSchemaBuilder schemaBuilder =
        new TableSchemaBuilder(
            converters,
            new MariaDbDefaultValueConverter(converters),
            config.schemaNameAdjuster(),
            customConverters,
            sourceSchema,
            config.getFieldNamer(),
            false,
            config.getEventConvertingFailureHandlingMode());
    tables.forEach(
        (name, table) ->
            schemas.put(
                name,
                schemaBuilder.create(
                    config.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY),
                    table,
                    config.getColumnFilter(),
                    ColumnMappers.create(config),
                    config.getKeyMapper())));
  }

  /** The binlog position of this reader's snapshot: it shows every transaction before it. */
  BinlogPosition position() {
    return position;
  }

  /** The connection, inside the snapshot. */
  MariaDbConnection connection() {
    return connection;
  }

  @Override
  public Optional<String> boundary(String table, String keyColumn, KeyRange range, int rows)
      throws SQLException {
    String key = BinlogPreflight.quoted(keyColumn);
    Optional<String> boundary =
        firstKey(
            "SELECT "
                + printed(table, keyColumn, key)
                + " FROM "
                + quotedName(table)
                + where(key, range)
                + " ORDER BY "
                + key
                + " LIMIT 1 OFFSET "
                + rows,
            table,
            keyColumn,
            range);
    if (boundary.isPresent()
        && range.from() != null
        && keyType(table, keyColumn).compare(boundary.get(), range.from()) == 0) {
      // More than `rows` rows share the range's first key (the first column of a composite key):
      // the chunk is that key's rows, however many.
      KeyRange after = new KeyRange(null, range.to());
      String condition = where(key, after);
      boundary =
          firstKey(
              "SELECT "
                  + printed(table, keyColumn, "min(" + key + ")")
                  + " FROM "
                  + quotedName(table)
                  + condition
                  + (condition.isEmpty() ? " WHERE " : " AND ")
                  + key
                  + " > ?",
              table,
              keyColumn,
              after,
              range.from());
    }
    return boundary;
  }

  private Optional<String> firstKey(
      String sql, String table, String keyColumn, KeyRange range, String... more)
      throws SQLException {
    try (PreparedStatement statement = connection.connection().prepareStatement(sql)) {
      int next = bind(statement, table, keyColumn, range);
      for (String value : more) {
        bindKey(statement, next++, table, keyColumn, value);
      }
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Optional.ofNullable(result.getString(1)) : Optional.empty();
      }
    }
  }

  @Override
  public void read(String name, String keyColumn, KeyRange range, ParallelChunks.Parts parts)
      throws SQLException, InterruptedException {
    Table table = tables.get(name);
    TableSchema schema = schemas.get(name);
    String sql =
        select(table)
            + quotedName(name)
            + (keyColumn == null ? "" : where(BinlogPreflight.quoted(keyColumn), range));
    try (PreparedStatement statement =
        connection
            .connection()
            .prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      statement.setFetchSize(fetchSize);
      if (keyColumn != null) {
        bind(statement, name, keyColumn, range);
      }
      try (ResultSet result = statement.executeQuery()) {
        ColumnUtils.ColumnArray columns = ColumnUtils.toArray(result, table);
        Struct source = sourceStruct(table);
        while (result.next()) {
          Object[] row = connection.rowToArray(table, result, columns);
          LoadRow.add(parts, schema, row, source);
        }
      }
    }
  }

  /**
   * {@code SELECT *} and each FLOAT column again as DOUBLE under its own name (the later column of
   * a name wins): MariaDB prints a FLOAT with 6 significant digits, the DOUBLE holds it exactly.
   */
  private static String select(Table table) {
    StringBuilder select = new StringBuilder("SELECT *");
    for (Column column : table.columns()) {
      if ("FLOAT".equalsIgnoreCase(column.typeName())) {
        String quoted = BinlogPreflight.quoted(column.name());
        select.append(", CAST(").append(quoted).append(" AS DOUBLE) AS ").append(quoted);
      }
    }
    return select.append(" FROM ").toString();
  }

  private Struct sourceStruct(Table table) {
    Struct source = new Struct(sourceSchema);
    source.put("version", "cdc-sync");
    source.put("connector", "mariadb");
    source.put("name", topicPrefix);
    source.put("ts_ms", System.currentTimeMillis());
    source.put("snapshot", "true");
    source.put("db", table.id().catalog());
    source.put("table", table.id().table());
    source.put("server_id", 0L);
    source.put("file", position.file());
    source.put("pos", position.offset());
    source.put("row", 0);
    for (Field field : sourceSchema.fields()) {
      if (!field.schema().isOptional() && source.get(field) == null) {
        throw new IllegalStateException(
            "The load rows of " + server + " miss the source field " + field.name());
      }
    }
    return source;
  }

  /** The condition on the key column for a range; its bounds are bound as numbers or bytes. */
  private static String where(String key, KeyRange range) {
    List<String> conditions = new ArrayList<>();
    if (range.from() != null) {
      conditions.add(key + " >= ?");
    }
    if (range.to() != null) {
      conditions.add(key + " < ?");
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /** Binds a range's bounds; returns the index of the next parameter. */
  private int bind(PreparedStatement statement, String table, String keyColumn, KeyRange range)
      throws SQLException {
    int index = 1;
    if (range.from() != null) {
      bindKey(statement, index++, table, keyColumn, range.from());
    }
    if (range.to() != null) {
      bindKey(statement, index++, table, keyColumn, range.to());
    }
    return index;
  }

  /** The text of a key value (an expression of the key column): bytes in upper-case hex. */
  private String printed(String table, String keyColumn, String value) {
    return keyType(table, keyColumn) == KeyType.BYTES
        ? "HEX(" + value + ")"
        : "CAST(" + value + " AS CHAR)";
  }

  /**
   * Binds a key as a number (compared with a string, MariaDB would compare both as doubles, which
   * cannot tell big integers apart), or as bytes.
   */
  private void bindKey(
      PreparedStatement statement, int index, String table, String keyColumn, String key)
      throws SQLException {
    switch (keyType(table, keyColumn)) {
      case INTEGER -> statement.setLong(index, Long.parseLong(key));
      case BYTES -> statement.setBytes(index, HexFormat.of().parseHex(key));
      default -> statement.setBigDecimal(index, new BigDecimal(key));
    }
  }

  private KeyType keyType(String table, String keyColumn) {
    return MariaDbInitialLoad.keyType(tables.get(table).columnWithName(keyColumn));
  }

  private String quotedName(String name) {
    Table table = tables.get(name);
    if (table == null) {
      throw new PermanentPipelineException(
          "Cannot load table " + name + " of " + server + ": it is gone from the database");
    }
    return BinlogPreflight.quoted(table.id().catalog())
        + "."
        + BinlogPreflight.quoted(table.id().table());
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing ends the snapshot's transaction; nothing was written in it.
    }
  }
}
