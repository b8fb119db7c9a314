package dev.cdcsync.cli;

import dev.cdcsync.api.Sink;
import dev.cdcsync.api.Source;
import dev.cdcsync.runtime.CheckpointStore;
import dev.cdcsync.runtime.PipelineLoader;
import dev.cdcsync.runtime.PipelineLoader.LoadedPipeline;
import dev.cdcsync.runtime.PipelineOptions;
import dev.cdcsync.runtime.PipelineRunner;
import dev.cdcsync.runtime.TableRouter;
import dev.cdcsync.runtime.definition.PipelineDefinition;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running pipeline inside this process: loads the definition, creates sink then source, runs
 * until {@link #stop()} or a failure, and always closes what it opened.
 */
final class PipelineProcess {

  private static final Logger LOG = LoggerFactory.getLogger(PipelineProcess.class);

  private final LoadedPipeline pipeline;
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile PipelineRunner runner;

  private PipelineProcess(LoadedPipeline pipeline) {
    this.pipeline = pipeline;
  }

  /** Parses and validates a pipeline file; throws {@code ConfigurationException} if invalid. */
  static PipelineProcess load(Path file) {
    PipelineDefinition definition = PipelineDefinitionParser.withSystemEnvironment().parse(file);
    return load(definition, defaultName(file));
  }

  static PipelineProcess load(PipelineDefinition definition, String defaultName) {
    return new PipelineProcess(PipelineLoader.withInstalledFactories().load(definition, defaultName));
  }

  static String defaultName(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  LoadedPipeline pipeline() {
    return pipeline;
  }

  /** The runner once started, else null. */
  PipelineRunner runner() {
    return runner;
  }

  /**
   * Runs until stopped or failed. Returns normally after a requested stop.
   *
   * @throws Exception the failure that ended the pipeline
   */
  void run(PrintStream out, Duration progressInterval) throws Exception {
    Duration interval = pipeline.pipelineOptions().get(PipelineOptions.CHECKPOINT_INTERVAL);
    if (pipeline.pipelineOptions().get(PipelineOptions.PARALLELISM) > 1) {
      LOG.warn("pipeline.parallelism is ignored: cdc-sync reads each source with one reader");
    }
    try (Sink sink = pipeline.sinkFactory().create(pipeline.sinkOptions(), pipeline.context());
        Source source = pipeline.sourceFactory().create(pipeline.sourceOptions(), pipeline.context())) {
      runner =
          new PipelineRunner(
              pipeline.name(),
              source,
              sink,
              new TableRouter(),
              interval,
              new CheckpointStore(pipeline.stateDirectory()),
              Clock.systemUTC());
      started.countDown();
      LOG.info(
          "Pipeline '{}': {} -> {}, checkpoint every {}s, state in {}",
          pipeline.name(),
          pipeline.sourceFactory().type(),
          pipeline.sinkFactory().type(),
          interval.toSeconds(),
          pipeline.stateDirectory());
      ProgressPrinter printer = new ProgressPrinter(runner.status(), out, progressInterval);
      printer.start();
      try {
        runner.run();
      } finally {
        printer.stop();
      }
      if (!stopping.get()) {
        throw new IllegalStateException("The source stopped without being asked to");
      }
      printer.printIfChanged();
    } finally {
      started.countDown();
    }
  }

  /** Asks the pipeline to commit what it buffered and stop; safe from any thread. */
  void stop() throws Exception {
    stopping.set(true);
    started.await();
    PipelineRunner current = runner;
    if (current != null) {
      current.stop();
    }
  }
}
