package dev.cdcsync.api;

/** Creates {@link Source}s of one {@link #type()}. Implementations are stateless. */
public interface SourceFactory extends Factory {

  /**
   * Creates a source. Must not connect to the database: a pipeline whose sink cannot be created
   * should not have touched the source.
   *
   * @param options the validated options (only keys from {@link #options()} and the pass-through
   *     prefixes)
   */
  Source create(Configuration options, PipelineContext context);
}
