package dev.cdcsync.runtime.definition;

import java.util.List;
import java.util.Objects;

/**
 * A parsed pipeline file, before its options are checked against the chosen factories.
 *
 * @param location where it was read from, for messages (a file name)
 * @param routes the {@code route} rules, in file order
 * @param transforms the {@code transform} rules, in file order
 * @param userFunctions the {@code pipeline.user-defined-function} entries ({@code name}, {@code
 *     classpath}), in file order
 */
public record PipelineDefinition(
    String location,
    ComponentDefinition source,
    ComponentDefinition sink,
    ComponentDefinition pipeline,
    List<RuleDefinition> routes,
    List<RuleDefinition> transforms,
    List<RuleDefinition> userFunctions) {

  public PipelineDefinition {
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(pipeline, "pipeline");
    routes = List.copyOf(routes);
    transforms = List.copyOf(transforms);
    userFunctions = List.copyOf(userFunctions);
  }

  /** A definition without user-defined functions. */
  public PipelineDefinition(
      String location,
      ComponentDefinition source,
      ComponentDefinition sink,
      ComponentDefinition pipeline,
      List<RuleDefinition> routes,
      List<RuleDefinition> transforms) {
    this(location, source, sink, pipeline, routes, transforms, List.of());
  }

  /** A definition without route or transform rules. */
  public PipelineDefinition(
      String location,
      ComponentDefinition source,
      ComponentDefinition sink,
      ComponentDefinition pipeline) {
    this(location, source, sink, pipeline, List.of(), List.of(), List.of());
  }
}
