package dev.cdcsync.runtime;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.checkpoint.CheckpointRecord;
import dev.cdcsync.runtime.checkpoint.CheckpointStore;
import dev.cdcsync.runtime.checkpoint.InstanceLease;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint protocol of one run, in one place: the instance lease (taken, kept alive,
 * checked before each checkpoint, released), recovery of the newest checkpoint on start, and each
 * checkpoint N's steps:
 *
 * <ol>
 *   <li>the sink prepares its files (on the caller's thread),
 *   <li>record N (source position + prepared files) goes to the state store,
 *   <li>each table commits (tables that already hold N are left alone),
 *   <li>only then is the position acknowledged to the source.
 * </ol>
 *
 * Steps 2 to 4 run on a committer thread, one checkpoint after another; a checkpoint is prepared
 * only once the one before it is committed. {@link PipelineRunner} decides when a checkpoint is
 * due and where it may cut; calls come from one thread at a time (the runner's lock).
 */
final class CheckpointCoordinator {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointCoordinator.class);
  private static final Duration HEARTBEAT = Duration.ofSeconds(10);

  private final String pipelineName;
  private final Sink sink;
  private final CheckpointStore store;
  private final InstanceLease lease;
  private final PipelineStatus status;
  private final Clock clock;
  private final Executor givenCommitter;

  private ExecutorService ownCommitter;
  private Executor committer;
  private volatile CompletableFuture<Void> commitInFlight;
  private long epoch;
  private long lastCheckpointId;
  private long lastHeartbeatMillis;

  /**
   * @param committer runs steps 2 to 4 and the acknowledgements, one task at a time and in order;
   *     null for a thread of the coordinator's own (tests pass one that runs them at once)
   */
  CheckpointCoordinator(
      String pipelineName,
      Sink sink,
      CheckpointStore store,
      InstanceLease lease,
      PipelineStatus status,
      Clock clock,
      Executor committer) {
    this.pipelineName = pipelineName;
    this.sink = sink;
    this.store = store;
    this.lease = lease;
    this.status = status;
    this.clock = clock;
    this.givenCommitter = committer;
  }

  /**
   * Takes the lease and finishes the newest checkpoint's commits; returns the position the source
   * resumes after, or empty for a start from the beginning.
   */
  Optional<SourcePosition> start() throws Exception {
    epoch = lease.acquire();
    Optional<SourcePosition> resumeAfter;
    try {
      resumeAfter = recover();
    } catch (Exception e) {
      lease.release();
      throw e;
    }
    lastHeartbeatMillis = clock.millis();
    if (givenCommitter == null) {
      ownCommitter =
          Executors.newSingleThreadExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "cdc-sync-committer");
                thread.setDaemon(true);
                return thread;
              });
    }
    committer = givenCommitter != null ? givenCommitter : ownCommitter;
    return resumeAfter;
  }

  private Optional<SourcePosition> recover() throws Exception {
    Optional<CheckpointRecord> latest = store.latest();
    if (latest.isEmpty()) {
      LOG.info("Pipeline '{}' has no checkpoint yet: starting from the beginning", pipelineName);
      return Optional.empty();
    }
    CheckpointRecord record = latest.get();
    List<TableCommit> commits =
        sink.recover(
            new Checkpoint(record.id(), pipelineName, epoch, record.position().description()),
            record.tables());
    if (!commits.isEmpty()) {
      LOG.info(
          "Recovered checkpoint {}: committed {} table(s) it had not reached",
          record.id(),
          commits.size());
    }
    lastCheckpointId = record.id();
    status.recordCheckpoint(record.id(), List.of(), clock.instant());
    LOG.info(
        "Resuming pipeline '{}' after checkpoint {} (committed at {})",
        pipelineName,
        record.id(),
        record.createdAt());
    LOG.debug("Checkpoint {} ends at source position {}", record.id(), record.position());
    return Optional.of(record.position());
  }

  /** The newest checkpoint prepared (its commit may still be in flight). */
  long lastCheckpointId() {
    return lastCheckpointId;
  }

  /** Renews the lease when it is due. */
  void heartbeatIfDue() throws Exception {
    if (clock.millis() - lastHeartbeatMillis >= HEARTBEAT.toMillis()) {
      lease.heartbeat();
      lastHeartbeatMillis = clock.millis();
    }
  }

  /**
   * Checkpoint N with the changes written since N-1: prepares them here, then records, commits
   * and acknowledges {@code acknowledge} (if not null) on the committer thread. Waits for N-1's
   * commit first.
   *
   * @param position where the source resumes after N
   */
  void checkpoint(SourcePosition position, long changes, SourceAcknowledger acknowledge)
      throws Exception {
    awaitCommit();
    long started = System.nanoTime();
    long id = lastCheckpointId + 1;
    lease.checkNotFenced();
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    long preparedAt = clock.millis();
    lastCheckpointId = id;
    commitInFlight =
        onCommitter(
            () -> {
              commit(id, position, prepared, changes, started, preparedAt);
              if (acknowledge != null) {
                acknowledge.acknowledge();
              }
            });
  }

  /**
   * Checkpoint N without changes: the source moved on (heartbeats, changes of other tables), so
   * its position is recorded, so that a restart does not go back to a position the database may
   * have let go of (a purged binlog), then acknowledged.
   */
  void recordPosition(SourceAcknowledger boundary) throws Exception {
    awaitCommit();
    long id = lastCheckpointId + 1;
    SourcePosition position = boundary.position();
    lease.checkNotFenced();
    lastCheckpointId = id;
    commitInFlight =
        onCommitter(
            () -> {
              Instant now = clock.instant();
              store.write(new CheckpointRecord(id, pipelineName, epoch, now, position, Map.of()));
              status.recordCheckpoint(id, List.of(), now);
              LOG.debug("Checkpoint {} records source position {} (no changes)", id, position);
              store.prune();
              boundary.acknowledge();
            });
  }

  /** Steps 2 and 3: the checkpoint record, the table commits. */
  private void commit(
      long id,
      SourcePosition position,
      Map<TableId, byte[]> prepared,
      long changes,
      long started,
      long preparedAtMillis)
      throws Exception {
    Instant now = clock.instant();
    store.write(new CheckpointRecord(id, pipelineName, epoch, now, position, prepared));
    List<TableCommit> commits =
        sink.commit(new Checkpoint(id, pipelineName, epoch, position.description()), prepared);
    status.recordCheckpoint(id, commits, now);
    status.recordCommitted(System.nanoTime() - started, preparedAtMillis);
    LOG.info(
        "Checkpoint {} committed {} changes to {} table(s) in {} ms",
        id,
        changes,
        commits.size(),
        (System.nanoTime() - started) / 1_000_000);
    LOG.debug("Checkpoint {} ends at source position {}", id, position);
    store.prune();
  }

  private interface CommitTask {
    void run() throws Exception;
  }

  private CompletableFuture<Void> onCommitter(CommitTask task) {
    return CompletableFuture.runAsync(
        () -> {
          try {
            task.run();
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        },
        committer);
  }

  /** Whether a commit was in flight and has finished (its failure not yet reported). */
  boolean commitFinished() {
    CompletableFuture<Void> inFlight = commitInFlight;
    return inFlight != null && inFlight.isDone();
  }

  /** Waits for the commit in flight, if any; throws what it failed with. */
  void awaitCommit() throws Exception {
    CompletableFuture<Void> inFlight = commitInFlight;
    if (inFlight == null) {
      return;
    }
    try {
      inFlight.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      commitInFlight = null;
    }
  }

  /**
   * Waits for the commit in flight on the way out; returns what it failed with (logged here), or
   * null.
   */
  Exception awaitCommitQuietly() {
    CompletableFuture<Void> inFlight = commitInFlight;
    if (inFlight == null) {
      return null;
    }
    try {
      inFlight.get();
    } catch (ExecutionException e) {
      LOG.error("Cannot commit the last checkpoint: {}", e.getCause().getMessage(), e.getCause());
      return e.getCause() instanceof Exception cause ? cause : e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** Lets the lease go (again, harmlessly), for another instance to take over. */
  void releaseLease() throws IOException {
    lease.release();
  }

  /** After the run, once the commit in flight is awaited: the committer and the lease go. */
  void close() throws IOException {
    if (ownCommitter != null) {
      ownCommitter.shutdown();
    }
    lease.release();
  }
}
