package dev.cdcsync.cli;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.runtime.PipelineRunner.PipelineFailure;

/** The command's exit codes, documented in the README. */
public final class ExitCodes {

  /** Clean stop (SIGTERM / SIGINT after the final commit) or success. */
  public static final int OK = 0;

  /** A runtime failure: the database, the warehouse or a value could not be handled. */
  public static final int RUNTIME_FAILURE = 1;

  /** The pipeline file or the command line is invalid; nothing was touched. */
  public static final int INVALID_CONFIGURATION = 2;

  private ExitCodes() {}

  static int of(Throwable failure) {
    Throwable cause = unwrap(failure);
    return cause instanceof ConfigurationException ? INVALID_CONFIGURATION : RUNTIME_FAILURE;
  }

  /** Peels off wrappers that add nothing to the message. */
  static Throwable unwrap(Throwable failure) {
    // A permanent failure inside a library's wrapper (a Debezium converter's) is the one to report.
    for (Throwable cause = failure;
        cause != null && cause.getCause() != cause;
        cause = cause.getCause()) {
      if (cause instanceof PermanentPipelineException) {
        return cause;
      }
    }
    Throwable current = failure;
    while ((current instanceof PipelineFailure
            || current instanceof java.util.concurrent.ExecutionException
            || current.getClass().getName().equals("io.debezium.DebeziumException")
                && current.getCause() != null
                && current.getMessage() != null
                && current.getCause().getMessage() != null
                && current.getMessage().contains(current.getCause().getMessage()))
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
