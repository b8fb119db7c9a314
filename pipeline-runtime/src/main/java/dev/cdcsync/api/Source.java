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
   * Reads until {@link #close()} is called or reading fails, starting right after {@code
   * startAfter} (a position this source reported earlier), or from the beginning (the initial
   * snapshot, or the current end of the log, as configured) when it is empty. Whatever the source
   * may have remembered itself is ignored: the caller's position is the truth.
   *
   * @throws Exception when reading fails; {@link PermanentPipelineException} when retrying cannot
   *     help
   */
  void run(ChangeHandler handler, java.util.Optional<SourcePosition> startAfter) throws Exception;

  /** Stops {@link #run} and releases connections; idempotent. */
  @Override
  void close();
}
