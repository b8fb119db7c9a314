package dev.cdcsync.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a source or sink learns about the pipeline it runs in.
 *
 * @param pipelineName the pipeline's {@code pipeline.name}
 * @param stateDirectory a directory private to this pipeline where a component may keep state
 *     that must survive restarts (e.g. a database's schema history); created before use
 */
public record PipelineContext(String pipelineName, Path stateDirectory) {

  public PipelineContext {
    Objects.requireNonNull(pipelineName, "pipelineName");
    Objects.requireNonNull(stateDirectory, "stateDirectory");
  }
}
