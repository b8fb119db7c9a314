package dev.cdcsync.api;

/**
 * Reads a database's changes: first a snapshot of the selected tables' rows (as {@link
 * OperationType#READ} events), then every committed change in commit order.
 *
 * <p>Threading: {@link #run} blocks and calls its handler from one thread at a time, never
 * concurrently; {@link #close} may be called from any thread.
 */
public interface Source extends AutoCloseable {

  /**
   * Reads until {@link #close()} is called or reading fails. On start the source resumes after the
   * last position it was given an {@link SourceAcknowledger#acknowledge() acknowledgement} for in
   * an earlier run, so changes not acknowledged are delivered again.
   *
   * @throws Exception when reading fails; {@link PermanentPipelineException} when retrying cannot
   *     help
   */
  void run(ChangeHandler handler) throws Exception;

  /** Stops {@link #run} and releases connections; idempotent. */
  @Override
  void close();
}
