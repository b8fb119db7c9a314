package dev.cdcsync.runtime;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.TableCommit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipeline: hands the source's changes to the sink, commits every checkpoint interval,
 * and acknowledges to the source only what the sink has committed.
 *
 * <p>Every sink and acknowledger call happens under one lock: on the source's thread while a
 * batch arrives, on a timer thread when the interval passes while the source is quiet, and on the
 * caller's thread for the final commit of {@link #stop()}.
 */
public final class PipelineRunner implements ChangeHandler {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  /** Snapshot rows are committed once the source has been quiet this long. */
  private static final long QUIET_AFTER_SNAPSHOT_MILLIS = 1_000;

  private final String pipelineName;
  private final Source source;
  private final Sink sink;
  private final TableRouter router;
  private final Duration checkpointInterval;
  private final CheckpointStore checkpointStore;
  private final PipelineStatus status = new PipelineStatus();
  private final Clock clock;
  private final AtomicReference<Exception> timerFailure = new AtomicReference<>();

  private final Object lock = new Object();
  private volatile boolean stopRequested;
  private boolean finished;
  private long lastCheckpointId;
  private long lastCheckpointMillis;
  private long changesSinceCheckpoint;
  private boolean readsSinceCheckpoint;
  private String lastPosition = "";
  private SourceAcknowledger lastAcknowledger;
  private boolean acknowledged = true;
  private long lastBatchMillis;

  public PipelineRunner(
      String pipelineName,
      Source source,
      Sink sink,
      TableRouter router,
      Duration checkpointInterval,
      CheckpointStore checkpointStore,
      Clock clock) {
    this.pipelineName = pipelineName;
    this.source = source;
    this.sink = sink;
    this.router = router;
    this.checkpointInterval = checkpointInterval;
    this.checkpointStore = checkpointStore;
    this.clock = clock;
  }

  public PipelineStatus status() {
    return status;
  }

  /** Runs until {@link #stop()} or a failure; everything handed over before a stop is committed. */
  public void run() throws Exception {
    lastCheckpointId =
        checkpointStore.load().map(CheckpointStore.CommittedCheckpoint::id).orElse(0L);
    lastCheckpointMillis = clock.millis();
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
      source.run(this);
    } finally {
      timer.shutdownNow();
    }
    Exception failure = timerFailure.get();
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Commits what was handed over, acknowledges it, and stops the source; returns when the source
   * is closed. Safe from any thread, e.g. a signal handler.
   */
  public void stop() throws Exception {
    stopRequested = true;
    try {
      synchronized (lock) {
        if (!finished) {
          finished = true;
          commitAndAcknowledge();
        }
      }
    } finally {
      source.close();
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
        boolean batchHasReads = false;
        for (DataChangeEvent event : events) {
          boolean read = event.operation() == OperationType.READ;
          if (!read && readsSinceCheckpoint) {
            // Snapshot rows are written without looking up earlier versions of their keys; a
            // commit here keeps a streamed change to such a key from landing beside it.
            checkpoint();
          }
          sink.write(router.route(event.tableId()), event);
          changesSinceCheckpoint++;
          readsSinceCheckpoint |= read;
          batchHasReads |= read;
        }
        status.recordRead(events.size());
        lastBatchMillis = clock.millis();
        lastPosition = acknowledger.position();
        lastAcknowledger = acknowledger;
        acknowledged = false;
        // A batch without snapshot rows after some means the snapshot is over: commit it now
        // (sources that send nothing while idle are covered by the timer).
        boolean snapshotFinished = readsSinceCheckpoint && !batchHasReads;
        if (stopRequested || snapshotFinished || intervalPassed()) {
          commitAndAcknowledge();
        }
      } catch (InterruptedException | RuntimeException e) {
        finished = true;
        throw e;
      } catch (Exception e) {
        finished = true;
        throw new PipelineFailure(e);
      }
    }
  }

  private void onTimer() {
    synchronized (lock) {
      boolean snapshotQuiet =
          readsSinceCheckpoint && clock.millis() - lastBatchMillis >= QUIET_AFTER_SNAPSHOT_MILLIS;
      boolean pending = changesSinceCheckpoint > 0 || !acknowledged;
      if (finished || !pending || !(intervalPassed() || snapshotQuiet)) {
        return;
      }
      try {
        commitAndAcknowledge();
      } catch (Exception e) {
        LOG.error("Cannot commit checkpoint {}: {}", lastCheckpointId + 1, e.getMessage(), e);
        timerFailure.compareAndSet(null, e);
        finished = true;
        source.close();
      }
    }
  }

  private boolean intervalPassed() {
    return clock.millis() - lastCheckpointMillis >= checkpointInterval.toMillis();
  }

  private void commitAndAcknowledge() throws Exception {
    checkpoint();
    if (lastAcknowledger != null && !acknowledged) {
      lastAcknowledger.acknowledge();
      acknowledged = true;
    }
  }

  private void checkpoint() throws Exception {
    lastCheckpointMillis = clock.millis();
    if (changesSinceCheckpoint == 0) {
      return;
    }
    long started = System.nanoTime();
    long id = lastCheckpointId + 1;
    List<TableCommit> commits = sink.commit(new Checkpoint(id, pipelineName, lastPosition));
    Instant now = clock.instant();
    checkpointStore.save(new CheckpointStore.CommittedCheckpoint(id, lastPosition, now));
    lastCheckpointId = id;
    status.recordCheckpoint(id, commits, now);
    LOG.info(
        "Checkpoint {} committed {} changes to {} table(s) in {} ms (source position {})",
        id,
        changesSinceCheckpoint,
        commits.size(),
        (System.nanoTime() - started) / 1_000_000,
        lastPosition);
    changesSinceCheckpoint = 0;
    readsSinceCheckpoint = false;
  }

  /** Carries a sink's checked exception out through the source's thread. */
  public static final class PipelineFailure extends RuntimeException {
    PipelineFailure(Exception cause) {
      super(cause.getMessage(), cause);
    }
  }
}
