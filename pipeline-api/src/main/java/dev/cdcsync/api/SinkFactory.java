package dev.cdcsync.api;

import java.util.Optional;

/** Creates {@link Sink}s of one {@link #type()}. Implementations are stateless. */
public interface SinkFactory extends Factory {

  /**
   * Creates a sink; may connect to its catalog to fail fast on a wrong configuration.
   *
   * @param options the validated options
   */
  Sink create(Configuration options, PipelineContext context);

  /**
   * Checks what the option declarations cannot say (options that exclude or need each other)
   * without connecting anywhere, so {@code validate} reports it; throws {@link
   * ConfigurationException}.
   */
  default void validateOptions(Configuration options) {}

  /**
   * Where pipelines keep their state when {@code pipeline.state.location} is not given, if this
   * sink has a natural place for it (e.g. inside its warehouse), as a URI or a local path.
   * Pipelines get subdirectories.
   */
  default Optional<String> defaultStateLocation(Configuration options) {
    return Optional.empty();
  }

  /**
   * Checks, leaving nothing behind, what a first run needs of the sink: its catalog can be
   * reached, its warehouse and the pipeline's state store can be written. A failed check says how
   * to fix it.
   */
  java.util.List<PreflightCheck> check(Configuration options, PipelineContext context);

  /**
   * Opens the storage for a pipeline's checkpoints.
   *
   * @param location a URI without a trailing slash: {@code file:///...} for local directories,
   *     or any scheme the sink's storage supports (e.g. {@code s3://bucket/prefix})
   * @throws ConfigurationException if the sink cannot store files at that location
   */
  StateStorage openStateStorage(Configuration options, String location);
}
