package dev.cdcsync.cli;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.runtime.CommitPoint;
import dev.cdcsync.runtime.PipelineRunner;
import dev.cdcsync.runtime.PipelineStatus;
import dev.cdcsync.runtime.PipelineStatus.TableStatus;
import dev.cdcsync.runtime.checkpoint.CheckpointStore;
import dev.cdcsync.runtime.checkpoint.InstanceLease;
import dev.cdcsync.runtime.definition.PipelineDefinition;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import dev.cdcsync.runtime.definition.PipelineLoader;
import dev.cdcsync.runtime.definition.PipelineLoader.LoadedPipeline;
import dev.cdcsync.runtime.definition.PipelineOptions;
import dev.cdcsync.runtime.schema.SchemaChangeFilter;
import dev.cdcsync.runtime.schema.SchemaEvolver;
import dev.cdcsync.runtime.transform.Transformer;
import dev.cdcsync.runtime.transform.UserFunctions;
import dev.cdcsync.util.Retry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running pipeline inside this process: loads the definition, creates sink then source, runs
 * until {@link #stop()} or a failure, and always closes what it opened.
 */
final class PipelineProcess {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineProcess.class);

  /** How long an instance may show no sign of life before another one may take over. */
  private static final Duration LEASE_STALE_AFTER = Duration.ofSeconds(60);

  /** How often a new instance looks again whether the one it waits for is gone. */
  private static final Duration LEASE_CHECK_INTERVAL = Duration.ofSeconds(2);

  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
  static final int MAX_ATTEMPTS_WITHOUT_PROGRESS = 8;

  private final LoadedPipeline pipeline;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile PipelineRunner runner;
  private final PipelineStatus status = new PipelineStatus();

  /** The pause before each restart: {@code retryPause}, doubled after each failure, 32 times at most. */
  private final Retry restarts;

  private PipelineProcess(LoadedPipeline pipeline, Duration retryPause) {
    this.pipeline = pipeline;
    this.restarts =
        Retry.attempts(MAX_ATTEMPTS_WITHOUT_PROGRESS)
            .pausing(retryPause, retryPause.multipliedBy(32));
  }

  /** A loaded pipeline whose restarts wait {@code retryPause}, doubled after each failure. */
  static PipelineProcess of(LoadedPipeline pipeline, Duration retryPause) {
    return new PipelineProcess(pipeline, retryPause);
  }

  /** Parses and validates a pipeline file; throws {@code ConfigurationException} if invalid. */
  static PipelineProcess load(Path file) {
    PipelineDefinition definition = PipelineDefinitionParser.withSystemEnvironment().parse(file);
    return load(definition, defaultName(file));
  }

  static PipelineProcess load(PipelineDefinition definition, String defaultName) {
    return new PipelineProcess(
        PipelineLoader.withInstalledFactories().load(definition, defaultName), RETRY_PAUSE);
  }

  static String defaultName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  LoadedPipeline pipeline() {
    return pipeline;
  }

  /**
   * The instance of this pipeline that seems to be running elsewhere, said for people (see {@link
   * InstanceLease#aliveInstance}); empty if none.
   */
  Optional<String> runningInstance() throws IOException {
    try (StateStorage storage = pipeline.context().stateStorage()) {
      return new InstanceLease(storage, pipeline.name(), Clock.systemUTC(), LEASE_STALE_AFTER)
          .aliveInstance();
    }
  }

  /**
   * Waits while another instance of this pipeline seems to run, saying so once: a replacement that a
   * scheduler starts beside its predecessor (a rolling update) or right after it died on another
   * host starts once that instance's lease lapses, {@link #LEASE_STALE_AFTER} after its last sign
   * of life, instead of failing into a restart loop. Returns false if asked to stop meanwhile.
   */
  private boolean awaitOtherInstance() throws InterruptedException {
    Optional<String> other;
    try {
      other = runningInstance();
    } catch (IOException | RuntimeException e) {
      // The run reads the state store again, and retries what may pass.
      return true;
    }
    if (other.isEmpty()) {
      return true;
    }
    LOG.warn(
        "Pipeline '{}': {}; waiting until it stops or has been silent for {} s (state in {})",
        pipeline.name(),
        other.get(),
        LEASE_STALE_AFTER.toSeconds(),
        pipeline.stateLocation());
    try {
      while (other.isPresent()) {
        status.recordWaitingFor(other.get());
        if (stopRequested.await(LEASE_CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
          return false;
        }
        try {
          other = runningInstance();
        } catch (IOException | RuntimeException e) {
          LOG.debug("Cannot read the pipeline's state ({}); looking again", e.getMessage());
        }
      }
    } finally {
      status.recordWaitingFor(null);
    }
    LOG.info("Pipeline '{}': the other instance is gone; starting", pipeline.name());
    return true;
  }

  /** Asks the instance that runs to load tables again (see {@code SourceFactory#requestReload}). */
  void requestReload(List<String> tables) {
    pipeline.sourceFactory().requestReload(pipeline.sourceOptions(), pipeline.context(), tables);
  }

  /** The counters of this process's pipeline, across its restarts. */
  PipelineStatus status() {
    return status;
  }

  /** The runner once started, else null. */
  PipelineRunner runner() {
    return runner;
  }

  /**
   * Runs until stopped or failed. Returns normally after a requested stop. A failure that may pass
   * (the database restarting, a dropped connection) restarts the pipeline from its last checkpoint
   * after a growing pause; only {@link #MAX_ATTEMPTS_WITHOUT_PROGRESS} such failures in a row
   * without changes committed between them end it. Permanent failures (configuration, rights, an
   * unwritable warehouse, fencing) end it at once.
   *
   * @throws Exception the failure that ended the pipeline
   */
  void run(PrintStream out, Duration progressInterval) throws Exception {
    Duration interval = pipeline.pipelineOptions().get(PipelineOptions.CHECKPOINT_INTERVAL);
    pipeline.warnings().forEach(warning -> LOG.warn("{}", warning));
    LOG.info(
        "Pipeline '{}': {} -> {}, checkpoint every {}, state in {}",
        pipeline.name(),
        pipeline.sourceFactory().type(),
        pipeline.sinkFactory().type(),
        interval,
        pipeline.stateLocation());
    if (!awaitOtherInstance()) {
      return;
    }
    int failuresWithoutProgress = 0;
    CommitPoint commitAt = null;
    while (true) {
      long committedBefore = changesCommitted();
      try {
        Optional<CommitPoint> needed = runOnce(out, progressInterval, interval, commitAt);
        if (needed.isEmpty() || stopping.get()) {
          return;
        }
        CommitPoint point = needed.get();
        if (commitAt != null && commitAt.checkpointId() == point.checkpointId()) {
          throw new PermanentPipelineException(
              point.reason()
                  + ", and the run that committed at its start met the same change: the"
                  + " transaction cannot be split around it");
        }
        LOG.info(
            "Pipeline '{}': {}; restarting from checkpoint {} to commit at the transaction's start",
            pipeline.name(),
            point.reason(),
            point.checkpointId());
        commitAt = point;
      } catch (Exception e) {
        status.recordFailure();
        // Progress is changes committed: changes read again after each restart up to the same
        // failure are none (counting them let such a failure restart the pipeline forever), nor
        // is a checkpoint that only moves the source position.
        boolean progressed = changesCommitted() > committedBefore;
        failuresWithoutProgress = progressed ? 1 : failuresWithoutProgress + 1;
        if (stopping.get()
            || isPermanent(e)
            || failuresWithoutProgress >= MAX_ATTEMPTS_WITHOUT_PROGRESS) {
          throw e;
        }
        Duration pause = restarts.pauseBefore(failuresWithoutProgress + 1);
        LOG.warn(
            "Pipeline '{}' failed ({}); restarting from its last checkpoint in {} s (attempt {} of {})",
            pipeline.name(),
            ExitCodes.unwrap(e).getMessage(),
            pause.toSeconds(),
            failuresWithoutProgress + 1,
            MAX_ATTEMPTS_WITHOUT_PROGRESS);
        LOG.debug("Pipeline '{}' failed", pipeline.name(), e);
        if (stopRequested.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    }
  }

  /** One run of the pipeline; returns where the next run must commit, if it ended for that. */
  private Optional<CommitPoint> runOnce(
      PrintStream out, Duration progressInterval, Duration interval, CommitPoint commitAt)
      throws Exception {
    synchronized (this) {
      runner = null;
    }
    PipelineContext context = pipeline.context();
    try (StateStorage storage = context.stateStorage();
        UserFunctions userFunctions = pipeline.userFunctions();
        Sink sink = pipeline.sinkFactory().create(pipeline.sinkOptions(), context);
        Source source = pipeline.sourceFactory().create(pipeline.sourceOptions(), context)) {
      StateStorage state = context.stateStorage();
      CheckpointStore checkpoints = new CheckpointStore(state);
      PipelineRunner created =
          new PipelineRunner(
              pipeline.name(),
              source,
              sink,
              pipeline.router(),
              new Transformer(
                  pipeline.transforms(),
                  System::getenv,
                  Clock.system(pipeline.pipelineOptions().get(PipelineOptions.LOCAL_TIME_ZONE))),
              interval,
              checkpoints,
              new InstanceLease(state, pipeline.name(), Clock.systemUTC(), LEASE_STALE_AFTER),
              new SchemaEvolver(
                  pipeline.pipelineOptions().get(PipelineOptions.SCHEMA_CHANGE_BEHAVIOR),
                  SchemaChangeFilter.of(pipeline.sourceOptions(), pipeline.sinkOptions())),
              Clock.systemUTC(),
              status);
      if (commitAt != null) {
        created.commitAt(commitAt);
      }
      synchronized (this) {
        runner = created;
        if (stopping.get()) {
          return Optional.empty();
        }
      }
      ProgressPrinter printer = new ProgressPrinter(status, out, progressInterval);
      printer.start();
      Optional<CommitPoint> needed;
      try {
        needed = created.run();
      } catch (Exception e) {
        discardUncommittedStart(source, checkpoints, e);
        throw e;
      } finally {
        printer.stop();
      }
      if (needed.isEmpty() && !stopping.get() && !source.bounded()) {
        throw new IllegalStateException("The source stopped without being asked to");
      }
      if (needed.isEmpty() && source.bounded()) {
        LOG.info("Pipeline '{}': the source has read everything; done", pipeline.name());
      }
      printer.printIfChanged();
      return needed;
    }
  }

  /**
   * After a failed start from the beginning, lets the source remove what it created for its place
   * (a replication slot) while no checkpoint refers to it; not when another instance fenced this
   * one off: the slot may be that instance's now.
   */
  private void discardUncommittedStart(
      Source source, CheckpointStore checkpoints, Exception failure) {
    if (stopping.get() || ExitCodes.unwrap(failure) instanceof FencedException) {
      return;
    }
    try {
      if (checkpoints.latest().isPresent()) {
        return;
      }
    } catch (Exception e) {
      LOG.warn(
          "Pipeline '{}': cannot tell whether it has a checkpoint ({}); leaving the source as it is",
          pipeline.name(),
          e.getMessage());
      return;
    }
    source.discardUncommittedStart();
  }

  private long changesCommitted() {
    return status.tables().stream().mapToLong(TableStatus::changesCommitted).sum();
  }

  private static boolean isPermanent(Exception failure) {
    Throwable cause = ExitCodes.unwrap(failure);
    return cause instanceof ConfigurationException || cause instanceof PermanentPipelineException;
  }

  /** Asks the pipeline to commit what it buffered and stop; safe from any thread. */
  void stop() throws Exception {
    PipelineRunner current;
    synchronized (this) {
      stopping.set(true);
      stopRequested.countDown();
      current = runner;
    }
    if (current != null) {
      current.stop();
    }
  }
}
