package dev.cdcsync.api;

import java.util.Objects;

/**
 * Identifies one commit round of a pipeline.
 *
 * @param id increasing for the life of the pipeline
 * @param pipelineName the pipeline's name
 * @param epoch the instance that made it: increases each time an instance of the pipeline starts
 * @param sourcePosition the source position the commit reaches, human-readable
 */
public record Checkpoint(long id, String pipelineName, long epoch, String sourcePosition) {

  public Checkpoint {
    Objects.requireNonNull(pipelineName, "pipelineName");
    Objects.requireNonNull(sourcePosition, "sourcePosition");
  }
}
