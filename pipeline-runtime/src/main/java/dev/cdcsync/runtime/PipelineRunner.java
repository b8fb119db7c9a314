package dev.cdcsync.runtime;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.checkpoint.CheckpointStore;
import dev.cdcsync.runtime.checkpoint.InstanceLease;
import dev.cdcsync.runtime.routing.TableRouter;
import dev.cdcsync.runtime.schema.SchemaEvolver;
import dev.cdcsync.runtime.schema.SinkSchemas;
import dev.cdcsync.runtime.transform.Transformer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipeline exactly once: hands the source's changes through transforms, routes and schema
 * evolution to the sink, and decides where checkpoints cut — at source transaction boundaries,
 * every checkpoint interval, after the snapshot, before a change to a table itself — while the
 * {@link CheckpointCoordinator} carries each checkpoint out (prepare, record, commit, acknowledge)
 * and recovers the newest one on start.
 *
 * <p>The source keeps reading while a checkpoint commits on the coordinator's committer thread; a
 * change to a table itself (columns, truncate, drop) waits for the commit in flight.
 *
 * <p>Every other sink call happens under one lock: on the source's thread while a batch arrives,
 * on a timer thread while the source is quiet, and in {@link #stop()}. Acknowledgements all happen
 * on the committer thread, in order.
 */
public final class PipelineRunner implements ChangeHandler {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);

  /**
   * A checkpoint also happens at a boundary once this many tables have changes waiting: each
   * waiting table holds open files, so this bounds memory when changes touch hundreds of tables.
   */
  static final int MAX_TABLES_PER_CHECKPOINT = 64;

  private final String pipelineName;
  private final Source source;
  private final Sink sink;
  private final TableRouter router;
  private final Transformer transformer;
  private final Duration checkpointInterval;
  private final CheckpointCoordinator checkpoints;
  private final SchemaEvolver schemaEvolver;

  private final SinkSchemas sinkSchemas;
  private final Set<TableId> tablesWritten = new HashSet<>();
  private final PipelineStatus status;
  private final Clock clock;
  private final AtomicReference<Exception> timerFailure = new AtomicReference<>();
  private final CountDownLatch finishedSignal = new CountDownLatch(1);

  private final Object lock = new Object();
  private volatile boolean stopRequested;
  private boolean finished;
  private long lastCheckpointMillis;
  private long changesSinceCheckpoint;
  private boolean readsSinceCheckpoint;
  private SourceAcknowledger lastBoundary;

  /** The acknowledger of the batch before the one being handled, boundary or not. */
  private SourceAcknowledger previousBatch;

  /** Whether the batch being handled has had an event before the current one. */
  private boolean eventsBeforeInBatch;

  /** Changes written since the last transaction boundary; a commit may cut only at zero. */
  private long changesSinceBoundary;

  /** Source events handed over since the newest checkpoint's position, and at the last boundary. */
  private long eventsSinceCheckpoint;

  private long eventsAtBoundary;

  /** Where this run commits for the run before it ({@link CommitPoint}), or null. */
  private CommitPoint commitAt;

  /** Where the next run must commit, when this one ended for it; the outcome of {@link #run}. */
  private CommitPoint commitPointNeeded;

  private boolean acknowledged = true;

  public PipelineRunner(
      String pipelineName,
      Source source,
      Sink sink,
      TableRouter router,
      Transformer transformer,
      Duration checkpointInterval,
      CheckpointStore checkpointStore,
      InstanceLease lease,
      SchemaEvolver schemaEvolver,
      Clock clock,
      PipelineStatus status) {
    this(
        pipelineName,
        source,
        sink,
        router,
        transformer,
        checkpointInterval,
        checkpointStore,
        lease,
        schemaEvolver,
        clock,
        status,
        null);
  }

  /**
   * @param commitExecutor runs the commits and acknowledgements, one task at a time and in order;
   *     null for a thread of the runner's own (tests pass one that runs them at once)
   */
  PipelineRunner(
      String pipelineName,
      Source source,
      Sink sink,
      TableRouter router,
      Transformer transformer,
      Duration checkpointInterval,
      CheckpointStore checkpointStore,
      InstanceLease lease,
      SchemaEvolver schemaEvolver,
      Clock clock,
      PipelineStatus status,
      Executor commitExecutor) {
    this.status = status;
    this.pipelineName = pipelineName;
    this.source = source;
    this.sink = sink;
    this.router = router;
    this.transformer = transformer;
    this.checkpointInterval = checkpointInterval;
    this.checkpoints =
        new CheckpointCoordinator(
            pipelineName, sink, checkpointStore, lease, status, clock, commitExecutor);
    this.schemaEvolver = schemaEvolver;
    this.sinkSchemas =
        new SinkSchemas(
            sink, router, schemaEvolver, transformer::layout, transformer::keepsSourceKeys);
    this.clock = clock;
  }

  public PipelineStatus status() {
    return status;
  }

  /**
   * Makes this run commit at the boundary an earlier run ended for (see {@link CommitPoint}); call
   * before {@link #run()}.
   */
  public void commitAt(CommitPoint point) {
    this.commitAt = point;
  }

  /**
   * Runs until {@link #stop()} or a failure.
   *
   * @return empty when stopped; where the next run must commit, when this one ended for that
   */
  public Optional<CommitPoint> run() throws Exception {
    Optional<SourcePosition> startAfter;
    synchronized (lock) {
      startAfter = checkpoints.start();
      lastCheckpointMillis = clock.millis();
    }
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cdc-sync-checkpoint-timer");
              thread.setDaemon(true);
              return thread;
            });
    long period = Math.max(10, Math.min(1_000, checkpointInterval.toMillis() / 2));
    timer.scheduleWithFixedDelay(this::onTimer, period, period, TimeUnit.MILLISECONDS);
    try {
      source.run(this, startAfter);
    } catch (Exception e) {
      // The handler ended the source's run for a commit point; however the source passed it on.
      if (commitPointNeeded == null) {
        throw e;
      }
    } finally {
      timer.shutdownNow();
      synchronized (lock) {
        finished = true;
      }
      finishedSignal.countDown();
      awaitCommitQuietly();
      checkpoints.close();
    }
    Exception failure = timerFailure.get();
    if (failure != null) {
      throw failure;
    }
    return Optional.ofNullable(commitPointNeeded);
  }

  /**
   * Stops: commits what was handed over if the source is at a transaction boundary (waiting a
   * little for one), otherwise drops the open part to be read again on the next start; then
   * closes the source. Safe from any thread.
   */
  public void stop() throws Exception {
    stopRequested = true;
    try {
      if (!finishedSignal.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        synchronized (lock) {
          if (!finished) {
            finished = true;
            LOG.warn(
                "Stopping inside a source transaction: its changes since checkpoint {} will be read"
                    + " again on the next start",
                checkpoints.lastCheckpointId());
            sink.abort();
          }
        }
      }
    } finally {
      // The last acknowledgement needs the source open.
      awaitCommitQuietly();
      source.close();
      checkpoints.releaseLease();
    }
  }

  @Override
  public void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger)
      throws InterruptedException {
    synchronized (lock) {
      if (finished) {
        return;
      }
      try {
        if (checkpoints.commitFinished()) {
          checkpoints.awaitCommit();
        }
        eventsBeforeInBatch = false;
        for (DataChangeEvent event : events) {
          boolean read = event.operation() == OperationType.READ;
          if (!read && readsSinceCheckpoint) {
            throw new IllegalStateException(
                "Cannot apply a streamed change before the snapshot rows are committed: the source"
                    + " did not end its snapshot at a transaction boundary");
          }
          TableId sourceTable = event.tableId();
          if (event.operation() == OperationType.TRUNCATE
              || event.operation() == OperationType.DROP_TABLE) {
            for (TableId sinkTable : router.route(sourceTable)) {
              changeTable(sinkTable, event.operation());
            }
            continue;
          }
          DataChangeEvent transformed = transformer.apply(event);
          if (transformed == null) {
            continue;
          }
          for (TableId sinkTable : router.route(sourceTable)) {
            DataChangeEvent adapted =
                sinkSchemas.adapt(sourceTable, sinkTable, transformed, this::beforeColumnChange);
            long sequence = ((checkpoints.lastCheckpointId() + 1) << 32) | changesSinceCheckpoint;
            sink.write(sinkTable, adapted, sequence);
            status.recordWritten(sinkTable, read);
            tablesWritten.add(sinkTable);
            changesSinceCheckpoint++;
            changesSinceBoundary++;
            readsSinceCheckpoint |= read;
          }
          eventsBeforeInBatch = true;
        }
        previousBatch = acknowledger;
        status.recordRead(events.size());
        recordSourceCall(events);
        eventsSinceCheckpoint += events.size();
        if (acknowledger.isTransactionBoundary()) {
          lastBoundary = acknowledger;
          changesSinceBoundary = 0;
          eventsAtBoundary = eventsSinceCheckpoint;
          acknowledged = false;
          boolean commitPointReached = false;
          if (commitAt != null) {
            commitPointReached =
                commitAt.checkpointId() == checkpoints.lastCheckpointId()
                    && commitAt.events() == eventsSinceCheckpoint;
            if (commitPointReached
                || commitAt.checkpointId() != checkpoints.lastCheckpointId()
                || eventsSinceCheckpoint > commitAt.events()) {
              commitAt = null;
            }
          }
          // A boundary that ends a snapshot commits it now (a chunk of one that goes on waits for
          // the interval). Many tables with waiting changes are committed early, to bound memory.
          if (stopRequested
              || (readsSinceCheckpoint && !acknowledger.snapshotGoesOn())
              || intervalPassed()
              || tablesWritten.size() >= MAX_TABLES_PER_CHECKPOINT
              || ((acknowledger.tableChangeFollows() || commitPointReached)
                  && !tablesWritten.isEmpty())) {
            checkpoint();
          }
          if (stopRequested) {
            finish();
          }
        }
      } catch (InterruptedException | RuntimeException e) {
        finish();
        throw e;
      } catch (Exception e) {
        finish();
        throw new PipelineFailure(e);
      }
    }
  }

  private void recordSourceCall(List<DataChangeEvent> events) {
    long newest = -1;
    boolean snapshot = false;
    if (!events.isEmpty()) {
      DataChangeEvent last = events.get(events.size() - 1);
      snapshot = last.operation() == OperationType.READ;
      newest = snapshot ? -1 : last.sourceTimestampMillis();
    }
    status.recordSourceCall(clock.millis(), newest, snapshot, changesSinceCheckpoint > 0);
  }

  @Override
  public boolean wantsEveryBoundary() {
    return commitAt != null;
  }

  @Override
  public void snapshotStarting(Map<TableId, Long> estimatedRows) {
    Map<TableId, Long> perSinkTable = new HashMap<>();
    estimatedRows.forEach(
        (table, rows) -> {
          for (TableId sinkTable : router.route(table)) {
            perSinkTable.merge(sinkTable, Math.max(0, rows), Long::sum);
          }
        });
    status.recordSnapshotStarting(perSinkTable, clock.millis());
  }

  /**
   * Passes the load on with the sink tables it replaces; a sink table that merges several source
   * tables is not replaced, as the others' rows are in it too.
   */
  @Override
  public void initialLoad(String loadId, Set<TableId> replacing) {
    Set<TableId> sinkTables = new LinkedHashSet<>();
    for (TableId sourceTable : replacing) {
      for (TableId sinkTable : router.route(sourceTable)) {
        if (router.merges(sinkTable)) {
          LOG.warn(
              "Table {}: source table {} is loaded again, but its rows are not replaced, as the"
                  + " table merges other source tables too: rows deleted at the source while it"
                  + " was not captured stay",
              sinkTable,
              sourceTable);
        } else {
          sinkTables.add(sinkTable);
        }
      }
    }
    synchronized (lock) {
      if (!java.util.Collections.disjoint(tablesWritten, sinkTables)) {
        // A table loaded again while the pipeline runs: the changes written to it so far are
        // committed first (the source starts such a load at a transaction boundary), as the load's
        // first commit replaces the rows committed before it.
        try {
          checkpoint();
          checkpoints.awaitCommit();
        } catch (RuntimeException e) {
          throw e;
        } catch (Exception e) {
          throw new PipelineFailure(e);
        }
      }
      sink.initialLoad(loadId, sinkTables);
    }
  }

  @Override
  public void snapshotChunks(
      TableId table, long rowsBefore, long chunksLoaded, long chunksExpected) {
    status.recordSnapshotChunks(
        table,
        router.route(table),
        new PipelineStatus.LoadChunks(rowsBefore, chunksLoaded, chunksExpected));
  }

  /**
   * Before a sink table's columns change: its uncommitted changes are committed first, which needs
   * a transaction boundary right before this event; except for shards of differing columns during
   * the snapshot, which is committed whole: the merged table grows while its snapshot rows wait
   * (the sink keeps them).
   */
  private void beforeColumnChange(
      TableId sinkTable, boolean additiveToMergedTable, List<String> notes) throws Exception {
    if (readsSinceCheckpoint && additiveToMergedTable) {
      checkpoints.awaitCommit();
    } else {
      commitBeforeChanging(sinkTable, "change the columns of", notes);
    }
  }

  /**
   * Commits the table's uncommitted changes before a change to the table itself, which the source
   * hands over right after a transaction boundary.
   */
  private void commitBeforeChanging(TableId sinkTable, String what, List<String> notes)
      throws Exception {
    if (tablesWritten.contains(sinkTable)) {
      if (changesSinceBoundary > 0 && !readsSinceCheckpoint && eventsAtBoundary > 0) {
        // Other changes of this transaction came first: a run from the newest checkpoint that
        // commits at this transaction's start can apply the change.
        commitPointNeeded =
            new CommitPoint(
                checkpoints.lastCheckpointId(),
                eventsAtBoundary,
                "Cannot "
                    + what
                    + " table "
                    + sinkTable
                    + " in the middle of a source transaction whose earlier changes are not"
                    + " committed");
        throw new EndOfRun();
      }
      if (changesSinceBoundary > 0
          && !readsSinceCheckpoint
          && !eventsBeforeInBatch
          && previousBatch != null) {
        // The transaction changed the table's rows before: commit its first part, up to right
        // before this change (the source hands it over there), rather than stop.
        LOG.warn(
            "Table {}: to {} it inside a source transaction that changed its rows before, the"
                + " transaction's first part is committed on its own (readers may see it alone until the"
                + " next commit)",
            sinkTable,
            what);
        lastBoundary = previousBatch;
        eventsAtBoundary = eventsSinceCheckpoint;
        acknowledged = false;
        changesSinceBoundary = 0;
        checkpoint();
        checkpoints.awaitCommit();
        return;
      }
      if (changesSinceBoundary > 0 || readsSinceCheckpoint) {
        throw new PermanentPipelineException(
            "Cannot "
                + what
                + " table "
                + sinkTable
                + " in the middle of a source transaction that"
                + " also changed its rows"
                + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
      }
      checkpoint();
    }
    checkpoints.awaitCommit();
  }

  /** Applies a source TRUNCATE or DROP TABLE as the schema change behavior says. */
  private void changeTable(TableId sinkTable, OperationType operation) throws Exception {
    boolean drop = operation == OperationType.DROP_TABLE;
    String done = drop ? "dropped" : "truncated";
    if (router.merges(sinkTable)) {
      LOG.info(
          "Table {}: one of the source tables it merges was {}; not applied to the merged table",
          sinkTable,
          done);
      return;
    }
    if (!(drop
        ? schemaEvolver.appliesDropTable(sinkTable)
        : schemaEvolver.appliesTruncate(sinkTable))) {
      LOG.info(
          "Table {}: {} in the source; not applied (pipeline.schema.change.behavior is {}"
              + " or sink option exclude.schema.changes leaves {} out)",
          sinkTable,
          done,
          schemaEvolver.behavior().name().toLowerCase(java.util.Locale.ROOT),
          drop ? "drop.table" : "truncate.table");
      // The table keeps rows the source no longer has: a key inserted again may meet one.
      sink.insertsMayRepeatKeys(sinkTable);
      return;
    }
    commitBeforeChanging(sinkTable, drop ? "drop" : "truncate", List.of());
    if (drop) {
      sink.dropTable(sinkTable);
      sinkSchemas.dropped(sinkTable);
      tablesWritten.remove(sinkTable);
    } else {
      sink.truncate(sinkTable);
    }
    LOG.info("Table {}: {}, as in the source", sinkTable, done);
  }

  private void onTimer() {
    synchronized (lock) {
      if (finished) {
        return;
      }
      try {
        checkpoints.heartbeatIfDue();
        if (checkpoints.commitFinished()) {
          checkpoints.awaitCommit();
        }
        boolean pending = changesSinceCheckpoint > 0 || !acknowledged;
        if (changesSinceBoundary == 0 && pending && (stopRequested || intervalPassed())) {
          checkpoint();
        }
        if (changesSinceBoundary == 0 && stopRequested) {
          finish();
        }
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          // The run is ending (after a failure reported on its own): no news.
          LOG.debug("Checkpoint {} interrupted", checkpoints.lastCheckpointId() + 1, e);
        } else {
          LOG.error(
              "Cannot commit checkpoint {}: {}",
              checkpoints.lastCheckpointId() + 1,
              e.getMessage(),
              e);
        }
        timerFailure.compareAndSet(null, e);
        finish();
        source.close();
      }
    }
  }

  private void finish() {
    finished = true;
    finishedSignal.countDown();
  }

  private boolean intervalPassed() {
    return clock.millis() - lastCheckpointMillis >= checkpointInterval.toMillis();
  }

  /**
   * Checkpoint N (see {@link CheckpointCoordinator}) at the newest boundary, with the changes
   * written since N-1; records and acknowledges the newest boundary even when nothing changed.
   */
  private void checkpoint() throws Exception {
    lastCheckpointMillis = clock.millis();
    checkpoints.awaitCommit();
    SourceAcknowledger boundary = acknowledged ? null : lastBoundary;
    acknowledged = true;
    if (changesSinceCheckpoint > 0) {
      checkpoints.checkpoint(lastBoundary.position(), changesSinceCheckpoint, boundary);
      changesSinceCheckpoint = 0;
      countEventsFromTheNewBoundary();
      if (readsSinceCheckpoint && !lastBoundary.snapshotGoesOn()) {
        status.recordSnapshotDone();
      }
      readsSinceCheckpoint = false;
      tablesWritten.clear();
    } else if (boundary != null) {
      checkpoints.recordPosition(boundary);
      countEventsFromTheNewBoundary();
    }
  }

  /**
   * Counts events from the boundary a checkpoint was just taken at, as a run restarted from it
   * would count them ({@link CommitPoint} names a point by that count): events handed over
   * after that boundary, written or not, stay counted.
   */
  private void countEventsFromTheNewBoundary() {
    eventsSinceCheckpoint -= eventsAtBoundary;
    eventsAtBoundary = 0;
  }

  /** Waits for the commit in flight on the way out; a failure is reported by {@link #run}. */
  private void awaitCommitQuietly() {
    Exception failure = checkpoints.awaitCommitQuietly();
    if (failure != null) {
      timerFailure.compareAndSet(null, failure);
    }
  }

  /** Carries a sink's checked exception out through the source's thread. */
  public static final class PipelineFailure extends RuntimeException {
    PipelineFailure(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Ends the source's run from inside the handler once {@link #commitPointNeeded} is set. */
  private static final class EndOfRun extends RuntimeException {
    EndOfRun() {
      super("the run ends for a commit point", null, false, false);
    }
  }
}
