package dev.cdcsync.bench;

import dev.cdcsync.api.Source;
import dev.cdcsync.runtime.definition.PipelineDefinition;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import dev.cdcsync.runtime.definition.PipelineLoader;
import dev.cdcsync.runtime.definition.PipelineLoader.LoadedPipeline;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * cdc-sync's own source, built from a pipeline file through the same factories and options as
 * the product, running in this JVM into a {@link BaselineConsumer}.
 */
final class Baseline implements AutoCloseable {

  private final Source source;
  private final BaselineConsumer consumer = new BaselineConsumer();
  private final Thread reader;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final long startNanos;

  private Baseline(Source source) {
    this.source = source;
    this.reader = new Thread(this::read, "baseline-source");
    reader.setDaemon(true);
    this.startNanos = System.nanoTime();
    reader.start();
  }

  /** Builds the file's source and starts reading from the beginning (snapshot, then stream). */
  static Baseline start(PipelineFile file) {
    PipelineDefinition definition =
        new PipelineDefinitionParser(
                name -> file.environment().getOrDefault(name, System.getenv(name)))
            .parse(file.path());
    LoadedPipeline pipeline = PipelineLoader.withInstalledFactories().load(definition, file.name());
    return new Baseline(
        pipeline.sourceFactory().create(pipeline.sourceOptions(), pipeline.context()));
  }

  BaselineConsumer consumer() {
    return consumer;
  }

  /** When reading started, on the {@link System#nanoTime()} scale. */
  long startNanos() {
    return startNanos;
  }

  /** Fails if the source stopped by itself. */
  void requireRunning() {
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("The baseline source failed: " + failed.getMessage(), failed);
    }
    if (!reader.isAlive()) {
      throw new IllegalStateException("The baseline source stopped by itself");
    }
  }

  private void read() {
    try {
      source.run(consumer, Optional.empty());
    } catch (Throwable e) {
      failure.set(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    source.close();
    reader.join(60_000);
  }
}
