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

  /**
   * The parts of this source's table ids, outermost first, e.g. {@code database.schema.table};
   * table patterns in {@code route} and {@code transform} rules have as many parts.
   */
  String tableIdFormat();
}
