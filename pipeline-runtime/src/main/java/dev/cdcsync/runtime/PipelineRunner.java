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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipeline: hands the source's changes to the sink, commits every checkpoint interval,
 * and acknowledges to the source only what the sink has committed.
 *
 * <p>All sink calls happen under one lock, normally on the source's thread; {@link #stop()} may
 * take over the final commit when the source stays silent.
 */
public final class PipelineRunner implements ChangeHandler {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);
  private static final Duration FINAL_CHECKPOINT_WAIT = Duration.ofSeconds(5);

  private final String pipelineName;
  private final Source source;
  private final Sink sink;
  private final TableRouter router;
  private final Duration checkpointInterval;
  private final CheckpointStore checkpointStore;
  private final PipelineStatus status = new PipelineStatus();
  private final Clock clock;

  private final Object lock = new Object();
  private final CountDownLatch finalCheckpointDone = new CountDownLatch(1);
  private volatile boolean stopRequested;
  private boolean finished;
  private long lastCheckpointId;
  private long lastCheckpointMillis;
  private long changesSinceCheckpoint;
  private boolean readsSinceCheckpoint;
  private String lastPosition = "";

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
    try {
      source.run(this);
    } finally {
      finalCheckpointDone.countDown();
    }
  }

  /**
   * Asks the pipeline to commit what it buffered and stop; returns when the source is closed.
   * Safe from any thread, e.g. a shutdown hook.
   */
  public void stop() throws Exception {
    stopRequested = true;
    if (!finalCheckpointDone.await(FINAL_CHECKPOINT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      // The source did not call in (an idle binlog sends nothing): commit from here. What this
      // commits is not acknowledged, so the source delivers it again after a restart, where the
      // upsert makes the replay harmless.
      synchronized (lock) {
        if (!finished) {
          checkpoint();
          finished = true;
        }
      }
      finalCheckpointDone.countDown();
    }
    source.close();
  }

  @Override
  public void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger)
      throws InterruptedException {
    synchronized (lock) {
      if (finished) {
        return;
      }
      try {
        for (DataChangeEvent event : events) {
          if (event.operation() != OperationType.READ && readsSinceCheckpoint) {
            // Snapshot rows are written without looking up earlier versions of their keys; a
            // commit here keeps a streamed change to such a key from landing beside it.
            checkpoint();
          }
          sink.write(router.route(event.tableId()), event);
          changesSinceCheckpoint++;
          readsSinceCheckpoint |= event.operation() == OperationType.READ;
        }
        status.recordRead(events.size());
        lastPosition = acknowledger.position();
        boolean stopping = stopRequested;
        if (stopping || clock.millis() - lastCheckpointMillis >= checkpointInterval.toMillis()) {
          checkpoint();
          acknowledger.acknowledge();
        }
        if (stopping) {
          finished = true;
          finalCheckpointDone.countDown();
        }
      } catch (InterruptedException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new PipelineFailure(e);
      }
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
