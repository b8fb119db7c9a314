package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.load.InitialLoad;
import dev.cdcsync.connectors.load.LoadState;
import dev.cdcsync.connectors.load.LoadState.KeyRange;
import dev.cdcsync.connectors.load.LoadState.KeyType;
import dev.cdcsync.connectors.load.LoadState.Read;
import dev.cdcsync.connectors.load.LoadState.TableLoad;
import dev.cdcsync.connectors.load.LoadedSegments;
import dev.cdcsync.connectors.load.ParallelChunks;
import io.debezium.connector.postgresql.PostgresConnectorConfig;
import io.debezium.connector.postgresql.PostgresValueConverter;
import io.debezium.connector.postgresql.connection.Lsn;
import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.converters.custom.CustomConverterServiceProvider;
import io.debezium.relational.Column;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import java.nio.charset.Charset;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial load of a PostgreSQL source (see {@link InitialLoad}).
 *
 * <p>A fresh start creates the replication slot with an exported snapshot: the slot's stream
 * starts exactly where that snapshot ends. Readers import the snapshot and read the tables in
 * chunks of about {@code chunkSize} rows, ranges of an integer, numeric, uuid, date, timestamp,
 * timestamptz, bytea or text key column
 * (the first column of the primary key, or the one configured); a table without such a column is
 * one chunk.
 * Rows are turned into records by Debezium's own converters, so they carry the same values as
 * Debezium's snapshot and stream.
 *
 * <p>A start that resumes the load exports a new snapshot from an ordinary transaction and reads
 * the chunks not loaded yet under it. The stream (from the slot's position, before that snapshot)
 * then brings changes these rows already show: those of transactions the snapshot shows, on keys
 * read under it. {@link #absorbed} leaves them out, so every change after a row's read is applied
 * once and none before it.
 */
final class PostgresInitialLoad implements InitialLoad {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresInitialLoad.class);

  /** Debezium's property holding what option {@code tables} selects. */
  private static final String INCLUDE_LIST = "table.include.list";

  private final String url;
  private final String database;
  private final String server;
  private final Configuration options;
  private final Properties engineProperties;
  private final int readers;
  private final int chunkSize;
  private final int fetchSize;
  private final Map<String, String> keyColumns;
  private final boolean loadOnly;

  /** Tables ({@code schema.table}) to load again, replacing their rows (a load-only run). */
  private final List<String> reload;

  /** Debezium's table.include.list now: what option {@code tables} selects. */
  private final Map<String, String> captured;

  /** The state of a complete load once no streamed change can be absorbed any more. */
  private final String complete;

  private volatile LoadState state;
  private volatile boolean closed;

  /** Whether this start's stored position holds the slot's (see {@link #streamPositionStored}). */
  private volatile boolean streamPositionStored;

  /** Per read index: its visibility (null where exact), and its LSN; for {@link #absorbed}. */
  private volatile List<PostgresSnapshotVisibility> visibilities = List.of();

  private volatile List<Long> readLsns = List.of();
  private volatile long absorbUntilLsn = -1;

  /** The pipeline's names of the tables present when the load started, by {@code schema.table}. */
  private final Map<String, TableId> tableIds = new ConcurrentHashMap<>();

  /** Where streamed changes fall in {@link #state}'s segments; anew with each state adopted. */
  private volatile LoadedSegments segments = new LoadedSegments();

  /**
   * @param keyColumns per table ({@code schema.table}), the column to split it by,
   *     where not the first primary key column
   * @param reload tables ({@code schema.table}) to load again, replacing their rows
   */
  PostgresInitialLoad(
      String url,
      String database,
      String server,
      Configuration options,
      Properties engineProperties,
      int readers,
      int chunkSize,
      int fetchSize,
      Map<String, String> keyColumns,
      boolean loadOnly,
      List<String> reload) {
    this.url = url;
    this.database = database;
    this.server = server;
    this.options = options;
    this.engineProperties = engineProperties;
    this.readers = readers;
    this.chunkSize = chunkSize;
    this.fetchSize = fetchSize;
    this.keyColumns = keyColumns;
    this.loadOnly = loadOnly;
    this.reload = List.copyOf(reload);
    this.captured = Map.of(INCLUDE_LIST, engineProperties.getProperty(INCLUDE_LIST, ""));
    this.complete = LoadState.complete(captured).toJson();
  }

  @Override
  public boolean loadOnly() {
    return loadOnly;
  }

  @Override
  public int chunkRows() {
    return chunkSize;
  }

  @Override
  public TableId tableId(String table) {
    TableId known = tableIds.get(table);
    if (known != null) {
      return known;
    }
    int dot = table.indexOf('.');
    return TableId.of(database, table.substring(0, dot), table.substring(dot + 1));
  }

  /**
   * Whether rows are left to load: a fresh start's, a load's that did not end, or, with {@code
   * scan.startup.mode: snapshot}, those of tables option {@code tables} selects since the last
   * load (a streaming capture copies those as {@link PostgresNewTables} finds them) and those of
   * the tables to load again ({@code cdc-sync snapshot --table}, on any pipeline: one that
   * streams goes on from the slot's stored position afterwards).
   */
  @Override
  public boolean pending(Optional<String> storedState) {
    if (storedState.isEmpty()) {
      return true;
    }
    LoadState stored = LoadState.fromJson(storedState.get());
    InitialLoad.checkReload(stored, reload, server);
    return !stored.complete() || (loadOnly && (joins(stored) || !reload.isEmpty()));
  }

  @Override
  public void streamPositionStored(boolean stored) {
    streamPositionStored = stored;
  }

  /** Whether option {@code tables} may select tables now that it did not when stored. */
  private boolean joins(LoadState stored) {
    return stored.captured() != null && !stored.captured().equals(captured);
  }

  @Override
  public String state() {
    LoadState current = state;
    if (current == null) {
      return null;
    }
    // Once complete and past every resumed read, only "complete" matters any more.
    return current.complete() && absorbUntilLsn < 0 ? complete : current.toJson();
  }

  @Override
  public void streaming(Optional<String> storedState) {
    InitialLoad.checkReloadHasALoad(storedState, reload, server);
    storedState.map(LoadState::fromJson).ifPresent(this::adopt);
    storedState.ifPresent(this::refuseStreamAfterLoadWithoutSlot);
  }

  /**
   * Refuses to stream after a load made without a replication slot ({@code scan.startup.mode:
   * snapshot}): no slot holds the changes since, so a stream started now would miss them. Such a
   * load's first read is not the slot's own, and no stream position was ever stored (a table
   * loaded again by a pipeline that streams keeps the slot's position).
   */
  private void refuseStreamAfterLoadWithoutSlot(String storedState) {
    LoadState stored = LoadState.fromJson(storedState);
    if (!loadOnly
        && !streamPositionStored
        && !stored.reads().isEmpty()
        && !stored.reads().get(0).exact()) {
      throw new PermanentPipelineException(
          "Cannot stream the changes of "
              + server
              + ": this pipeline's tables were loaded with scan.startup.mode snapshot, without a"
              + " replication slot, so the changes made since are nowhere to be read; keep"
              + " scan.startup.mode snapshot, or give the pipeline another name (a new state) to"
              + " load the tables again and stream from there");
    }
  }

  private void adopt(LoadState loaded) {
    state = loaded.withCaptured(captured);
    List<PostgresSnapshotVisibility> parsed = new ArrayList<>();
    List<Long> lsns = new ArrayList<>();
    long until = -1;
    for (Read read : loaded.reads()) {
      parsed.add(read.exact() ? null : PostgresSnapshotVisibility.parse(read.visibility()));
      long lsn = lsn(read.lsn());
      lsns.add(lsn);
      if (!read.exact()) {
        until = Math.max(until, lsn);
      }
    }
    visibilities = parsed;
    readLsns = lsns;
    absorbUntilLsn = until;
    segments = new LoadedSegments();
  }

  @Override
  public boolean absorbed(SourceRecord record, DataChangeEvent event) {
    if (absorbUntilLsn < 0 || event == null || !(record.value() instanceof Struct value)) {
      return false;
    }
    Struct source = value.getStruct("source");
    Long lsn = source.getInt64("lsn");
    Long transaction = source.getInt64("txId");
    if (lsn == null || transaction == null) {
      return false;
    }
    if (lsn >= absorbUntilLsn) {
      absorbUntilLsn = -1;
      return false;
    }
    Optional<LoadState.Segment> segment = segments.segmentOf(state, event);
    if (segment.isEmpty()) {
      return false;
    }
    PostgresSnapshotVisibility visibility = visibilities.get(segment.get().read());
    return visibility != null
        && lsn < readLsns.get(segment.get().read())
        && visibility.shows(transaction);
  }

  @Override
  public void run(Optional<String> storedState, Chunks chunks) throws Exception {
    InitialLoad.checkReloadHasALoad(storedState, reload, server);
    storedState.ifPresent(this::refuseStreamAfterLoadWithoutSlot);
    boolean createSlot = storedState.isEmpty() && !loadOnly;
    try (Connection exporter = exporterConnection(createSlot)) {
      LoadState loaded = null;
      Read read;
      String snapshotName;
      if (createSlot) {
        String[] slot = createSlot(exporter);
        snapshotName = slot[1];
        read = new Read("", slot[0], true);
      } else {
        // A load that no stream follows needs no slot: any snapshot will do.
        loaded = storedState.map(LoadState::fromJson).orElse(null);
        String[] exported = exportSnapshot(exporter);
        snapshotName = exported[0];
        read = new Read(exported[1], exported[2], false);
      }
      List<PostgresChunkReader> started = startReaders(snapshotName, Optional.empty());
      try {
        boolean joining = loaded != null && loaded.complete();
        if (loaded == null) {
          loaded = LoadState.starting(plan(started.get(0)));
        } else if (joining) {
          Map<String, LoadState.Key> planned = plan(started.get(0));
          Map<String, LoadState.Key> loading =
              joins(loaded) ? joined(loaded, planned, started.get(0)) : new LinkedHashMap<>();
          for (String table : reload) {
            if (!planned.containsKey(table)) {
              throw InitialLoad.unknownReloadTable(table, server);
            }
            loading.put(table, planned.get(table));
          }
          if (!reload.isEmpty()) {
            LOG.info("Loading table(s) {} of {} again", String.join(", ", reload), server);
          }
          loaded = loaded.withTables(loading, true);
        }
        int readIndex = loaded.reads().size();
        adopt(withoutDroppedTables(loaded.withRead(read), started.get(0), readIndex));
        LOG.info(
            "Loading {} table(s) of {} in chunks of {} rows with {} readers{}",
            state.tables().values().stream().filter(table -> !table.loaded()).count(),
            server,
            chunkSize,
            readers,
            storedState.isPresent() && !joining
                ? ", resuming: only the chunks not committed yet"
                : loadOnly
                    ? " (scan.startup.mode snapshot: no change stream follows)"
                    : ", under the snapshot the replication slot starts from");
        if (read(started, readIndex, chunks)) {
          LOG.info(
              "Loaded every table of {}{}",
              server,
              loadOnly ? "" : "; streaming its changes from the slot");
          chunks.done(state);
        }
      } finally {
        closeAll(started);
      }
    }
  }

  /**
   * Loads tables ({@code schema.table}) that joined the capture while the stream runs, which waits
   * meanwhile: in chunks under a new snapshot, as a load that resumes reads its chunks, so that
   * the changes streamed next that their rows already show are {@link #absorbed}, and a restart
   * in the middle goes on with the chunks not committed yet. Returns whether it got to the end (it
   * was not closed).
   *
   * @param replace whether their rows replace what their sink tables hold (tables loaded again on
   *     request), or are written over it (new tables)
   */
  boolean join(List<String> tables, boolean replace, Chunks chunks) throws Exception {
    try (Connection exporter = exporterConnection(false)) {
      String[] exported = exportSnapshot(exporter);
      List<PostgresChunkReader> started =
          startReaders(exported[0], Optional.of(Set.copyOf(tables)));
      try {
        Map<String, LoadState.Key> planned = plan(started.get(0));
        for (String table : tables) {
          if (!planned.containsKey(table)) {
            LOG.warn("New table {} of {} is gone before its load; it is not loaded", table, server);
          }
        }
        LoadState before = state != null ? state : LoadState.complete(captured);
        LoadState loading = before.withTables(planned, replace);
        int readIndex = loading.reads().size();
        adopt(loading.withRead(new Read(exported[1], exported[2], false)));
        if (!read(started, readIndex, chunks)) {
          return false;
        }
        chunks.done(state);
        return true;
      } finally {
        closeAll(started);
      }
    }
  }

  /**
   * Copies the rows of a partition attached to the captured partitioned table {@code root}
   * ({@code schema.table}), as rows of that table, under a snapshot of their own; not part of the
   * load's state.
   */
  void copyPartition(String root, long partitionOid, ParallelChunks.Parts parts) throws Exception {
    try (Connection exporter = exporterConnection(false)) {
      String[] exported = exportSnapshot(exporter);
      List<PostgresChunkReader> started = startReaders(exported[0], Optional.of(Set.of(root)), 1);
      try {
        started.get(0).readPartition(root, partitionOid, parts);
      } finally {
        closeAll(started);
      }
    }
  }

  /**
   * {@link #readers} readers in the snapshot {@code snapshotName}, of the captured tables or {@code
   * only} those; notes the pipeline's name of each table they see.
   */
  private List<PostgresChunkReader> startReaders(String snapshotName, Optional<Set<String>> only)
      throws SQLException {
    return startReaders(snapshotName, only, readers);
  }

  private List<PostgresChunkReader> startReaders(
      String snapshotName, Optional<Set<String>> only, int count) throws SQLException {
    PostgresConnectorConfig config =
        new PostgresConnectorConfig(io.debezium.config.Configuration.from(engineProperties));
    Charset charset;
    try (PostgresConnection probe =
        new PostgresConnection(config.getJdbcConfig(), "cdc-sync initial load")) {
      charset = probe.getDatabaseCharset();
    }
    PostgresConnection.PostgresValueConverterBuilder converters =
        typeRegistry -> PostgresValueConverter.of(config, charset, typeRegistry);
    List<PostgresChunkReader> started = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        started.add(
            new PostgresChunkReader(
                config, converters, customConverters(), snapshotName, fetchSize, server, only));
      }
    } catch (SQLException | RuntimeException e) {
      closeAll(started);
      throw e;
    }
    started
        .get(0)
        .tables()
        .forEach(
            (name, table) ->
                tableIds.put(name, TableId.of(database, table.id().schema(), table.id().table())));
    return started;
  }

  /**
   * Reads what {@link #state} has not loaded, every reader under the read {@code readIndex};
   * whether it got to the end (it was not closed).
   */
  private boolean read(List<PostgresChunkReader> started, int readIndex, Chunks chunks)
      throws Exception {
    chunks.starting(state);
    state =
        new ParallelChunks(chunkSize)
            .run(state, started, chunks, reader -> readIndex, () -> closed);
    return !closed;
  }

  private static void closeAll(List<PostgresChunkReader> started) {
    for (PostgresChunkReader reader : started) {
      reader.close();
    }
  }

  /**
   * Of the tables planned now, those option {@code tables} did not select when {@code stored} was
   * stored: tables that joined a load with {@code scan.startup.mode: snapshot}.
   */
  private Map<String, LoadState.Key> joined(
      LoadState stored, Map<String, LoadState.Key> planned, PostgresChunkReader reader) {
    Properties before = (Properties) engineProperties.clone();
    stored.captured().forEach(before::setProperty);
    var selectedBefore =
        new PostgresConnectorConfig(io.debezium.config.Configuration.from(before))
            .getTableFilters()
            .dataCollectionFilter();
    Map<String, LoadState.Key> joined = new LinkedHashMap<>();
    Map<String, Table> tables = reader.tables();
    planned.forEach(
        (name, key) -> {
          if (!selectedBefore.isIncluded(tables.get(name).id())) {
            joined.put(name, key);
          }
        });
    LOG.info(
        "{} table(s) of {} joined option 'tables' since the last load: {}",
        joined.size(),
        server,
        joined.isEmpty() ? "none to load" : String.join(", ", joined.keySet()));
    return joined;
  }

  /** The load with the tables gone from the database since it began counted as loaded. */
  private LoadState withoutDroppedTables(LoadState load, PostgresChunkReader reader, int read) {
    Set<String> present = reader.tables().keySet();
    LoadState result = load;
    for (Map.Entry<String, TableLoad> table : load.tables().entrySet()) {
      if (!present.contains(table.getKey()) && !table.getValue().loaded()) {
        LOG.warn(
            "Table {} of {} is gone from the database (or no longer matches option 'tables')"
                + " before its load was complete; it is not loaded further",
            table.getKey(),
            server);
        for (KeyRange range : table.getValue().missing()) {
          result = result.withLoaded(table.getKey(), range, read, 0);
        }
      }
    }
    return result;
  }

  /** The tables to load and each one's key (none: read whole), in the slot's snapshot. */
  private Map<String, LoadState.Key> plan(PostgresChunkReader reader) throws SQLException {
    Map<String, LoadState.Key> tables = new LinkedHashMap<>();
    for (Map.Entry<String, Table> table : reader.tables().entrySet()) {
      String name = table.getKey();
      tables.put(
          name,
          key(
              name,
              table.getValue(),
              column -> {
                try {
                  return reader.ordersByCodePoint(name, column.name());
                } catch (SQLException e) {
                  throw new IllegalStateException(
                      "Cannot read the collation of " + name + "." + column.name(), e);
                }
              }));
    }
    return tables;
  }

  /**
   * The key a table is split by.
   *
   * @param ordersByCodePoint whether a text column's collation orders by code point
   */
  LoadState.Key key(String name, Table table, Predicate<Column> ordersByCodePoint) {
    String configured = keyColumns.get(name);
    if (configured != null) {
      Column column = table.columnWithName(configured);
      if (column == null || keyType(column, ordersByCodePoint) == null || column.isOptional()) {
        throw new PermanentPipelineException(
            "Cannot split table "
                + name
                + " by column '"
                + configured
                + "' (option scan.incremental.snapshot.chunk.key-column): it needs a NOT NULL"
                + " smallint, integer, bigint, numeric, uuid, date, timestamp, timestamptz or bytea"
                + " column of the table, or a text or varchar one under the C collation");
      }
      return new LoadState.Key(configured, keyType(column, ordersByCodePoint));
    }
    List<String> key = table.primaryKeyColumnNames();
    if (!key.isEmpty()) {
      KeyType type = keyType(table.columnWithName(key.get(0)), ordersByCodePoint);
      if (type != null) {
        return new LoadState.Key(key.get(0), type);
      }
    }
    return LoadState.Key.NONE;
  }

  /**
   * How a column's values order, if a table can be split by it: text only where its collation
   * orders by code point, which Java can repeat (other collations are the C library's or ICU's).
   */
  static KeyType keyType(Column column, Predicate<Column> ordersByCodePoint) {
    if (column.jdbcType() == Types.SMALLINT
        || column.jdbcType() == Types.INTEGER
        || column.jdbcType() == Types.BIGINT) {
      return KeyType.INTEGER;
    }
    return switch (column.typeName()) {
      case "uuid" -> KeyType.UUID;
      case "numeric" -> KeyType.DECIMAL;
      case "date" -> KeyType.DATE;
      case "timestamp" -> KeyType.TIMESTAMP;
      case "timestamptz" -> KeyType.TIMESTAMPTZ;
      case "bytea" -> KeyType.BYTES;
      default -> isText(column) && ordersByCodePoint.test(column) ? KeyType.TEXT : null;
    };
  }

  /** text or varchar; not char(n), whose comparison ignores trailing blanks. */
  private static boolean isText(Column column) {
    return "text".equals(column.typeName()) || "varchar".equals(column.typeName());
  }

  private Connection exporterConnection(boolean replication) {
    if (!replication) {
      return JdbcConnections.open(url, options, server);
    }
    Map<String, String> values = new HashMap<>(options.asMap());
    values.put(SourceOptions.JDBC_PREFIX + "replication", "database");
    values.put(SourceOptions.JDBC_PREFIX + "preferQueryMode", "simple");
    values.put(SourceOptions.JDBC_PREFIX + "assumeMinServerVersion", "9.4");
    return JdbcConnections.open(url, Configuration.of(values), server);
  }

  /** Creates the slot; returns its consistent point and the name of the snapshot it exported. */
  private String[] createSlot(Connection replication) throws SQLException {
    String slot = engineProperties.getProperty("slot.name");
    String plugin = engineProperties.getProperty("plugin.name", "pgoutput");
    try (Statement statement = replication.createStatement();
        ResultSet result =
            statement.executeQuery(
                "CREATE_REPLICATION_SLOT "
                    + PostgresPreflight.quote(slot)
                    + " LOGICAL "
                    + plugin
                    + " EXPORT_SNAPSHOT")) {
      result.next();
      String lsn = result.getString("consistent_point");
      String snapshot = result.getString("snapshot_name");
      LOG.info("Created replication slot {} at {}; loading its snapshot {}", slot, lsn, snapshot);
      return new String[] {lsn, snapshot};
    }
  }

  /** Exports a snapshot from a transaction; returns its name, visibility and a later LSN. */
  private static String[] exportSnapshot(Connection connection) throws SQLException {
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      try (ResultSet result =
          statement.executeQuery(
              "SELECT pg_export_snapshot(), txid_current_snapshot()::text, CASE WHEN"
                  + " pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE"
                  + " pg_current_wal_insert_lsn() END::text")) {
        result.next();
        return new String[] {result.getString(1), result.getString(2), result.getString(3)};
      }
    }
  }

  /** The custom converters the engine is configured with, made as Debezium makes them. */
  private CustomConverterRegistry customConverters() {
    return new CustomConverterServiceProvider()
        .createService(io.debezium.config.Configuration.from(engineProperties), null);
  }

  /** A log position as PostgreSQL prints it ({@code 16/B374D848}), as a number. */
  static long lsn(String text) {
    return Lsn.valueOf(text).asLong();
  }

  @Override
  public void close() {
    closed = true;
  }
}
