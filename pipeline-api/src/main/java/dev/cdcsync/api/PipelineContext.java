package dev.cdcsync.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What a source or sink learns about the pipeline it runs in.
 *
 * @param pipelineName the pipeline's {@code pipeline.name}
 * @param workDirectory a local working directory private to this pipeline, for files that may
 *     be lost without harm (they are rebuilt from the state store on every start); not
 *     necessarily beside the state store, which may be remote; the component creates it
 * @param stateStorage the pipeline's durable state store, where a component keeps what must
 *     survive restarts (e.g. a database's schema history)
 */
public record PipelineContext(String pipelineName, Path workDirectory, StateStorage stateStorage) {

  public PipelineContext {
    Objects.requireNonNull(pipelineName, "pipelineName");
    Objects.requireNonNull(workDirectory, "workDirectory");
    Objects.requireNonNull(stateStorage, "stateStorage");
  }
}
