package dev.cdcsync.runtime.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.SinkFactory;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.runtime.definition.PipelineLoader.LoadedPipeline;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest {

  private static final String LOCATION = "shop.yaml";

  private final FakeSourceFactory mysql = new FakeSourceFactory("mysql");
  private final FakeSourceFactory postgres = new FakeSourceFactory("postgres");
  private final FakeSinkFactory files = new FakeSinkFactory("files");
  private final PipelineLoader loader =
      new PipelineLoader(List.of(postgres, mysql), List.of(files));

  @TempDir Path warehouse;

  @Test
  void selectsTheFactoriesAndValidatesEverySection() {
    LoadedPipeline pipeline =
        loader.load(
            parse(
                """
                source:
                  type: mysql
                  hostname: db.internal
                  debezium.snapshot.mode: never
                sink:
                  type: files
                  warehouse: %s
                pipeline:
                  name: shop
                  checkpoint.interval: 10s
                """
                    .formatted(warehouse)),
            "ignored-default");

    assertThat(pipeline.name()).isEqualTo("shop");
    assertThat(pipeline.sourceFactory()).isSameAs(mysql);
    assertThat(pipeline.sinkFactory()).isSameAs(files);
    assertThat(pipeline.sourceOptions().asMap())
        .isEqualTo(Map.of("hostname", "db.internal", "debezium.snapshot.mode", "never"));
    assertThat(pipeline.sinkOptions().asMap()).isEqualTo(Map.of("warehouse", warehouse.toString()));
    assertThat(pipeline.pipelineOptions().asMap())
        .isEqualTo(Map.of("name", "shop", "checkpoint.interval", "10s"));
    assertThat(pipeline.pipelineOptions().get(PipelineOptions.CHECKPOINT_INTERVAL))
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(pipeline.stateLocation()).isEqualTo(fileUri(warehouse.resolve(".cdc-sync/shop")));
    assertThat(pipeline.workDirectory()).isEqualTo(warehouse.resolve(".cdc-sync/shop"));
  }

  @Test
  void keepsStateInTheSinksDefaultLocationUnderTheDefaultNameMadeSafe() {
    LoadedPipeline pipeline =
        loader.load(parse(sourceAndSink("warehouse: " + warehouse)), "shop orders/v2");

    assertThat(pipeline.name()).isEqualTo("shop orders/v2");
    assertThat(pipeline.stateLocation())
        .isEqualTo(fileUri(warehouse.resolve(".cdc-sync/shop_orders_v2")));
  }

  @Test
  void prefersTheExplicitStateLocationOverTheSinksDefault(@TempDir Path stateRoot) {
    LoadedPipeline pipeline =
        loader.load(
            parse(
                sourceAndSink("warehouse: " + warehouse)
                    + "pipeline:\n  name: shop\n  state.location: "
                    + stateRoot
                    + "\n"),
            "ignored-default");

    assertThat(pipeline.stateLocation()).isEqualTo(fileUri(stateRoot.resolve("shop")));
  }

  @Test
  void acceptsAFileUriAsStateLocation(@TempDir Path stateRoot) {
    LoadedPipeline pipeline =
        loader.load(
            parse(sourceAndSink("") + "pipeline:\n  state.location: " + stateRoot.toUri() + "\n"),
            "shop");

    assertThat(pipeline.stateLocation()).isEqualTo(fileUri(stateRoot.resolve("shop")));
  }

  @Test
  void resolvesARelativeStateLocationAgainstTheWorkingDirectory() {
    LoadedPipeline pipeline =
        loader.load(parse(sourceAndSink("") + "pipeline:\n  state.location: state\n"), "shop");

    assertThat(pipeline.stateLocation())
        .isEqualTo(fileUri(Path.of("state").toAbsolutePath().resolve("shop")));
  }

  @Test
  void keepsARemoteStateLocationAsWrittenWithALocalWorkDirectoryElsewhere() {
    LoadedPipeline pipeline =
        loader.load(
            parse(sourceAndSink("") + "pipeline:\n  state.location: s3://bucket/state/\n"), "shop");

    assertThat(pipeline.stateLocation()).isEqualTo("s3://bucket/state/shop");
    assertThat(pipeline.workDirectory())
        .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "cdc-sync", "shop"));
  }

  @Test
  void putsTheStateInsideARemoteWarehouseByDefault() {
    LoadedPipeline pipeline =
        loader.load(parse(sourceAndSink("warehouse: s3://bucket/warehouse")), "shop");

    assertThat(pipeline.stateLocation()).isEqualTo("s3://bucket/warehouse/.cdc-sync/shop");
  }

  private static String fileUri(Path path) {
    return "file://" + path.toAbsolutePath();
  }

  @Test
  void needsAStateLocationWhenTheSinkHasNoDefault() {
    PipelineDefinition definition = parse(sourceAndSink(""));

    assertThatThrownBy(() -> loader.load(definition, "shop"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot choose where to keep pipeline state: the sink has no warehouse; set"
                + " pipeline option 'state.location' in shop.yaml");
  }

  @Test
  void listsTheAvailableSourceTypesOfAnUnknownOne() {
    PipelineDefinition definition = parse("source:\n  type: oracle\nsink:\n  type: files\n");

    assertThatThrownBy(() -> loader.load(definition, "shop"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 2: unknown source type 'oracle'; available: mysql, postgres");
  }

  @Test
  void listsTheAvailableSinkTypesOfAnUnknownOne() {
    PipelineDefinition definition =
        parse("source:\n  type: mysql\n  hostname: db\nsink:\n  type: iceberg\n");

    assertThatThrownBy(() -> loader.load(definition, "shop"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 5: unknown sink type 'iceberg'; available: files");
  }

  @Test
  void validatesTheSourceOptionsAgainstItsFactory() {
    PipelineDefinition definition =
        parse("source:\n  type: postgres\n  host-name: db\nsink:\n  type: files\n");

    assertThatThrownBy(() -> loader.load(definition, "shop"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 3: unknown source option 'host-name' (did you mean 'hostname'?); allowed for\
             postgres: hostname, name, schema-change.enabled, debezium.*
              line 2: source of type postgres needs option 'hostname' (Host name of the\
             database server)""");
  }

  @Test
  void validatesThePipelineOptions() {
    PipelineDefinition definition =
        parse(
            sourceAndSink("warehouse: " + warehouse)
                + "pipeline:\n  checkpoint.intervall: 10s\n  parallelism: two\n");

    assertThatThrownBy(() -> loader.load(definition, "shop"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 8: unknown pipeline option 'checkpoint.intervall' (did you mean\
             'checkpoint.interval'?); allowed for pipeline: name, checkpoint.interval,\
             state.location, schema.change.behavior, route-mode, local-time-zone,\
             execution.runtime-mode, parallelism, operator.uid.prefix, schema.operator.uid,\
             schema-operator.rpc-timeout
              line 9: pipeline option 'parallelism': expected an integer but got 'two'""");
  }

  @Test
  void makesNamesSafeAsDirectoryNames() {
    assertThat(PipelineLoader.safeDirectoryName("shop orders/v2:\u00e9"))
        .isEqualTo("shop_orders_v2__");
    assertThat(PipelineLoader.safeDirectoryName("shop.orders-v2_1")).isEqualTo("shop.orders-v2_1");
  }

  private static PipelineDefinition parse(String yaml) {
    return new PipelineDefinitionParser(name -> null).parse(yaml, LOCATION);
  }

  /** A mysql source on lines 1-3 and a files sink on lines 4-6 with the given option line. */
  @Test
  void acceptsFlinkCdcNamesAndWarnsOnceForEachOptionWithoutEffect() {
    LoadedPipeline pipeline =
        loader.load(
            parse(
                """
                source:
                  type: mysql
                  name: MySQL Source
                  hostname: db
                sink:
                  type: files
                  name: Files Sink
                  warehouse: %s
                pipeline:
                  name: MySQL to Files
                  parallelism: 4
                  operator.uid.prefix: shop
                  local-time-zone: UTC
                """
                    .formatted(warehouse)),
            "ignored-default");

    assertThat(pipeline.sourceOptions().asMap()).containsEntry("name", "MySQL Source");
    assertThat(pipeline.sinkOptions().asMap()).containsEntry("name", "Files Sink");
    assertThat(pipeline.warnings())
        .containsExactly(
            "line 11: pipeline option 'parallelism' has no effect: cdc-sync runs a pipeline in one process; PostgreSQL and MariaDB sources set their load's readers with scan.snapshot.readers",
            "line 12: pipeline option 'operator.uid.prefix' has no effect: cdc-sync has no Flink operators to name");
  }

  @Test
  void takesTheLocalTimeZoneWithoutWarning() {
    LoadedPipeline pipeline =
        loader.load(
            parse(
                sourceAndSink("warehouse: " + warehouse)
                    + "pipeline:\n  local-time-zone: Asia/Shanghai\n"),
            "shop");

    assertThat(pipeline.pipelineOptions().get(PipelineOptions.LOCAL_TIME_ZONE))
        .isEqualTo(java.time.ZoneId.of("Asia/Shanghai"));
    assertThat(pipeline.warnings()).isEmpty();
  }

  @Test
  void rejectsARuntimeModeOtherThanStreaming() {
    assertThatThrownBy(
            () ->
                loader.load(
                    parse(
                        sourceAndSink("warehouse: " + warehouse)
                            + "pipeline:\n  execution.runtime-mode: BATCH\n"),
                    "shop"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "line 8: pipeline option 'execution.runtime-mode': expected one of [streaming] but got 'BATCH'");
  }

  private static String sourceAndSink(String sinkOptionLine) {
    return "source:\n  type: mysql\n  hostname: db\nsink:\n  type: files\n  "
        + sinkOptionLine
        + "\n";
  }

  /** Declares one required option and the debezium pass-through; never creates a source. */
  private record FakeSourceFactory(String type) implements SourceFactory {

    static final ConfigOption<String> HOSTNAME =
        ConfigOption.required("hostname", String.class, "Host name of the database server");

    @Override
    public List<ConfigOption<?>> options() {
      return List.of(HOSTNAME);
    }

    @Override
    public List<String> passThroughPrefixes() {
      return List.of("debezium.");
    }

    @Override
    public Source create(Configuration options, PipelineContext context) {
      throw new AssertionError("loading a pipeline must not create its source");
    }

    @Override
    public String tableIdFormat() {
      return "database.table";
    }

    @Override
    public List<dev.cdcsync.api.PreflightCheck> check(
        Configuration options, PipelineContext context) {
      throw new AssertionError("loading a pipeline must not check its source");
    }
  }

  /** Keeps pipeline state in {@code <warehouse>/.cdc-sync} when a warehouse is given. */
  private record FakeSinkFactory(String type) implements SinkFactory {

    static final ConfigOption<String> WAREHOUSE =
        ConfigOption.optional("warehouse", String.class, null, "Local warehouse directory");

    @Override
    public List<dev.cdcsync.api.PreflightCheck> check(
        Configuration options, PipelineContext context) {
      throw new AssertionError("loading a pipeline must not check its sink");
    }

    @Override
    public List<ConfigOption<?>> options() {
      return List.of(WAREHOUSE);
    }

    @Override
    public Optional<String> defaultStateLocation(Configuration options) {
      return options.optional(WAREHOUSE).map(warehouse -> warehouse + "/.cdc-sync");
    }

    @Override
    public Sink create(Configuration options, PipelineContext context) {
      throw new AssertionError("loading a pipeline must not create its sink");
    }

    @Override
    public StateStorage openStateStorage(Configuration options, String location) {
      throw new AssertionError("loading a pipeline must not open its state storage");
    }
  }
}
