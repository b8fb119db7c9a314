package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.SourceFailures;
import dev.cdcsync.connectors.binlog.ColumnRenames;
import dev.cdcsync.connectors.binlog.OnlineSchemaChanges;
import dev.cdcsync.connectors.binlog.TableRenames;
import dev.cdcsync.connectors.load.InitialLoad;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Source} running one Debezium connector in the embedded engine.
 *
 * <p>It starts from the position the pipeline hands it (seeding the engine's offset store), hands
 * changes over in batches that end at transaction boundaries where possible, and reports each
 * batch's position in the form the offset store takes back. The engine's offsets move (and a
 * PostgreSQL slot's flushed LSN with them) only through {@link SourceAcknowledger#acknowledge()}.
 */
public final class DebeziumSource implements Source {

  private static final Logger LOG = LoggerFactory.getLogger(DebeziumSource.class);

  private final String description;
  private final Properties engineProperties;
  private final SourceRecordConverter converter;
  private final Runnable preflight;
  private final Runnable beforeFreshStart;
  private final Supplier<Map<TableId, Long>> snapshotEstimates;
  private boolean snapshotAnnounced;
  private final Path stateDirectory;
  private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine =
      new AtomicReference<>();
  private final AtomicReference<Throwable> handlerFailure = new AtomicReference<>();
  private final AtomicReference<Throwable> engineFailure = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final OffsetTracker offsets;
  private org.apache.kafka.connect.data.Schema markerEnvelope;
  private Field markerSource;
  private org.apache.kafka.connect.data.Schema markerSourceSchema;
  private Field markerSnapshot;
  private final Map<TableId, Schema> schemas = new HashMap<>();
  private final Predicate<String> captured;
  private final NewTables newTables;
  private final UnaryOperator<String> resumable;
  private volatile boolean closed;

  /** Whether the last {@link #run} started from the beginning, past its checks. */
  private boolean freshStartBegan;

  private boolean inTransaction;
  private boolean streaming;

  private final InitialLoad initialLoad;

  /** Key of the position entry that holds the converter's pending column renames; not an offset. */
  static final String PENDING_RENAMES_KEY = "cdc-sync/pending-column-renames";

  /** How long {@link #close} keeps asking an engine that is still starting to stop. */
  private static final Duration ENGINE_STOP_TIMEOUT = Duration.ofSeconds(60);

  /** The engine's {@code run} has returned (or will not be called): it stops by itself. */
  private volatile boolean engineRunEnded;

  /** Debezium's snapshot mode as configured: {@code no_data} when the source starts at the end. */
  private final String startupSnapshotMode;

  /**
   * @param description names the database for messages, e.g. {@code PostgreSQL 127.0.0.1:5432/shop}
   * @param preflight checks run before the engine starts; throws with what to fix
   * @param beforeFreshStart runs before reading from the beginning, to drop what an earlier,
   *     never committed start left in the database (e.g. a replication slot whose position the
   *     new snapshot would not match); runs again after such a start failed before the pipeline's
   *     first checkpoint ({@link #discardUncommittedStart()})
   * @param snapshotEstimates the database's estimate of each captured table's rows, for progress
   *     reports when a snapshot starts
   * @param stateDirectory a local directory for the engine's working files (the start offsets),
   *     rewritten on every start
   * @param newTables tables joining the capture whose rows must be read (loaded by {@code
   *     initialLoad}, which is then not null); null where every table is in the change stream
   *     from its creation (the binlog carries its DDL and rows)
   * @param resumable each stored offset (Debezium's JSON) as Debezium is to resume from it: the
   *     identity, unless the connector needs a bug worked around
   * @param initialLoad cdc-sync's own initial load, which replaces Debezium's snapshot; null where
   *     Debezium reads the snapshot
   */
  public DebeziumSource(
      String description,
      Properties engineProperties,
      SourceRecordConverter converter,
      Runnable preflight,
      Runnable beforeFreshStart,
      Supplier<Map<TableId, Long>> snapshotEstimates,
      Path stateDirectory,
      NewTables newTables,
      UnaryOperator<String> resumable,
      InitialLoad initialLoad) {
    this.description = description;
    this.engineProperties = engineProperties;
    this.converter = converter;
    this.preflight = preflight;
    this.beforeFreshStart = beforeFreshStart;
    this.snapshotEstimates = snapshotEstimates;
    this.stateDirectory = stateDirectory;
    this.newTables = newTables;
    this.resumable = resumable;
    this.initialLoad = initialLoad;
    this.startupSnapshotMode = engineProperties.getProperty("snapshot.mode", "initial");
    if (initialLoad != null) {
      engineProperties.setProperty("snapshot.mode", "no_data");
    }
    this.captured = includeListMatcher(engineProperties.getProperty("table.include.list", ".*"));
    this.offsets = new OffsetTracker(engineProperties.getProperty("name"));
  }

  @Override
  public void run(ChangeHandler handler, Optional<SourcePosition> startAfter) throws Exception {
    freshStartBegan = false;
    preflight.run();
    if (startAfter.isEmpty()) {
      beforeFreshStart.run();
      freshStartBegan = true;
    }
    prepareStart(startAfter);
    converter.restorePendingRenames(
        startAfter.flatMap(
            position -> Optional.ofNullable(position.offsets().get(PENDING_RENAMES_KEY))));
    if (newTables != null) {
      newTables.start(
          startAfter.flatMap(
              position -> Optional.ofNullable(position.offsets().get(NewTables.POSITION_KEY))));
    }
    if (initialLoad != null) {
      Optional<String> loadState =
          startAfter.flatMap(
              position -> Optional.ofNullable(position.offsets().get(InitialLoad.POSITION_KEY)));
      initialLoad.streamPositionStored(!offsets.offsets().isEmpty());
      boolean load =
          startAfter.isEmpty()
              ? !"no_data".equals(startupSnapshotMode)
              : loadState.isPresent() && initialLoad.pending(loadState);
      if (load) {
        load(handler, loadState);
        if (closed) {
          return;
        }
      } else {
        initialLoad.streaming(loadState);
      }
      if (initialLoad.loadOnly()) {
        LOG.info(
            "Every table of {} is loaded; scan.startup.mode is snapshot, so no change stream follows",
            description);
        return;
      }
      seedStreamStart();
    }
    DebeziumEngine<RecordChangeEvent<SourceRecord>> created =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(engineProperties)
            .using(
                (success, message, error) -> {
                  if (!success) {
                    engineFailure.set(error != null ? error : new IllegalStateException(message));
                  }
                })
            .notifying((records, committer) -> handleBatch(records, committer, handler))
            .build();
    engineRunEnded = false;
    engine.set(created);
    if (closed) {
      engineRunEnded = true;
      created.close();
      return;
    }
    LOG.info(
        "Reading changes from {}{}",
        description,
        startAfter.isPresent() ? " after the last checkpoint" : ", from the start");
    startAfter.ifPresent(
        position ->
            LOG.debug("Reading {} after source position {}", description, position.description()));
    try {
      created.run();
    } catch (RuntimeException e) {
      // The engine may fail while stopping after the real failure; report the real one.
      if (handlerFailure.get() == null && engineFailure.get() == null) {
        throw e;
      }
    } finally {
      engineRunEnded = true;
    }
    Throwable failure = handlerFailure.get() != null ? handlerFailure.get() : engineFailure.get();
    if (handlerFailure.get() != null) {
      throw failure instanceof Exception exception
          ? exception
          : new IllegalStateException("Cannot read changes from " + description, failure);
    }
    if (failure != null && !closed) {
      // Debezium's own message ("An exception occurred in the change event producer") hides the
      // cause.
      throw SourceFailures.named("Cannot read changes from " + description, failure);
    }
  }

  /**
   * Seeds the offset store with where the load says the stream starts, when no engine offset is
   * stored yet (the stream after a binlog load).
   */
  private void seedStreamStart() throws IOException {
    if (!offsets.offsets().isEmpty()) {
      return;
    }
    Optional<InitialLoad.StreamStart> start = initialLoad.streamStart();
    if (start.isPresent()) {
      offsets.seed(start.get().partition(), start.get().offset());
      CheckpointOffsetBackingStore.writeStartFile(
          stateDirectory.resolve("start-offsets.json"), offsets.offsets());
      LOG.info(
          "Streaming the changes of {} from {}, {}",
          description,
          start.get().offset(),
          start.get().why());
    }
  }

  /** Seeds the offset store. */
  private void prepareStart(Optional<SourcePosition> startAfter) throws IOException {
    Path startFile = stateDirectory.resolve("start-offsets.json");
    Map<String, String> engineOffsets =
        new LinkedHashMap<>(startAfter.map(SourcePosition::offsets).orElse(Map.of()));
    engineOffsets.remove(NewTables.POSITION_KEY);
    engineOffsets.remove(InitialLoad.POSITION_KEY);
    engineOffsets.remove(PENDING_RENAMES_KEY);
    Map<String, String> resumeOffsets = new LinkedHashMap<>();
    engineOffsets.forEach((key, offset) -> resumeOffsets.put(key, resumable.apply(offset)));
    CheckpointOffsetBackingStore.writeStartFile(startFile, resumeOffsets);
    engineProperties.setProperty("offset.storage", CheckpointOffsetBackingStore.class.getName());
    engineProperties.setProperty(CheckpointOffsetBackingStore.START_FILE, startFile.toString());
    offsets.restart(engineOffsets);
    inTransaction = false;
    streaming = false;
    snapshotAnnounced = false;
  }

  @SuppressWarnings("unchecked")
  private void handleBatch(
      List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
      ChangeHandler handler)
      throws InterruptedException {
    try {
      int count = records.size();
      if (count == 0) {
        return;
      }
      DataChangeEvent[] events = new DataChangeEvent[count];
      List<DataChangeEvent>[] drops = new List[count];
      TableId[] announcedDrops = new TableId[count];
      boolean[] boundaries = new boolean[count];
      boolean[] snapshotEnds = new boolean[count];
      boolean[] dropsTable = new boolean[count];
      // As of each record, for the position after it.
      String[] pendingRenames = new String[count];
      for (int i = 0; i < count; i++) {
        SourceRecord record = records.get(i).record();
        noteSchemaChange(record);
        events[i] = converter.convert(record);
        pendingRenames[i] = converter.pendingRenames();
        if (initialLoad != null
            && events[i] != null
            && events[i].operation() != OperationType.READ
            && initialLoad.absorbed(record, events[i])) {
          events[i] = null;
        }
        if (newTables != null && events[i] != null && newTables.awaitsLoad(events[i].tableId())) {
          // Its load, at a later boundary, reads rows that show the change.
          events[i] = null;
        }
        if (newTables != null && !streaming) {
          noteStreaming(record);
        }
        boundaries[i] = isBoundaryAfter(record);
        snapshotEnds[i] = boundaries[i] && "last".equals(snapshotMarker(record));
        if (events[i] == null) {
          List<DataChangeEvent> dropped = converter.tableDrops(record, captured);
          if (newTables != null) {
            announcedDrops[i] = newTables.dropAnnounced(record).orElse(null);
            newTables.notice(record);
            if (announcedDrops[i] != null) {
              dropped = List.of(converter.tableDrop(announcedDrops[i], System.currentTimeMillis()));
            }
          }
          drops[i] = dropped.isEmpty() ? null : dropped;
          dropsTable[i] = drops[i] != null;
        }
      }
      if (!snapshotAnnounced) {
        announceSnapshot(events, handler);
      }
      boolean[] tableChanges = BatchCuts.tableChanges(events, dropsTable, schemas);
      List<BatchCuts.Record> cutFacts = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        cutFacts.add(
            new BatchCuts.Record(
                events[i] != null || dropsTable[i],
                boundaries[i],
                tableChanges[i],
                snapshotEnds[i]));
      }
      Iterator<BatchCuts.Cut> cuts =
          BatchCuts.of(cutFacts, handler.wantsEveryBoundary()).iterator();
      BatchCuts.Cut cut = cuts.next();
      List<DataChangeEvent> part = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        if (events[i] != null) {
          part.add(events[i]);
        } else if (drops[i] != null) {
          part.addAll(drops[i]);
        }
        offsets.remember(records.get(i).record());
        if (announcedDrops[i] != null) {
          newTables.dropped(announcedDrops[i]);
        }
        if (i == cut.after()) {
          handler.handle(
              List.copyOf(part),
              new Acknowledger(
                  committer,
                  records.get(i),
                  position(pendingRenames[i]),
                  cut.boundary(),
                  cut.tableChangeFollows()));
          part.clear();
          cut = cuts.hasNext() ? cuts.next() : null;
        }
      }
      if (newTables != null && !inTransaction && newTables.loadPending()) {
        loadNewTables(handler);
      }
    } catch (RuntimeException | Error e) {
      handlerFailure.compareAndSet(null, e);
      throw e;
    }
  }

  /**
   * Loads the tables that joined the capture (see {@link NewTables#load}) at a transaction
   * boundary, the end of what was handed over: each chunk's position is the stream's there.
   */
  private void loadNewTables(ChangeHandler handler) throws InterruptedException {
    try {
      newTables.load(
          new LoadHandOver(
              initialLoad,
              converter,
              handler,
              (state, description) -> position(offsets.offsets(), state, description),
              initialLoad.state(),
              snapshotEstimates()));
    } catch (InterruptedException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot load the new tables of " + description + ": " + e.getMessage(), e);
    }
  }

  /** Tells the handler, before the first snapshot row, how many rows the database expects. */
  private void announceSnapshot(DataChangeEvent[] events, ChangeHandler handler) {
    for (DataChangeEvent event : events) {
      if (event != null && event.operation() == OperationType.READ) {
        announceSnapshot(handler);
        return;
      }
    }
  }

  /** Tells the handler how many rows the database expects. */
  private void announceSnapshot(ChangeHandler handler) {
    snapshotAnnounced = true;
    handler.snapshotStarting(snapshotEstimates());
  }

  /** The database's estimate of each captured table's rows; none when it cannot tell. */
  private Map<TableId, Long> snapshotEstimates() {
    try {
      return snapshotEstimates.get();
    } catch (RuntimeException e) {
      LOG.warn("Cannot estimate the snapshot's rows in {}: {}", description, e.getMessage());
      return Map.of();
    }
  }

  /** Matches full table names as Debezium's table.include.list does: any regex, whole name, any case. */
  private static Predicate<String> includeListMatcher(String includeList) {
    List<Pattern> patterns = new ArrayList<>();
    for (String regex : includeList.split(",")) {
      if (!regex.isBlank()) {
        patterns.add(Pattern.compile(regex.trim(), Pattern.CASE_INSENSITIVE));
      }
    }
    return name -> patterns.stream().anyMatch(pattern -> pattern.matcher(name).matches());
  }

  /**
   * Passes column renames found in a DDL record (MySQL / MariaDB) on to the converter: those of a
   * captured table, and of a gh-ost or pt-osc copy of one, which keeps them until it is renamed to
   * the table (the tool's cut-over).
   */
  private void noteSchemaChange(SourceRecord record) {
    if (record.value() instanceof Struct value
        && value.schema().field("ddl") != null
        && value.schema().field("databaseName") != null
        && value.getString("ddl") != null) {
      String database = value.getString("databaseName");
      String ddl = value.getString("ddl");
      ColumnRenames.parse(database, ddl)
          .filter(
              renames ->
                  isCaptured(renames.table())
                      || OnlineSchemaChanges.copied(renames.table())
                          .filter(this::isCaptured)
                          .isPresent())
          .ifPresent(renames -> converter.noteRenames(renames.table(), renames.newToOld()));
      // Debezium reports each table of a RENAME TABLE statement in a record of its own, in order.
      TableRenames.parse(database, ddl)
          .forEach(rename -> converter.moveRenames(rename.from(), rename.to()));
    }
  }

  private boolean isCaptured(TableId table) {
    return captured.test(table.schemaName() + "." + table.tableName());
  }

  /**
   * Tells the new tables once the engine streams: the first record outside its initial snapshot
   * (if it took one) says so.
   */
  private void noteStreaming(SourceRecord record) {
    String marker = snapshotMarker(record);
    if (marker == null || marker.equals("false")) {
      streaming = true;
      newTables.streaming();
    }
  }

  /** Whether a commit may cut right after this record: outside a transaction, or a snapshot's end. */
  private boolean isBoundaryAfter(SourceRecord record) {
    if (!(record.value() instanceof Struct value)) {
      return !inTransaction;
    }
    String schemaName = value.schema().name();
    if (record.topic() != null
        && record.topic().endsWith(".transaction")
        && value.schema().field("status") != null) {
      inTransaction = "BEGIN".equals(value.getString("status"));
      return !inTransaction;
    }
    if (schemaName != null && schemaName.endsWith(".Envelope")) {
      String snapshot = snapshotMarker(record);
      if (snapshot != null && !snapshot.equals("false")) {
        return snapshot.equals("last");
      }
      return !inTransaction;
    }
    return !inTransaction;
  }

  /** The record's {@code source.snapshot} marker, or null; field lookups are cached per schema. */
  private String snapshotMarker(SourceRecord record) {
    if (!(record.value() instanceof Struct value)) {
      return null;
    }
    if (value.schema() != markerEnvelope) {
      markerEnvelope = value.schema();
      markerSource = markerEnvelope.field("source");
    }
    if (markerSource == null || !(value.get(markerSource) instanceof Struct source)) {
      return null;
    }
    if (source.schema() != markerSourceSchema) {
      markerSourceSchema = source.schema();
      markerSnapshot = markerSourceSchema.field("snapshot");
    }
    Object marker = markerSnapshot == null ? null : source.get(markerSnapshot);
    return marker == null ? null : marker.toString();
  }

  private SourcePosition position(String pendingRenames) {
    Map<String, String> engineOffsets = offsets.offsets();
    String loadState = initialLoad == null ? null : initialLoad.state();
    return position(
        engineOffsets, loadState, pendingRenames, String.join(" ", engineOffsets.values()));
  }

  /** A position inside the stream's past: a load of new tables, while the stream waits. */
  private SourcePosition position(
      Map<String, String> engineOffsets, String loadState, String description) {
    return position(engineOffsets, loadState, converter.pendingRenames(), description);
  }

  private SourcePosition position(
      Map<String, String> engineOffsets,
      String loadState,
      String pendingRenames,
      String description) {
    Map<String, String> entries = new LinkedHashMap<>(engineOffsets);
    if (pendingRenames != null) {
      entries.put(PENDING_RENAMES_KEY, pendingRenames);
    }
    if (newTables != null) {
      entries.put(NewTables.POSITION_KEY, newTables.state());
    }
    if (loadState != null) {
      entries.put(InitialLoad.POSITION_KEY, loadState);
    }
    return new SourcePosition(entries, description);
  }

  /** Runs the initial load, handing its rows over (see {@link LoadHandOver}). */
  private void load(ChangeHandler handler, Optional<String> loadState) throws Exception {
    // LoadHandOver announces the snapshot of the tables the load reads.
    snapshotAnnounced = true;
    Map<TableId, Long> estimates = snapshotEstimates();
    initialLoad.run(
        loadState,
        new LoadHandOver(
            initialLoad,
            converter,
            handler,
            // Tables joining a capture load while the stream waits at its stored offsets.
            (state, description) -> position(offsets.offsets(), state, description),
            loadState.orElse(null),
            estimates));
  }

  @Override
  public boolean bounded() {
    return initialLoad != null && initialLoad.loadOnly();
  }

  @Override
  public void discardUncommittedStart() {
    if (!freshStartBegan) {
      return;
    }
    freshStartBegan = false;
    try {
      beforeFreshStart.run();
    } catch (RuntimeException e) {
      LOG.error(
          "Cannot remove what the failed first start left in {}: {}", description, e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    converter.close();
    if (newTables != null) {
      newTables.close();
    }
    if (initialLoad != null) {
      initialLoad.close();
    }
    DebeziumEngine<RecordChangeEvent<SourceRecord>> running = engine.get();
    if (running != null) {
      closeEngine(running);
    }
  }

  /**
   * Stops the engine. One still starting its task refuses to stop ("Cannot stop engine while
   * tasks are starting") and would then run on: that is tried again until it stops or its run
   * has ended (a stop asked right after an initial load hits that window).
   */
  private void closeEngine(DebeziumEngine<RecordChangeEvent<SourceRecord>> running) {
    long deadline = System.nanoTime() + ENGINE_STOP_TIMEOUT.toNanos();
    while (true) {
      try {
        running.close();
        return;
      } catch (IOException e) {
        LOG.warn("Cannot stop the Debezium engine cleanly for {}: {}", description, e.getMessage());
        return;
      } catch (IllegalStateException e) {
        if (engineRunEnded || System.nanoTime() > deadline) {
          LOG.debug("The Debezium engine for {} did not stop: {}", description, e.getMessage());
          return;
        }
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private record Acknowledger(
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
      RecordChangeEvent<SourceRecord> last,
      SourcePosition position,
      boolean isTransactionBoundary,
      boolean tableChangeFollows)
      implements SourceAcknowledger {

    @Override
    public void acknowledge() throws InterruptedException {
      committer.markProcessed(last);
      committer.markBatchFinished();
    }
  }
}
