package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
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
  private final java.util.function.Supplier<Map<dev.cdcsync.api.TableId, Long>> snapshotEstimates;
  private boolean snapshotAnnounced;
  private final Path stateDirectory;
  private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine =
      new AtomicReference<>();
  private final AtomicReference<Throwable> handlerFailure = new AtomicReference<>();
  private final AtomicReference<Throwable> engineFailure = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final JsonConverter offsetConverter = new JsonConverter();
  private final Map<String, String> offsets = new LinkedHashMap<>();
  private final Map<Map<String, ?>, Map<String, ?>> pendingOffsets = new LinkedHashMap<>();
  private Map<String, ?> lastPartition;
  private Map<String, ?> lastOffset;
  private org.apache.kafka.connect.data.Schema markerEnvelope;
  private org.apache.kafka.connect.data.Field markerSource;
  private org.apache.kafka.connect.data.Schema markerSourceSchema;
  private org.apache.kafka.connect.data.Field markerSnapshot;
  private final Map<dev.cdcsync.api.TableId, dev.cdcsync.api.Schema> schemas = new java.util.HashMap<>();
  private final java.util.function.Predicate<String> captured;
  private volatile boolean closed;
  private boolean inTransaction;

  /**
   * @param description names the database for messages, e.g. {@code PostgreSQL 127.0.0.1:5432/shop}
   * @param preflight checks run before the engine starts; throws with what to fix
   * @param beforeFreshStart runs before reading from the beginning, to drop what an earlier,
   *     never committed start left in the database (e.g. a replication slot whose position the
   *     new snapshot would not match)
   * @param snapshotEstimates the database's estimate of each captured table's rows, for progress
   *     reports when a snapshot starts
   * @param stateDirectory a local directory for the engine's working files (the start offsets),
   *     rewritten on every start
   */
  public DebeziumSource(
      String description,
      Properties engineProperties,
      SourceRecordConverter converter,
      Runnable preflight,
      Runnable beforeFreshStart,
      java.util.function.Supplier<Map<dev.cdcsync.api.TableId, Long>> snapshotEstimates,
      Path stateDirectory) {
    this.description = description;
    this.engineProperties = engineProperties;
    this.converter = converter;
    this.preflight = preflight;
    this.beforeFreshStart = beforeFreshStart;
    this.snapshotEstimates = snapshotEstimates;
    this.stateDirectory = stateDirectory;
    this.captured = includeListMatcher(engineProperties.getProperty("table.include.list", ".*"));
    offsetConverter.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
  }

  @Override
  public void run(ChangeHandler handler, Optional<SourcePosition> startAfter) throws Exception {
    preflight.run();
    if (startAfter.isEmpty()) {
      beforeFreshStart.run();
    }
    prepareStart(startAfter);
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
    engine.set(created);
    if (closed) {
      created.close();
      return;
    }
    LOG.info(
        "Reading changes from {}{}",
        description,
        startAfter.map(position -> " after " + position.description()).orElse(", from the start"));
    try {
      created.run();
    } catch (RuntimeException e) {
      // The engine may fail while stopping after the real failure; report the real one.
      if (handlerFailure.get() == null && engineFailure.get() == null) {
        throw e;
      }
    }
    Throwable failure = handlerFailure.get() != null ? handlerFailure.get() : engineFailure.get();
    if (handlerFailure.get() != null || (failure != null && !closed)) {
      throw failure instanceof Exception exception
          ? exception
          : new IllegalStateException("Cannot read changes from " + description, failure);
    }
  }

  /** Seeds the offset store. */
  private void prepareStart(Optional<SourcePosition> startAfter) throws IOException {
    Path startFile = stateDirectory.resolve("start-offsets.json");
    CheckpointOffsetBackingStore.writeStartFile(startFile, startAfter.map(SourcePosition::offsets).orElse(Map.of()));
    engineProperties.setProperty("offset.storage", CheckpointOffsetBackingStore.class.getName());
    engineProperties.setProperty(CheckpointOffsetBackingStore.START_FILE, startFile.toString());
    offsets.clear();
    pendingOffsets.clear();
    lastPartition = null;
    lastOffset = null;
    startAfter.ifPresent(position -> offsets.putAll(position.offsets()));
    inTransaction = false;
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
      DataChangeEvent[] events = new DataChangeEvent[count];
      boolean[] boundaries = new boolean[count];
      int lastBoundary = -1;
      List<DataChangeEvent>[] drops = new List[count];
      for (int i = 0; i < count; i++) {
        SourceRecord record = records.get(i).record();
        boundaries[i] = isBoundaryAfter(record);
        noteSchemaChange(record);
        events[i] = converter.convert(record);
        if (events[i] == null) {
          List<DataChangeEvent> dropped = converter.tableDrops(record, captured);
          drops[i] = dropped.isEmpty() ? null : dropped;
        }
        if (boundaries[i]) {
          lastBoundary = i;
        }
      }
      if (!snapshotAnnounced) {
        announceSnapshot(events, handler);
      }
      int[] nextEvent = new int[count];
      for (int i = count - 1, next = -1; i >= 0; i--) {
        nextEvent[i] = next;
        if (events[i] != null || drops[i] != null) {
          next = i;
        }
      }
      // Hand over up to the last place where a commit may cut, then the rest; cut also where the
      // snapshot ends and right before a change to a table itself (its columns change, it is
      // truncated or dropped), so the pipeline can commit there.
      List<DataChangeEvent> batch = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        SourceRecord record = records.get(i).record();
        if (events[i] != null) {
          batch.add(events[i]);
          schemas.put(events[i].tableId(), events[i].schema());
        } else if (drops[i] != null) {
          batch.addAll(drops[i]);
        }
        remember(record);
        boolean cut =
            boundaries[i]
                && !batch.isEmpty()
                && (i == lastBoundary
                    || "last".equals(snapshotMarker(record))
                    || tableChangesAt(events, drops, nextEvent[i]));
        if (cut || i == count - 1) {
          handler.handle(List.copyOf(batch), new Acknowledger(committer, records.get(i), position(), boundaries[i]));
          batch.clear();
        }
      }
    } catch (RuntimeException | Error e) {
      handlerFailure.compareAndSet(null, e);
      throw e;
    }
  }

  /** Tells the handler, before the first snapshot row, how many rows the database expects. */
  private void announceSnapshot(DataChangeEvent[] events, ChangeHandler handler) {
    for (DataChangeEvent event : events) {
      if (event != null && event.operation() == dev.cdcsync.api.OperationType.READ) {
        snapshotAnnounced = true;
        Map<dev.cdcsync.api.TableId, Long> estimates;
        try {
          estimates = snapshotEstimates.get();
        } catch (RuntimeException e) {
          LOG.warn("Cannot estimate the snapshot's rows in {}: {}", description, e.getMessage());
          estimates = Map.of();
        }
        handler.snapshotStarting(estimates);
        return;
      }
    }
  }

  /** Matches full table names as Debezium's table.include.list does: any regex, whole name, any case. */
  private static java.util.function.Predicate<String> includeListMatcher(String includeList) {
    List<java.util.regex.Pattern> patterns = new ArrayList<>();
    for (String regex : includeList.split(",")) {
      if (!regex.isBlank()) {
        patterns.add(java.util.regex.Pattern.compile(regex.trim(), java.util.regex.Pattern.CASE_INSENSITIVE));
      }
    }
    return name -> patterns.stream().anyMatch(pattern -> pattern.matcher(name).matches());
  }

  /** Passes renames found in a DDL record (MySQL / MariaDB) on to the converter. */
  private void noteSchemaChange(SourceRecord record) {
    if (record.value() instanceof Struct value
        && value.schema().field("ddl") != null
        && value.schema().field("databaseName") != null
        && value.getString("ddl") != null) {
      dev.cdcsync.connectors.binlog.ColumnRenames.parse(value.getString("databaseName"), value.getString("ddl"))
          .ifPresent(renames -> converter.noteRenames(renames.table(), renames.newToOld()));
    }
  }

  private boolean tableChangesAt(DataChangeEvent[] events, List<DataChangeEvent>[] drops, int index) {
    if (index < 0) {
      return false;
    }
    if (drops[index] != null || events[index].operation() == dev.cdcsync.api.OperationType.TRUNCATE) {
      return true;
    }
    dev.cdcsync.api.Schema known = schemas.get(events[index].tableId());
    return known != null && known != events[index].schema();
  }

  /** Whether a commit may cut right after this record. */
  private boolean isBoundaryAfter(SourceRecord record) {
    if (!(record.value() instanceof Struct value)) {
      return !inTransaction;
    }
    String schemaName = value.schema().name();
    if (record.topic() != null && record.topic().endsWith(".transaction") && value.schema().field("status") != null) {
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

  /** Notes the record's offset; it is serialized only when a position is handed over. */
  private void remember(SourceRecord record) {
    Map<String, ?> partition = record.sourcePartition();
    Map<String, ?> offset = record.sourceOffset();
    if (partition == null || offset == null) {
      return;
    }
    if (lastPartition != null && partition != lastPartition && !partition.equals(lastPartition)) {
      pendingOffsets.put(lastPartition, lastOffset);
    }
    lastPartition = partition;
    lastOffset = offset;
  }

  private SourcePosition position() {
    if (lastPartition != null) {
      pendingOffsets.put(lastPartition, lastOffset);
      lastPartition = null;
      lastOffset = null;
    }
    if (!pendingOffsets.isEmpty()) {
      String namespace = engineProperties.getProperty("name");
      pendingOffsets.forEach(
          (partition, offset) -> {
            byte[] key = offsetConverter.fromConnectData(namespace, null, List.of(namespace, partition));
            byte[] value = offsetConverter.fromConnectData(namespace, null, offset);
            offsets.put(new String(key, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
          });
      pendingOffsets.clear();
    }
    return new SourcePosition(offsets, String.join(" ", offsets.values()));
  }

  @Override
  public void close() {
    closed = true;
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    converter.close();
    DebeziumEngine<RecordChangeEvent<SourceRecord>> running = engine.get();
    if (running != null) {
      try {
        running.close();
      } catch (IOException e) {
        LOG.warn("Cannot stop the Debezium engine cleanly for {}: {}", description, e.getMessage());
      } catch (IllegalStateException e) {
        LOG.debug("The Debezium engine for {} had already stopped", description);
      }
    }
  }

  private record Acknowledger(
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
      RecordChangeEvent<SourceRecord> last,
      SourcePosition position,
      boolean isTransactionBoundary)
      implements SourceAcknowledger {

    @Override
    public void acknowledge() throws InterruptedException {
      committer.markProcessed(last);
      committer.markBatchFinished();
    }
  }
}
