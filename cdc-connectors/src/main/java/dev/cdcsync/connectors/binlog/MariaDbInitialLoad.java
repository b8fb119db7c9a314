package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.binlog.MariaDbTableDefinitions.Definitions;
import dev.cdcsync.connectors.load.InitialLoad;
import dev.cdcsync.connectors.load.LoadState;
import dev.cdcsync.connectors.load.LoadState.KeyRange;
import dev.cdcsync.connectors.load.LoadState.KeyType;
import dev.cdcsync.connectors.load.LoadState.Read;
import dev.cdcsync.connectors.load.LoadState.TableLoad;
import dev.cdcsync.connectors.load.LoadedSegments;
import dev.cdcsync.connectors.load.ParallelChunks;
import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.jdbc.MariaDbConnection;
import io.debezium.connector.mariadb.jdbc.MariaDbConnectionConfiguration;
import io.debezium.connector.mariadb.jdbc.MariaDbFieldReader;
import io.debezium.converters.custom.CustomConverterServiceProvider;
import io.debezium.relational.Column;
import io.debezium.relational.CustomConverterRegistry;
import io.debezium.relational.Table;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.TableChanges;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial load of a MariaDB source (see {@link InitialLoad}).
 *
 * <p>Each reader starts its own consistent snapshot, and MariaDB tells the binlog position each one
 * shows exactly: every transaction before it, none after. No lock is taken. Readers read the
 * tables in chunks of about {@code chunkSize} rows, ranges of an integer or decimal key column
 * (the first column of the primary key, or the one configured); a table without one is one chunk.
 * Rows become records through Debezium's own field reader and converters, as in its snapshot.
 *
 * <p>The stream starts at the earliest position of the load's snapshots; a streamed change whose
 * position lies before the snapshot its row was read under is one that row already shows, and
 * {@link #absorbed} leaves it out. A start that resumes the load reads the missing chunks under
 * new snapshots, and the same rule covers them.
 *
 * <p>Debezium reads the binlog against a schema history: a fresh load records it as Debezium's
 * own snapshot would, at the position the stream starts from (the earliest snapshot's), so the
 * table changes made during the load are read from the binlog and applied in order. A load alone
 * ({@code scan.startup.mode: snapshot}) records it too: a later streaming start goes on from
 * where the load began.
 */
final class MariaDbInitialLoad implements InitialLoad {

  private static final Logger LOG = LoggerFactory.getLogger(MariaDbInitialLoad.class);

  private final String server;
  private final Properties engineProperties;
  private final StateStorage stateStorage;
  private final int readers;
  private final int chunkSize;
  private final int fetchSize;
  private final Map<String, String> keyColumns;
  private final SourceOptions.StartupMode startupMode;

  /** Tables ({@code database.table}) to load again, replacing their rows (a load-only run). */
  private final List<String> reload;

  /** Debezium's include lists now: what option {@code tables} selects (see {@link #joining}). */
  private final Map<String, String> captured;

  /** The state of a complete load once no streamed change can be absorbed any more. */
  private final String complete;

  private volatile LoadState state;

  /**
   * The tables that match option {@code tables} now but did not when the stored state was stored
   * ({@code database.table}), found by {@link #pending}: a load of these alone runs while the
   * stream waits at its stored position.
   */
  private List<String> joining = List.of();

  private volatile boolean closed;

  /** Per read index, the binlog position of its snapshot; for {@link #absorbed}. */
  /** Where a stream without a load starts (null: after the load, or at the end). */
  private final BinlogStart start;

  private volatile List<BinlogPosition> readPositions = List.of();

  /** Changes before this position may be absorbed; null once the stream is past every read. */
  private volatile BinlogPosition absorbUntil;

  /** Where streamed changes fall in {@link #state}'s segments; anew with each state adopted. */
  private volatile LoadedSegments segments = new LoadedSegments();

  /**
   * @param stateStorage where the schema history is kept (see {@link StateStorageSchemaHistory})
   * @param keyColumns per table ({@code database.table}), the column to split it by, where not
   *     the first primary key column
   * @param startupMode {@code snapshot}: no stream follows the load; {@code latest-offset} and the
   *     other modes that stream without a load: tables joining the capture later are not loaded
   *     either
   * @param start where such a stream starts when not at the end (see {@link BinlogStart}), or null
   * @param reload tables ({@code database.table}) to load again, replacing their rows; the stream
   *     of a later run goes on from its stored position and leaves out the changes their rows show
   */
  MariaDbInitialLoad(
      String server,
      Properties engineProperties,
      StateStorage stateStorage,
      int readers,
      int chunkSize,
      int fetchSize,
      Map<String, String> keyColumns,
      SourceOptions.StartupMode startupMode,
      BinlogStart start,
      List<String> reload) {
    this.start = start;
    this.server = server;
    this.engineProperties = engineProperties;
    this.stateStorage = stateStorage;
    this.readers = readers;
    this.chunkSize = chunkSize;
    this.fetchSize = fetchSize;
    this.keyColumns = keyColumns;
    this.startupMode = startupMode;
    this.reload = List.copyOf(reload);
    this.captured = new TreeMap<>();
    for (String list : List.of("database.include.list", "table.include.list")) {
      captured.put(list, engineProperties.getProperty(list, ""));
    }
    this.complete = LoadState.complete(captured).toJson();
  }

  @Override
  public boolean loadOnly() {
    return startupMode == SourceOptions.StartupMode.SNAPSHOT;
  }

  @Override
  public int chunkRows() {
    return chunkSize;
  }

  @Override
  public TableId tableId(String table) {
    int dot = table.indexOf('.');
    return TableId.of(table.substring(0, dot), table.substring(dot + 1));
  }

  /**
   * Whether rows are left to load: a fresh start's, a load's that did not end, those of tables
   * that joined the capture since the state was stored (see {@link #joining(LoadState)}), or
   * those of the tables to load again.
   */
  @Override
  public boolean pending(Optional<String> storedState) {
    if (storedState.isEmpty()) {
      return true;
    }
    LoadState stored = LoadState.fromJson(storedState.get());
    InitialLoad.checkReload(stored, reload, server);
    if (!stored.complete()) {
      return true;
    }
    List<String> loading = new ArrayList<>(joining(stored));
    for (String table : reloaded()) {
      if (!loading.contains(table)) {
        loading.add(table);
      }
    }
    joining = loading;
    return !joining.isEmpty();
  }

  /** The tables to load again, each one checked to exist and be captured. */
  private List<String> reloaded() {
    if (reload.isEmpty()) {
      return List.of();
    }
    var capturedNow = config().getTableFilters().dataCollectionFilter();
    List<String> present = new ArrayList<>();
    try (MariaDbConnection connection = connection(config())) {
      for (io.debezium.relational.TableId id : connection.getAllTableIds()) {
        if (capturedNow.isIncluded(id)) {
          present.add(id.catalog() + "." + id.table());
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot list the tables of " + server + ": " + e.getMessage(), e);
    }
    for (String table : reload) {
      if (!present.contains(table)) {
        throw InitialLoad.unknownReloadTable(table, server);
      }
    }
    return reload;
  }

  /**
   * The tables that match option {@code tables} now but did not when {@code stored} was stored:
   * their rows from before are in no stream the pipeline read, so they are loaded, under
   * snapshots taken now, and the stream from the stored position leaves out the changes the
   * loaded rows show. A table created since in a captured database needs no load when it matched
   * before, as its creation and rows are in the stream.
   *
   * <p>Debezium reads the binlog against the schema history, which holds every table's
   * definitions unless told to keep only those of the captured tables or databases: a table it
   * does not hold cannot join, as the definitions its changes since the stored position were made
   * under are unknown.
   */
  private List<String> joining(LoadState stored) {
    if (startupMode.streamsWithoutSnapshot()
        || stored.captured() == null
        || stored.captured().equals(captured)) {
      return List.of();
    }
    Properties before = (Properties) engineProperties.clone();
    stored.captured().forEach(before::setProperty);
    var capturedBefore = new MariaDbConnectorConfig(Configuration.from(before)).getTableFilters();
    var capturedNow = config().getTableFilters();
    List<String> joined = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    try (MariaDbConnection connection = connection(config())) {
      for (io.debezium.relational.TableId id : connection.getAllTableIds()) {
        if (capturedNow.dataCollectionFilter().isIncluded(id)
            && !capturedBefore.dataCollectionFilter().isIncluded(id)) {
          String name = id.catalog() + "." + id.table();
          if (capturedBefore.eligibleForSchemaDataCollectionFilter().isIncluded(id)) {
            joined.add(name);
          } else {
            unknown.add(name);
          }
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot list the tables of " + server + ": " + e.getMessage(), e);
    }
    if (!unknown.isEmpty()) {
      throw new PermanentPipelineException(
          "Cannot capture table(s) "
              + String.join(", ", unknown)
              + " of "
              + server
              + ": option 'tables' now selects them, but the schema history this pipeline reads"
              + " the binlog against holds no definitions of them (it keeps only the tables or"
              + " databases captured before: Debezium option"
              + " schema.history.internal.store.only.captured.tables.ddl or .databases.ddl)."
              + " Capture them with a pipeline of their own, or under a new pipeline name, which"
              + " loads every table again");
    }
    Collections.sort(joined);
    return joined;
  }

  @Override
  public String state() {
    LoadState current = state;
    if (current == null) {
      return null;
    }
    // Once complete and past every read, only "complete" matters any more.
    return current.complete() && absorbUntil == null ? complete : current.toJson();
  }

  /**
   * Takes the stored state; without one (a stream that began without a load, or a position stored
   * before loads were kept) every table selected now counts as captured.
   */
  @Override
  public void streaming(Optional<String> storedState) {
    InitialLoad.checkReloadHasALoad(storedState, reload, server);
    adopt(storedState.map(LoadState::fromJson).orElseGet(() -> LoadState.complete(null)));
  }

  private void adopt(LoadState loaded) {
    state = loaded.withCaptured(captured);
    List<BinlogPosition> positions = new ArrayList<>();
    for (Read read : loaded.reads()) {
      positions.add(BinlogPosition.parse(read.lsn()));
    }
    readPositions = positions;
    // The stream starts at the first read's position, or before every read (tables joining).
    absorbUntil = positions.stream().max(BinlogPosition::compareTo).orElse(null);
    segments = new LoadedSegments();
  }

  @Override
  public Optional<StreamStart> streamStart() {
    LoadState current = state;
    if (current == null || current.reads().isEmpty()) {
      return start == null ? Optional.empty() : Optional.of(positionalStart(start));
    }
    BinlogPosition start = readPositions.stream().min(BinlogPosition::compareTo).orElseThrow();
    try (MariaDbConnection connection = connection(config())) {
      // The schema history was recorded at this position when the load began.
      return Optional.of(
          new StreamStart(partition(), offset(connection, start), "where its load began"));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot find where to stream the changes of " + server + " from: " + e.getMessage(), e);
    }
  }

  /**
   * The start of a stream without a load at the position {@code scan.startup.mode} names: the
   * tables' definitions as they are now are recorded in the schema history at that position, which
   * the stream is read against.
   */
  private StreamStart positionalStart(BinlogStart start) {
    try (MariaDbConnection connection = connection(config())) {
      BinlogPosition at = start.find(connection, server, engineProperties);
      recordSchemaHistory(connection, MariaDbTableDefinitions.read(connection, config()), at);
      Map<String, Object> there = offset(connection, at);
      return new StreamStart(
          partition(),
          start.offset(at, (String) there.get("gtids")),
          "as scan.startup.mode "
              + start.describe()
              + " says, without loading the tables' rows (the stream is read against their"
              + " definitions as they are now)");
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot find where to stream the changes of " + server + " from: " + e.getMessage(), e);
    }
  }

  /** Debezium's source partition of this connector. */
  private Map<String, Object> partition() {
    return Map.of("server", engineProperties.getProperty("topic.prefix"));
  }

  /**
   * Debezium's offset of a binlog position: file, position, and the GTID position there, which
   * MariaDB's binlog client starts from.
   */
  private static Map<String, Object> offset(MariaDbConnection connection, BinlogPosition position)
      throws SQLException {
    String gtids =
        connection.queryAndMap(
            "SELECT BINLOG_GTID_POS('"
                + position.file().replace("'", "''")
                + "', "
                + position.offset()
                + ")",
            result -> result.next() ? result.getString(1) : null);
    Map<String, Object> offset = new LinkedHashMap<>();
    offset.put("file", position.file());
    offset.put("pos", position.offset());
    if (gtids != null) {
      offset.put("gtids", gtids);
    }
    return offset;
  }

  @Override
  public boolean absorbed(SourceRecord record, DataChangeEvent event) {
    BinlogPosition until = absorbUntil;
    if (until == null || event == null || !(record.value() instanceof Struct value)) {
      return false;
    }
    Struct source = value.getStruct("source");
    String file = source.getString("file");
    Long offset = source.getInt64("pos");
    if (file == null || file.isEmpty() || offset == null) {
      return false;
    }
    BinlogPosition at = new BinlogPosition(file, offset);
    if (at.compareTo(until) >= 0) {
      absorbUntil = null;
      return false;
    }
    return segments
        .segmentOf(state, event)
        .map(segment -> at.compareTo(readPositions.get(segment.read())) < 0)
        .orElse(false);
  }

  @Override
  public void run(Optional<String> storedState, Chunks chunks) throws Exception {
    InitialLoad.checkReloadHasALoad(storedState, reload, server);
    MariaDbConnectorConfig config = config();
    List<MariaDbChunkReader> started = new ArrayList<>();
    try {
      Map<String, Table> tables;
      try (MariaDbConnection connection = connection(config)) {
        String columnsBefore = MariaDbTableDefinitions.columnsDigest(connection);
        startReaders(config, started);
        Definitions schema = MariaDbTableDefinitions.read(connection, config);
        tables = schema.tables();
        if (storedState.isEmpty() || !joining.isEmpty()) {
          checkColumnsUnchanged(connection, columnsBefore);
        }
        if (storedState.isEmpty()) {
          recordSchemaHistory(connection, schema, firstPosition(started));
        }
      }
      started.forEach(reader -> reader.use(tables));
      LoadState loaded;
      if (!joining.isEmpty()) {
        Map<String, Table> joined = new TreeMap<>(tables);
        joined.keySet().retainAll(joining);
        // The earlier load's reads and segments stay while the stream may not be past them: it
        // starts at the earliest read when no engine offset was stored (streamStart), and
        // changes of the earlier tables are absorbed as before.
        loaded = LoadState.fromJson(storedState.orElseThrow()).withTables(plan(joined), true);
        List<String> newlySelected = new ArrayList<>(joining);
        newlySelected.removeAll(reload);
        if (!newlySelected.isEmpty()) {
          LOG.info(
              "Table(s) {} of {} joined the capture (option 'tables') since the last run: loading"
                  + " them while the stream waits at its position",
              String.join(", ", newlySelected),
              server);
        }
        if (!reload.isEmpty()) {
          LOG.info(
              "Loading table(s) {} of {} again; a later run streams on from the stored position",
              String.join(", ", reload),
              server);
        }
      } else {
        loaded =
            storedState.map(LoadState::fromJson).orElseGet(() -> LoadState.starting(plan(tables)));
      }
      int firstRead = adoptWithReads(loaded, tables.keySet(), started);
      LOG.info(
          "Loading {} table(s) of {} in chunks of {} rows with {} readers, from binlog position"
              + " {}{}",
          state.tables().values().stream().filter(table -> !table.loaded()).count(),
          server,
          chunkSize,
          readers,
          firstPosition(started),
          storedState.isPresent() && joining.isEmpty()
              ? ", resuming: only the chunks not committed yet"
              : "");
      if (readChunks(firstRead, started, chunks)) {
        LOG.info(
            "Loaded every table of {}{}",
            server,
            loadOnly() ? "" : "; streaming its changes from the binlog");
        chunks.done(state);
      }
    } finally {
      joining = List.of();
      for (MariaDbChunkReader reader : started) {
        reader.close();
      }
    }
  }

  /**
   * Loads tables ({@code database.table}) that joined the capture while the stream runs (renamed
   * into option {@code tables}), which waits meanwhile: under new snapshots, one per reader, as a
   * load that resumes reads its chunks, so that the changes streamed next that their rows already
   * show are {@link #absorbed}, and a restart in the middle goes on with the chunks not committed
   * yet. Their rows are written over what their sink tables hold. Returns whether it got to the
   * end (it was not closed).
   */
  boolean join(List<String> names, Chunks chunks) throws Exception {
    MariaDbConnectorConfig config = config();
    List<MariaDbChunkReader> started = new ArrayList<>();
    try {
      Map<String, Table> tables;
      try (MariaDbConnection connection = connection(config)) {
        String columnsBefore = MariaDbTableDefinitions.columnsDigest(connection);
        startReaders(config, started);
        tables = MariaDbTableDefinitions.read(connection, config).tables();
        checkColumnsUnchanged(connection, columnsBefore);
      }
      started.forEach(reader -> reader.use(tables));
      Map<String, Table> joined = new TreeMap<>(tables);
      joined.keySet().retainAll(names);
      for (String name : names) {
        if (!joined.containsKey(name)) {
          LOG.warn("Table {} of {} is gone before its load; it is not loaded", name, server);
        }
      }
      LoadState loaded =
          (state != null ? state : LoadState.complete(captured)).withTables(plan(joined), false);
      int firstRead = adoptWithReads(loaded, tables.keySet(), started);
      if (!readChunks(firstRead, started, chunks)) {
        return false;
      }
      chunks.done(state);
      return true;
    } finally {
      for (MariaDbChunkReader reader : started) {
        reader.close();
      }
    }
  }

  /**
   * Adopts the load with one read per reader (its snapshot's binlog position), the tables gone
   * from {@code present} counted as loaded; returns the first reader's read index.
   */
  private int adoptWithReads(
      LoadState loaded, Set<String> present, List<MariaDbChunkReader> started) {
    int firstRead = loaded.reads().size();
    LoadState withReads = loaded;
    for (MariaDbChunkReader reader : started) {
      withReads = withReads.withRead(new Read("", reader.position().toString(), false));
    }
    adopt(withoutDroppedTables(withReads, present, firstRead));
    return firstRead;
  }

  /**
   * Reads what {@link #state} has not loaded, reader i under read {@code firstRead + i}; whether it
   * got to the end (it was not closed).
   */
  private boolean readChunks(int firstRead, List<MariaDbChunkReader> started, Chunks chunks)
      throws Exception {
    chunks.starting(state);
    state =
        new ParallelChunks(chunkSize)
            .run(state, started, chunks, reader -> firstRead + reader, () -> closed);
    return !closed;
  }

  /** Whether option {@code tables} selects the table. */
  boolean captures(TableId table) {
    return config()
        .getTableFilters()
        .dataCollectionFilter()
        .isIncluded(
            new io.debezium.relational.TableId(table.schemaName(), null, table.tableName()));
  }

  /** Starts {@link #readers} readers, each in a consistent snapshot of its own. */
  private void startReaders(MariaDbConnectorConfig config, List<MariaDbChunkReader> started)
      throws SQLException {
    Configuration engineConfig = Configuration.from(engineProperties);
    // As the connector's task does: the field reader asks the registry for custom converters.
    config.getServiceRegistry().registerServiceProvider(new CustomConverterServiceProvider());
    CustomConverterRegistry customConverters =
        config.getServiceRegistry().getService(CustomConverterRegistry.class);
    for (int i = 0; i < readers; i++) {
      started.add(
          new MariaDbChunkReader(config, engineConfig, customConverters, fetchSize, server));
    }
  }

  private void checkColumnsUnchanged(MariaDbConnection connection, String columnsBefore)
      throws SQLException {
    if (!MariaDbTableDefinitions.columnsDigest(connection).equals(columnsBefore)) {
      throw new IllegalStateException(
          "A table of "
              + server
              + " changed its columns while the initial load began; it begins again");
    }
  }

  private static BinlogPosition firstPosition(List<MariaDbChunkReader> readers) {
    return readers.stream()
        .map(MariaDbChunkReader::position)
        .min(BinlogPosition::compareTo)
        .orElseThrow();
  }

  /**
   * Records the schema history Debezium reads the binlog against, as its own snapshot records it,
   * at the position the stream will start from: the load's first snapshot. The tables' columns
   * were the same before the snapshots began and after the definitions were read, so the
   * definitions are those at that position.
   */
  private void recordSchemaHistory(
      MariaDbConnection connection, Definitions schema, BinlogPosition position)
      throws SQLException {
    Map<String, Object> partition = partition();
    Map<String, Object> offset = offset(connection, position);
    Instant now = Instant.now();
    List<HistoryRecord> records = new ArrayList<>();
    for (String[] statement : schema.ddl()) {
      records.add(
          new HistoryRecord(
              partition, offset, statement[0], null, statement[1], new TableChanges(), now));
    }
    StateStorageSchemaHistory.append(stateStorage, records);
  }

  /** The load with the tables gone from the database since it began counted as loaded. */
  private LoadState withoutDroppedTables(LoadState load, Set<String> present, int read) {
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

  /** The tables to load and each one's key (none: read whole). */
  private Map<String, LoadState.Key> plan(Map<String, Table> tables) {
    Map<String, LoadState.Key> keys = new TreeMap<>();
    tables.forEach((name, table) -> keys.put(name, key(name, table)));
    return keys;
  }

  /** The key a table is split by. */
  LoadState.Key key(String name, Table table) {
    String configured = keyColumns.get(name);
    if (configured != null) {
      Column column = table.columnWithName(configured);
      if (column == null || keyType(column) == null || column.isOptional()) {
        throw new PermanentPipelineException(
            "Cannot split table "
                + name
                + " by column '"
                + configured
                + "' (option scan.incremental.snapshot.chunk.key-column): it needs a NOT NULL"
                + " SMALLINT, MEDIUMINT, INT, BIGINT, DECIMAL, BINARY or VARBINARY column of the"
                + " table");
      }
      return new LoadState.Key(column.name(), keyType(column));
    }
    List<String> key = table.primaryKeyColumnNames();
    if (!key.isEmpty()) {
      KeyType type = keyType(table.columnWithName(key.get(0)));
      if (type != null) {
        return new LoadState.Key(key.get(0), type);
      }
    }
    return LoadState.Key.NONE;
  }

  /**
   * How a column's values order, if a table can be split by it: SMALLINT, MEDIUMINT, INT and
   * BIGINT as integers (BIGINT UNSIGNED, which outgrows a long, as a decimal), DECIMAL as a
   * decimal, BINARY and VARBINARY byte by byte. Not TINYINT, which may arrive as a boolean, nor
   * text, whose order is the collation's.
   */
  static KeyType keyType(Column column) {
    String type = column.typeName().toUpperCase(Locale.ROOT).split("[ (]")[0];
    boolean unsigned = column.typeName().toUpperCase(Locale.ROOT).contains("UNSIGNED");
    return switch (type) {
      case "SMALLINT", "MEDIUMINT", "INT", "INTEGER" -> KeyType.INTEGER;
      case "BIGINT" -> unsigned ? KeyType.DECIMAL : KeyType.INTEGER;
      case "DECIMAL", "NUMERIC", "DEC", "FIXED" ->
          column.jdbcType() == Types.DECIMAL || column.jdbcType() == Types.NUMERIC
              ? KeyType.DECIMAL
              : null;
      case "BINARY", "VARBINARY" -> KeyType.BYTES;
      default -> null;
    };
  }

  private MariaDbConnectorConfig config() {
    return new MariaDbConnectorConfig(Configuration.from(engineProperties));
  }

  private MariaDbConnection connection(MariaDbConnectorConfig config) {
    return new MariaDbConnection(
        new MariaDbConnectionConfiguration(Configuration.from(engineProperties)),
        new MariaDbFieldReader(config));
  }

  @Override
  public void close() {
    closed = true;
  }
}
