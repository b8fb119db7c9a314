package dev.cdcsync.cli;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.SourceFailures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reports a failure the way an operator needs it: one clear message, the stack only in the log. */
final class CommandFailures {

  private static final Logger LOG = LoggerFactory.getLogger(CommandFailures.class);

  private CommandFailures() {}

  /** Prints the failure and returns the matching exit code. */
  static int report(Throwable failure) {
    Throwable cause = ExitCodes.unwrap(failure);
    if (cause instanceof ConfigurationException) {
      System.err.println("Error: " + cause.getMessage());
    } else if (cause instanceof PermanentPipelineException) {
      System.err.println("Error: " + cause.getMessage());
      LOG.debug("Failure", cause);
    } else if (SourceFailures.diagnose(cause).isPresent()) {
      // The message names the cause (connection refused, host not found, ...): the stack adds
      // nothing for an operator.
      System.err.println("Error: " + describe(cause));
      LOG.debug("Failure", cause);
    } else {
      LOG.error("Pipeline failed", cause);
      System.err.println("Error: " + describe(cause));
    }
    System.err.flush();
    return ExitCodes.of(cause);
  }

  private static String describe(Throwable failure) {
    StringBuilder message = new StringBuilder(String.valueOf(failure.getMessage()));
    Throwable cause = failure.getCause();
    while (cause != null && cause != failure) {
      if (cause.getMessage() != null && !message.toString().contains(cause.getMessage())) {
        message.append(": ").append(cause.getMessage());
      }
      failure = cause;
      cause = cause.getCause();
    }
    return message.toString();
  }
}
