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

  /**
   * Called after {@link #run} failed on a start from the beginning, when the pipeline holds no
   * checkpoint: removes what that start created in the database to keep its place (e.g. a
   * PostgreSQL replication slot, which holds back the server's log while nothing reads it), since
   * no checkpoint refers to it and the next start from the beginning makes its own. Does nothing
   * when {@link #run} did not get as far as creating anything, or resumed from a position.
   *
   * <p>Called from the thread that called {@link #run}, after it returned, before {@link #close}.
   * Must not throw: when it cannot remove something, it logs what is left and how to remove it.
   */
  default void discardUncommittedStart() {}

  /**
   * Whether {@link #run} returns by itself once it has handed everything over (a bounded read,
   * such as {@code scan.startup.mode: snapshot}): the pipeline then commits what it was handed and
   * ends. False for a source that reads until closed.
   */
  default boolean bounded() {
    return false;
  }

  /** Stops {@link #run} and releases connections; idempotent. */
  @Override
  void close();
}
