package dev.cdcsync.runtime;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.InMemoryStateStorage;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.checkpoint.CheckpointRecord;
import dev.cdcsync.runtime.checkpoint.CheckpointStore;
import dev.cdcsync.runtime.checkpoint.InstanceLease;
import dev.cdcsync.runtime.routing.TableRouter;
import dev.cdcsync.runtime.schema.SchemaChangeBehavior;
import dev.cdcsync.runtime.schema.SchemaEvolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;

/**
 * Set-up shared by the runner tests: a {@link Journal} shared by a {@link ScriptedSource} and a
 * {@link RecordingSink}, a clock that moves only when a test advances it, and in-memory state
 * storage. Once a test creates a runner, the checkpoint records written go to the journal too, as
 * {@code record <id> at <position>}; records a test writes before, as left by an earlier run, do
 * not.
 *
 * <p>{@link #INTERVAL} is short in real time, so that the runner's timer ticks every 10 ms, but it
 * passes only when a test advances {@link #clock}. Tests move the clock only while nothing is
 * buffered, except tests of the timer.
 */
abstract class PipelineRunnerTestBase {

  static final String PIPELINE = "shop-sync";
  static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  static final Duration INTERVAL = Duration.ofMillis(20);
  static final Duration STALE_AFTER = Duration.ofMinutes(1);
  static final String STATE_LOCATION = "memory:/state/shop-sync/";

  static final TableId ITEMS = TableId.of("shop", "public", "items");
  static final TableId ORDERS = TableId.of("shop", "public", "orders");
  static final TableId SINK_ITEMS = TableId.of("public", "items");
  static final TableId SINK_ORDERS = TableId.of("public", "orders");
  static final Schema SCHEMA =
      Schema.of(
          List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("name", DataTypeRoot.STRING)),
          List.of("id"));

  final Journal journal = new Journal();
  final MutableClock clock = new MutableClock(START);
  final InMemoryStateStorage storage = new InMemoryStateStorage(STATE_LOCATION);
  final CheckpointStore store = new CheckpointStore(storage);
  private final ExecutorService background = Executors.newCachedThreadPool();
  private boolean journalingRecords;

  @AfterEach
  void stopBackgroundThreads() {
    background.shutdownNow();
  }

  PipelineRunner runner(ScriptedSource source, Sink sink, Duration interval) {
    if (!journalingRecords) {
      journalingRecords = true;
      storage.onCreate(this::journalCheckpointRecord);
    }
    return runner(source, sink, interval, Runnable::run);
  }

  /** A runner whose commits run on {@code commitExecutor}; {@link #runner} commits at once. */
  PipelineRunner runner(
      ScriptedSource source,
      Sink sink,
      Duration interval,
      java.util.concurrent.Executor commitExecutor) {
    if (!journalingRecords) {
      journalingRecords = true;
      storage.onCreate(this::journalCheckpointRecord);
    }
    return new PipelineRunner(
        PIPELINE,
        source,
        sink,
        new TableRouter(),
        dev.cdcsync.runtime.transform.Transformer.NONE,
        interval,
        store,
        lease(clock),
        new SchemaEvolver(SchemaChangeBehavior.LENIENT),
        clock,
        new PipelineStatus(),
        commitExecutor);
  }

  /** A lease on this pipeline's state, as another instance would take it. */
  InstanceLease lease(Clock clockOfInstance) {
    return new InstanceLease(storage, PIPELINE, clockOfInstance, STALE_AFTER);
  }

  /**
   * Leaves the state as an instance with epoch 1 leaves it when it dies without releasing its
   * lease: its last sign of life is as old as {@link #STALE_AFTER}.
   */
  void givenAnEarlierInstanceThatDied() throws IOException {
    lease(new MutableClock(START.minus(STALE_AFTER))).acquire();
  }

  /** The files by which instances show they are alive; none once every lease is released. */
  List<String> signsOfLife() {
    return storage.list().stream().filter(name -> name.startsWith("alive-")).toList();
  }

  Future<?> runInBackground(PipelineRunner runner) {
    return background.submit(
        () -> {
          runner.run();
          return null;
        });
  }

  /** A checkpoint record of this pipeline, whose prepared descriptions are UTF-8 text. */
  static CheckpointRecord record(
      long id, long epoch, SourcePosition position, Map<TableId, String> prepared) {
    Map<TableId, byte[]> tables = new LinkedHashMap<>();
    prepared.forEach((table, text) -> tables.put(table, text.getBytes(StandardCharsets.UTF_8)));
    return new CheckpointRecord(id, PIPELINE, epoch, START.minusSeconds(60), position, tables);
  }

  /** A record's prepared descriptions decoded as UTF-8. */
  static Map<TableId, String> preparedText(CheckpointRecord record) {
    Map<TableId, String> text = new LinkedHashMap<>();
    record
        .tables()
        .forEach((table, bytes) -> text.put(table, new String(bytes, StandardCharsets.UTF_8)));
    return text;
  }

  static long sequence(long checkpointId, long ordinal) {
    return (checkpointId << 32) | ordinal;
  }

  private void journalCheckpointRecord(String name, byte[] content) {
    if (name.startsWith("checkpoint-")) {
      try {
        CheckpointRecord record =
            CheckpointStore.decode(new String(content, StandardCharsets.UTF_8));
        journal.add("record " + record.id() + " at " + record.position());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static Object[] row(long id) {
    return new Object[] {id, "item " + id};
  }

  static DataChangeEvent read(long id) {
    return DataChangeEvent.read(ITEMS, SCHEMA, row(id), START.toEpochMilli());
  }

  static DataChangeEvent readOrder(long id) {
    return DataChangeEvent.read(ORDERS, SCHEMA, row(id), START.toEpochMilli());
  }

  static DataChangeEvent insert(long id) {
    return DataChangeEvent.insert(ITEMS, SCHEMA, row(id), START.toEpochMilli());
  }

  static DataChangeEvent insertOrder(long id) {
    return DataChangeEvent.insert(ORDERS, SCHEMA, row(id), START.toEpochMilli());
  }

  static DataChangeEvent update(long id) {
    return DataChangeEvent.update(
        ITEMS, SCHEMA, row(id), new Object[] {id, "item " + id + " renamed"}, START.toEpochMilli());
  }

  static DataChangeEvent delete(long id) {
    return DataChangeEvent.delete(ITEMS, SCHEMA, row(id), START.toEpochMilli());
  }
}
