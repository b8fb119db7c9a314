package dev.cdcsync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.runtime.PipelineLoader;
import dev.cdcsync.runtime.PipelineLoader.LoadedPipeline;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example file is a valid pipeline once its required environment is set. */
class ExamplesTest {

  private static final Map<String, String> ENVIRONMENT =
      Map.of(
          "PG_PASSWORD", "x",
          "MARIADB_PASSWORD", "x",
          "MYSQL_PASSWORD", "x",
          "CATALOG_DB_PASSWORD", "x",
          "WAREHOUSE", "file:///tmp/cdc-sync-examples-warehouse");

  static List<Path> examples() throws Exception {
    return Examples.all();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void isValid(Path example) {
    LoadedPipeline pipeline =
        PipelineLoader.withInstalledFactories()
            .load(new PipelineDefinitionParser(ENVIRONMENT::get).parse(example), "example");
    assertThat(pipeline.sinkFactory().type()).isEqualTo("iceberg");
    assertThat(List.of("postgres", "mariadb", "mysql")).contains(pipeline.sourceFactory().type());
    assertThat(pipeline.name()).endsWith("-to-lake");
  }

  @org.junit.jupiter.api.Test
  void keepsTheStateOfTheS3ExampleInItsBucket() throws Exception {
    LoadedPipeline pipeline =
        PipelineLoader.withInstalledFactories()
            .load(
                new PipelineDefinitionParser(ENVIRONMENT::get)
                    .parse(Examples.directory().resolve("postgres-to-iceberg-s3.yaml")),
                "example");
    assertThat(pipeline.stateLocation())
        .isEqualTo("s3://lake/warehouse/.cdc-sync/shop-postgres-s3-to-lake");
  }

  /** The pipelines the container playground (docker/compose.yaml) mounts. */
  static List<Path> containerPipelines() throws Exception {
    try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(Examples.directory().resolveSibling("docker").resolve("pipelines"))) {
      return files.sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("containerPipelines")
  void containerPipelineIsValid(Path pipelineFile) {
    LoadedPipeline pipeline =
        PipelineLoader.withInstalledFactories()
            .load(new PipelineDefinitionParser(ENVIRONMENT::get).parse(pipelineFile), "container");
    assertThat(pipeline.stateLocation())
        .isEqualTo("file:///var/lib/cdc-sync/warehouse/.cdc-sync/" + pipeline.name());
  }

  @org.junit.jupiter.api.Test
  void coversEverySourceType() throws Exception {
    assertThat(Examples.all()).extracting(path -> path.getFileName().toString().split("-")[0])
        .containsOnly("mariadb", "mysql", "postgres");
  }
}
