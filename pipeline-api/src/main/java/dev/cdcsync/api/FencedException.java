package dev.cdcsync.api;

/**
 * Another instance of the same pipeline has started and owns its tables now; this instance must
 * stop without committing anything more.
 */
public class FencedException extends PermanentPipelineException {

  public FencedException(String message) {
    super(message);
  }
}
