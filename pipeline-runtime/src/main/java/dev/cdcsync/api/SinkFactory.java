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
   * Where pipelines keep their state when {@code pipeline.state.location} is not given, if this
   * sink has a natural place for it (e.g. inside its warehouse), as a URI or a local path.
   * Pipelines get subdirectories.
   */
  default Optional<String> defaultStateLocation(Configuration options) {
    return Optional.empty();
  }

  /**
   * Opens the storage for a pipeline's checkpoints.
   *
   * @param location a URI without a trailing slash: {@code file:///...} for local directories,
   *     or any scheme the sink's storage supports (e.g. {@code s3://bucket/prefix})
   * @throws ConfigurationException if the sink cannot store files at that location
   */
  StateStorage openStateStorage(Configuration options, String location);
}
