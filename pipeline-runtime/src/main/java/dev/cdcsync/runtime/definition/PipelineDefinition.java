package dev.cdcsync.runtime.definition;

import java.util.Objects;

/**
 * A parsed pipeline file, before its options are checked against the chosen factories.
 *
 * @param location where it was read from, for messages (a file name)
 */
public record PipelineDefinition(
    String location,
    ComponentDefinition source,
    ComponentDefinition sink,
    ComponentDefinition pipeline) {

  public PipelineDefinition {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(pipeline, "pipeline");
  }
}
