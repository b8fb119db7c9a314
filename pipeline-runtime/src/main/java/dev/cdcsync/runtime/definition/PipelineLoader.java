package dev.cdcsync.runtime.definition;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.Factory;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.SinkFactory;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.runtime.routing.TableRouter;
import dev.cdcsync.runtime.transform.TransformRule;
import dev.cdcsync.runtime.transform.UserFunctions;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a parsed pipeline file into validated, typed configurations and the factories they
 * select. Touches no database: every {@link ConfigurationException} it throws comes before any
 * connection.
 */
public final class PipelineLoader {

  /** A warning about one option: {@code source option 'key' ...}. */
  private static final Pattern OPTION_WARNING = Pattern.compile("(?:source|sink) option '([^']+)'");

  /** A pipeline whose configuration is valid, ready to be started. */
  public record LoadedPipeline(
      String name,
      SourceFactory sourceFactory,
      Configuration sourceOptions,
      SinkFactory sinkFactory,
      Configuration sinkOptions,
      Configuration pipelineOptions,
      String stateLocation,
      Path workDirectory,
      TableRouter router,
      List<TransformRule> transforms,
      UserFunctions userFunctions,
      List<String> warnings) {

    public LoadedPipeline {
      warnings = List.copyOf(warnings);
    }

    public PipelineContext context() {
      return new PipelineContext(name, workDirectory, openStateStorage());
    }

    /** The pipeline's durable state store, at {@link #stateLocation()}. */
    public StateStorage openStateStorage() {
      return sinkFactory.openStateStorage(sinkOptions, stateLocation);
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
    List<String> warnings = new ArrayList<>();
    Configuration sourceOptions =
        OptionsValidator.validate(
            location,
            definition.source(),
            sourceFactory.type(),
            concat(sourceFactory.options(), SourceSectionOptions.ALL),
            sourceFactory.passThroughPrefixes(),
            warnings);
    Configuration sinkOptions =
        OptionsValidator.validate(
            location,
            definition.sink(),
            sinkFactory.type(),
            concat(sinkFactory.options(), SinkOptions.ALL),
            sinkFactory.passThroughPrefixes(),
            warnings);
    try {
      sourceFactory.validateOptions(sourceOptions);
      sinkFactory.validateOptions(sinkOptions);
    } catch (ConfigurationException e) {
      throw new ConfigurationException(
          "Cannot load pipeline " + location + ":\n  " + e.getMessage(), e);
    }
    Configuration pipelineOptions =
        OptionsValidator.validate(
            location, definition.pipeline(), "pipeline", PipelineOptions.ALL, List.of(), warnings);
    warnings.addAll(withLines(definition.source(), sourceFactory.warnings(sourceOptions)));
    warnings.addAll(withLines(definition.sink(), sinkFactory.warnings(sinkOptions)));

    String name = pipelineOptions.optional(PipelineOptions.NAME).orElse(defaultName);
    String stateRoot =
        pipelineOptions
            .optional(PipelineOptions.STATE_LOCATION)
            .or(() -> sinkFactory.defaultStateLocation(sinkOptions))
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "Cannot choose where to keep pipeline state: the sink has no warehouse;"
                            + " set pipeline option 'state.location' in "
                            + location));
    String stateLocation = normalizeLocation(stateRoot) + "/" + safeDirectoryName(name);
    Path workDirectory =
        localPath(stateLocation)
            .orElseGet(
                () ->
                    Path.of(
                        System.getProperty("java.io.tmpdir"), "cdc-sync", safeDirectoryName(name)));
    TableRouter router;
    List<TransformRule> transforms = new ArrayList<>();
    UserFunctions userFunctions;
    try {
      // The plugins' class loader, which the command line sets (see Plugins in cdc-sync-cli).
      userFunctions =
          UserFunctions.load(
              definition.userFunctions(), Thread.currentThread().getContextClassLoader());
      router =
          TableRouter.of(
              definition.routes(),
              sourceFactory.tableIdFormat(),
              pipelineOptions.get(PipelineOptions.ROUTE_MODE));
      for (RuleDefinition transform : definition.transforms()) {
        transforms.add(TransformRule.of(transform, sourceFactory.tableIdFormat(), userFunctions));
      }
    } catch (ConfigurationException e) {
      throw new ConfigurationException(
          "Cannot load pipeline " + location + ":\n  " + e.getMessage(), e);
    }
    return new LoadedPipeline(
        name,
        sourceFactory,
        sourceOptions,
        sinkFactory,
        sinkOptions,
        pipelineOptions,
        stateLocation,
        workDirectory,
        router,
        transforms,
        userFunctions,
        warnings);
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

  /**
   * A location as a URI without a trailing slash: plain paths (relative ones against the working
   * directory) and {@code file:} URIs become {@code file:///...}; other schemes
   * ({@code s3://bucket/prefix}, {@code hdfs://...}) are kept as written.
   */
  public static String normalizeLocation(String location) {
    String uri = localPath(location).map(path -> path.toUri().toString()).orElse(location);
    while (uri.endsWith("/") && !uri.endsWith(":/") && !uri.endsWith("://")) {
      uri = uri.substring(0, uri.length() - 1);
    }
    return uri;
  }

  /** The local directory a plain path or {@code file:} URI names; empty for other schemes. */
  public static Optional<Path> localPath(String location) {
    if (location.startsWith("file:")) {
      try {
        return Optional.of(Path.of(URI.create(location)));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(
            "Cannot use location: not a valid file URI: " + location, e);
      }
    }
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
      return Optional.empty();
    }
    return Optional.of(Path.of(location).toAbsolutePath().normalize());
  }

  static String safeDirectoryName(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** A component's own warnings, each that begins with an option given in the file with its line. */
  private static List<String> withLines(ComponentDefinition section, List<String> warnings) {
    return warnings.stream()
        .map(
            warning -> {
              Matcher option = OPTION_WARNING.matcher(warning);
              return option.lookingAt() && section.options().containsKey(option.group(1))
                  ? "line " + section.options().get(option.group(1)).line() + ": " + warning
                  : warning;
            })
        .toList();
  }
}
