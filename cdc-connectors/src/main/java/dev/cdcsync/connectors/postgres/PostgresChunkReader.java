package dev.cdcsync.connectors.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.load.LoadRow;
import dev.cdcsync.connectors.load.LoadState.KeyRange;
import dev.cdcsync.connectors.load.LoadState.KeyType;
import dev.cdcsync.connectors.load.ParallelChunks;
import io.debezium.config.CommonConnectorConfig;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import io.debezium.relational.TableSchema;
import io.debezium.relational.TableSchemaBuilder;
import io.debezium.relational.Tables;
import io.debezium.relational.mapping.ColumnMappers;
import io.debezium.util.ColumnUtils;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * One connection of the initial load (see {@link PostgresInitialLoad}), inside the load's snapshot
 * ({@code SET TRANSACTION SNAPSHOT}), reading key ranges into {@link LoadRow}s: each row goes
 * through Debezium's own value converters (timestamptz written faster, to the same text: {@link
 * LoadValueConverters}) and the connector's custom converters, as in Debezium's snapshot, so a
 * value arrives the same whether the load or the stream read it.
 */
final class PostgresChunkReader implements ParallelChunks.Reader {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PostgresConnection connection;
  private final PostgresConnectorConfig config;
  private final String server;
  private final int fetchSize;
  private final String topicPrefix;
  private final Schema sourceSchema;
  private final Map<String, Table> tables = new HashMap<>();
  private final Map<String, TableSchema> schemas = new HashMap<>();

  /**
   * @param only the tables ({@code schema.table}) to read, of those captured; empty: every one
   */
  PostgresChunkReader(
      PostgresConnectorConfig config,
      PostgresConnection.PostgresValueConverterBuilder converters,
      CustomConverterRegistry customConverters,
      String snapshotName,
      int fetchSize,
      String server,
      Optional<Set<String>> only)
      throws SQLException {
    this.config = config;
    this.fetchSize = fetchSize;
    this.server = server;
    this.topicPrefix = config.getLogicalName();
    this.connection =
        new PostgresLoadConnection(config.getJdbcConfig(), converters, "cdc-sync initial load");
    Connection jdbc = connection.connection();
    jdbc.setAutoCommit(false);
    try (Statement statement = jdbc.createStatement()) {
      statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      statement.execute("SET TRANSACTION SNAPSHOT '" + snapshotName + "'");
    }
    this.sourceSchema = config.getSourceInfoStructMaker().schema();
    TableSchemaBuilder schemaBuilder =
        new TableSchemaBuilder(
            new LoadValueConverters(converters.build(connection.getTypeRegistry())),
            connection.getDefaultValueConverter(),
            config.schemaNameAdjuster(),
            customConverters,
            sourceSchema,
            config.getFieldNamer(),
            false,
            config.getEventConvertingFailureHandlingMode());
    Tables read = new Tables();
    Tables.TableFilter captured = config.getTableFilters().dataCollectionFilter();
    connection.readSchema(
        read,
        config.databaseName(),
        null,
        id ->
            captured.isIncluded(id)
                && only.map(names -> names.contains(id.schema() + "." + id.table())).orElse(true),
        null,
        false);
    for (io.debezium.relational.TableId id : read.tableIds()) {
      Table table = read.forTable(id);
      String name = id.schema() + "." + id.table();
      tables.put(name, table);
      schemas.put(
          name,
          schemaBuilder.create(
              config.getTopicNamingStrategy(CommonConnectorConfig.TOPIC_NAMING_STRATEGY),
              table,
              config.getColumnFilter(),
              ColumnMappers.create(config),
              config.getKeyMapper()));
    }
  }

  /** The captured tables, as the snapshot shows them, by name ({@code schema.table}), in order. */
  SortedMap<String, Table> tables() {
    return new TreeMap<>(tables);
  }

  @Override
  public Optional<String> boundary(String table, String keyColumn, KeyRange range, int rows)
      throws SQLException {
    String key = PostgresPreflight.quote(keyColumn);
    String sql =
        // Named apart from the column: ORDER BY would otherwise sort by the text.
        "SELECT "
            + printed(table, keyColumn, key)
            + " AS boundary FROM "
            + quotedName(table)
            + where(table, keyColumn, range)
            + " ORDER BY "
            + key
            + " OFFSET "
            + rows
            + " LIMIT 1";
    Optional<String> boundary = firstKey(sql, range);
    if (boundary.isPresent()
        && range.from() != null
        && keyType(table, keyColumn).compare(boundary.get(), range.from()) == 0) {
      // More than `rows` rows share the range's first key (a key column that is not unique, as
      // the first column of a composite key): the chunk is that key's rows, however many. (Equal
      // numerics may print apart, as 1.0 and 1.00.)
      boundary =
          firstKey(
              "SELECT "
                  + printed(table, keyColumn, "min(" + key + ")")
                  + " FROM "
                  + quotedName(table)
                  + where(table, keyColumn, new KeyRange(null, range.to()))
                  + (range.to() == null ? " WHERE " : " AND ")
                  + key
                  + " > "
                  + bound(table, keyColumn),
              new KeyRange(null, range.to()),
              range.from());
    }
    return boundary;
  }

  /** The first column of the query's first row, if any and not null. */
  private Optional<String> firstKey(String sql, KeyRange range, String... more)
      throws SQLException {
    try (PreparedStatement statement = connection.connection().prepareStatement(sql)) {
      int next = bind(statement, range);
      for (String value : more) {
        statement.setString(next++, value);
      }
      try (ResultSet result = statement.executeQuery()) {
        return result.next() ? Optional.ofNullable(result.getString(1)) : Optional.empty();
      }
    }
  }

  @Override
  public void read(String name, String keyColumn, KeyRange range, ParallelChunks.Parts parts)
      throws SQLException, InterruptedException {
    if (keyColumn == null) {
      readRows(name, "", null, parts);
    } else {
      readRows(name, where(name, keyColumn, range), range, parts);
    }
  }

  /**
   * Reads the rows of one partition of a partitioned table ({@code name}), as rows of that table.
   */
  void readPartition(String name, long partitionOid, ParallelChunks.Parts parts)
      throws SQLException, InterruptedException {
    readRows(name, " WHERE tableoid = " + partitionOid, null, parts);
  }

  /** Reads the table's rows that {@code where} selects, its key range bound if any. */
  private void readRows(String name, String where, KeyRange range, ParallelChunks.Parts parts)
      throws SQLException, InterruptedException {
    Table table = tables.get(name);
    TableSchema schema = schemas.get(name);
    String sql = "SELECT * FROM " + quotedName(name) + where;
    try (PreparedStatement statement = connection.connection().prepareStatement(sql)) {
      statement.setFetchSize(fetchSize);
      if (range != null) {
        bind(statement, range);
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

  private Struct sourceStruct(Table table) {
    Struct source = new Struct(sourceSchema);
    source.put("version", "cdc-sync");
    source.put("connector", "postgresql");
    source.put("name", topicPrefix);
    source.put("ts_ms", System.currentTimeMillis());
    source.put("snapshot", "true");
    source.put("db", config.databaseName());
    source.put("schema", table.id().schema());
    source.put("table", table.id().table());
    return source;
  }

  /** The condition on the key column for a range; its bounds are bound as text, cast to its type. */
  private String where(String table, String keyColumn, KeyRange range) {
    String key = PostgresPreflight.quote(keyColumn);
    String bound = bound(table, keyColumn);
    List<String> conditions = new ArrayList<>();
    if (range.from() != null) {
      conditions.add(key + " >= " + bound);
    }
    if (range.to() != null) {
      conditions.add(key + " < " + bound);
    }
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  /**
   * A key value bound as text, cast to the key column's type (the column was chosen as the key by
   * {@link PostgresInitialLoad#keyType}, collation included).
   */
  private String bound(String table, String keyColumn) {
    return switch (keyType(table, keyColumn)) {
      case INTEGER -> "CAST(? AS bigint)";
      case UUID -> "CAST(? AS uuid)";
      case TEXT -> "CAST(? AS text)";
      case DECIMAL -> "CAST(? AS numeric)";
      case DATE -> "CAST(? AS date)";
      case TIMESTAMP -> "CAST(? AS timestamp)";
      case TIMESTAMPTZ -> "(CAST(? AS timestamp) AT TIME ZONE 'UTC')";
      case BYTES -> "decode(?, 'hex')";
    };
  }

  /**
   * The text of a key value (an expression of the key column), as {@link KeyType} orders it: a
   * timestamptz in UTC, whatever the session's time zone; bytes in upper-case hex.
   */
  private String printed(String table, String keyColumn, String value) {
    return switch (keyType(table, keyColumn)) {
      case TIMESTAMPTZ -> "(" + value + " AT TIME ZONE 'UTC')::text";
      case BYTES -> "upper(encode(" + value + ", 'hex'))";
      default -> value + "::text";
    };
  }

  private KeyType keyType(String table, String keyColumn) {
    return PostgresInitialLoad.keyType(tables.get(table).columnWithName(keyColumn), column -> true);
  }

  /**
   * Whether a text column's collation orders by code point (as UTF-8 bytes do): {@code C} or
   * {@code POSIX} of the C library, {@code ucs_basic}, or the builtin provider's {@code C} and
   * {@code C.UTF-8}; for the database's default collation, the database's.
   */
  boolean ordersByCodePoint(String table, String column) throws SQLException {
    String sql =
        "SELECT co.collname, co.collprovider::text, co.collcollate, to_jsonb(d)::text"
            + " FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation,"
            + " pg_database d WHERE a.attrelid = CAST(? AS regclass) AND a.attname = ?"
            + " AND d.datname = current_database()";
    try (PreparedStatement statement = connection.connection().prepareStatement(sql)) {
      statement.setString(1, quotedName(table));
      statement.setString(2, column);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          return false;
        }
        String name = result.getString(1);
        String provider = result.getString(2);
        if (!"default".equals(name)) {
          return List.of("C", "POSIX", "ucs_basic", "pg_c_utf8").contains(name)
              || ("c".equals(provider) && List.of("C", "POSIX").contains(result.getString(3)));
        }
        JsonNode database = JSON.readTree(result.getString(4));
        String databaseProvider = database.path("datlocprovider").asText("c");
        return switch (databaseProvider) {
          case "c" -> List.of("C", "POSIX").contains(database.path("datcollate").asText());
          case "b" -> List.of("C", "C.UTF-8").contains(database.path("datlocale").asText());
          default -> false;
        };
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new SQLException("Cannot read the database's collation settings", e);
      }
    }
  }

  /** Binds a range's bounds; returns the index of the next parameter. */
  private static int bind(PreparedStatement statement, KeyRange range) throws SQLException {
    int index = 1;
    if (range.from() != null) {
      statement.setString(index++, range.from());
    }
    if (range.to() != null) {
      statement.setString(index++, range.to());
    }
    return index;
  }

  private String quotedName(String name) {
    Table table = tables.get(name);
    if (table == null) {
      throw new PermanentPipelineException(
          "Cannot load table " + name + " of " + server + ": it is gone from the database");
    }
    return PostgresPreflight.quote(table.id().schema())
        + "."
        + PostgresPreflight.quote(table.id().table());
  }

  @Override
  public void close() {
    connection.close();
  }
}
