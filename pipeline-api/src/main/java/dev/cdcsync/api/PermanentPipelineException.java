package dev.cdcsync.api;

/**
 * A failure that retrying cannot fix (for example an authentication failure, a missing
 * permission, or a value that does not fit its column). The message says what to do.
 */
public class PermanentPipelineException extends RuntimeException {

  public PermanentPipelineException(String message) {
    super(message);
  }

  public PermanentPipelineException(String message, Throwable cause) {
    super(message, cause);
  }
}
