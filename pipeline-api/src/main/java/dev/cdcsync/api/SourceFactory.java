package dev.cdcsync.api;

import java.util.List;

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
   * Checks, changing nothing, what a first run needs of the database: the connection, rights and
   * server settings. A failed check says how to fix it.
   *
   * @throws RuntimeException when the database cannot be reached at all; the message says why
   */
  List<PreflightCheck> check(Configuration options, PipelineContext context);

  /**
   * Checks what the option declarations cannot say (the syntax of table patterns, options that
   * exclude or need each other) without connecting anywhere, so {@code validate --offline} refuses
   * what {@link #create} would; throws {@link ConfigurationException}.
   */
  default void validateOptions(Configuration options) {}

  /**
   * Asks the pipeline's instance that runs now to load tables again, replacing the rows their
   * sink tables hold (what {@code cdc-sync snapshot --table} does with the pipeline stopped). The
   * request goes through the database, into the change stream the instance reads; it acts on it
   * there, and after a crash before its load began, reads it again.
   *
   * @param tables the tables as option {@code scan.snapshot.reload.tables} names them
   * @throws PermanentPipelineException where this source takes no such request, or a table does
   *     not exist or is not captured
   */
  default void requestReload(Configuration options, PipelineContext context, List<String> tables) {
    throw new PermanentPipelineException(
        "Cannot load table(s) "
            + String.join(", ", tables)
            + " again while the pipeline runs: a "
            + type()
            + " source loads tables again only with the pipeline stopped; stop it first");
  }

  /**
   * The parts of this source's table ids, outermost first, e.g. {@code database.schema.table};
   * table patterns in {@code route} and {@code transform} rules have as many parts.
   */
  String tableIdFormat();
}
