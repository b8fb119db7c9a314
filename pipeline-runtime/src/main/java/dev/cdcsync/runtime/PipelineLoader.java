package dev.cdcsync.runtime;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.Factory;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.SinkFactory;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.runtime.definition.ComponentDefinition;
import dev.cdcsync.runtime.definition.OptionsValidator;
import dev.cdcsync.runtime.definition.PipelineDefinition;
import dev.cdcsync.runtime.definition.RuleDefinition;
import dev.cdcsync.runtime.transform.TransformRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.Map;

/**
 * Turns a parsed pipeline file into validated, typed configurations and the factories they
 * select. Touches no database: every {@link ConfigurationException} it throws comes before any
 * connection.
 */
public final class PipelineLoader {

  /** A pipeline whose configuration is valid, ready to be started. */
  public record LoadedPipeline(
      String name,
      SourceFactory sourceFactory,
      Configuration sourceOptions,
      SinkFactory sinkFactory,
      Configuration sinkOptions,
      Configuration pipelineOptions,
      Path stateDirectory,
      TableRouter router,
      List<TransformRule> transforms) {

    public PipelineContext context() {
      return new PipelineContext(
          name, stateDirectory, sinkFactory.openStateStorage(sinkOptions, stateDirectory));
    }
  }

  private final Map<String, SourceFactory> sources;
  private final Map<String, SinkFactory> sinks;

  public PipelineLoader(List<SourceFactory> sources, List<SinkFactory> sinks) {
    this.sources = byType(sources);
    this.sinks = byType(sinks);
  }

  /** A loader with every factory on the class path. */
  public static PipelineLoader withInstalledFactories() {
    List<SourceFactory> sources = new ArrayList<>();
    ServiceLoader.load(SourceFactory.class).forEach(sources::add);
    List<SinkFactory> sinks = new ArrayList<>();
    ServiceLoader.load(SinkFactory.class).forEach(sinks::add);
    return new PipelineLoader(sources, sinks);
  }

  public LoadedPipeline load(PipelineDefinition definition, String defaultName) {
    String location = definition.location();
    SourceFactory sourceFactory = select(location, definition.source(), sources);
    SinkFactory sinkFactory = select(location, definition.sink(), sinks);
    Configuration sourceOptions = validate(location, definition.source(), sourceFactory);
    Configuration sinkOptions =
        OptionsValidator.validate(
            location,
            definition.sink(),
            sinkFactory.type(),
            concat(sinkFactory.options(), SinkOptions.ALL),
            sinkFactory.passThroughPrefixes());
    try {
      sinkFactory.validateOptions(sinkOptions);
    } catch (ConfigurationException e) {
      throw new ConfigurationException("Cannot load pipeline " + location + ":\n  " + e.getMessage(), e);
    }
    Configuration pipelineOptions =
        OptionsValidator.validate(
            location, definition.pipeline(), "pipeline", PipelineOptions.ALL, List.of());

    String name = pipelineOptions.optional(PipelineOptions.NAME).orElse(defaultName);
    Path stateDirectory =
        pipelineOptions
            .optional(PipelineOptions.STATE_LOCATION)
            .map(PipelineLoader::localPath)
            .or(() -> sinkFactory.defaultStateLocation(sinkOptions))
            .map(root -> root.resolve(safeDirectoryName(name)))
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "Cannot choose where to keep pipeline state: the sink has no local"
                            + " warehouse; set pipeline option 'state.location' in " + location));
    TableRouter router;
    List<TransformRule> transforms = new ArrayList<>();
    try {
      router = TableRouter.of(definition.routes(), sourceFactory.tableIdFormat());
      for (RuleDefinition transform : definition.transforms()) {
        transforms.add(TransformRule.of(transform, sourceFactory.tableIdFormat()));
      }
    } catch (ConfigurationException e) {
      throw new ConfigurationException("Cannot load pipeline " + location + ":\n  " + e.getMessage(), e);
    }
    return new LoadedPipeline(
        name, sourceFactory, sourceOptions, sinkFactory, sinkOptions, pipelineOptions,
        stateDirectory, router, transforms);
  }

  private static Configuration validate(
      String location, ComponentDefinition section, Factory factory) {
    return OptionsValidator.validate(
        location, section, factory.type(), factory.options(), factory.passThroughPrefixes());
  }

  private static List<ConfigOption<?>> concat(List<ConfigOption<?>> a, List<ConfigOption<?>> b) {
    List<ConfigOption<?>> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static <F extends Factory> F select(
      String location, ComponentDefinition section, Map<String, F> factories) {
    F factory = factories.get(section.type());
    if (factory == null) {
      throw OptionsValidator.unknownType(location, section, List.copyOf(factories.keySet()));
    }
    return factory;
  }

  private static <F extends Factory> Map<String, F> byType(List<F> factories) {
    Map<String, F> result = new TreeMap<>();
    factories.forEach(factory -> result.put(factory.type(), factory));
    return result;
  }

  /** Accepts a plain path or a {@code file:} URI. */
  public static Path localPath(String location) {
    if (location.startsWith("file:")) {
      return Path.of(java.net.URI.create(location));
    }
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      throw new ConfigurationException(
          "Cannot use pipeline option 'state.location': only local paths are supported yet: "
              + location);
    }
    return Path.of(location).toAbsolutePath();
  }

  static String safeDirectoryName(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
