package dev.cdcsync.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import dev.cdcsync.runtime.definition.PipelineLoader;
import dev.cdcsync.runtime.definition.PipelineLoader.LoadedPipeline;
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
    try (java.util.stream.Stream<Path> files =
        java.nio.file.Files.list(
            Examples.directory().resolveSibling("docker").resolve("pipelines"))) {
      return files.sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("containerPipelines")
  void containerPipelineIsValid(Path pipelineFile) {
    LoadedPipeline pipeline =
        PipelineLoader.withInstalledFactories()
            .load(new PipelineDefinitionParser(ENVIRONMENT::get).parse(pipelineFile), "container");
    // The container keeps no state of its own: beside the warehouse on the volume, or in the
    // bucket.
    assertThat(pipeline.stateLocation())
        .isIn(
            "file:///var/lib/cdc-sync/warehouse/.cdc-sync/" + pipeline.name(),
            "s3://lake/cdc-sync-state/" + pipeline.name());
  }

  @org.junit.jupiter.api.Test
  @SuppressWarnings("unchecked")
  void composeFileMountsFilesThatExist() throws Exception {
    Path docker = Examples.directory().resolveSibling("docker");
    Map<String, Object> compose =
        new org.yaml.snakeyaml.Yaml()
            .load(java.nio.file.Files.readString(docker.resolve("compose.yaml")));
    Map<String, Map<String, Object>> services =
        (Map<String, Map<String, Object>>) compose.get("services");
    assertThat(services)
        .containsKeys("postgres", "mysql", "minio", "rest", "cdc-sync-lake", "trino");
    List<String> mounted = new java.util.ArrayList<>();
    for (Map<String, Object> service : services.values()) {
      for (Object volume : (List<Object>) service.getOrDefault("volumes", List.of())) {
        String source = volume.toString().split(":")[0];
        if (source.startsWith("./")) {
          mounted.add(source);
          assertThat(docker.resolve(source)).as(source).exists();
        }
      }
    }
    assertThat(mounted)
        .contains("./pipelines/postgres.yaml", "./pipelines/mysql.yaml", "./pipelines/lake.yaml");
    // The lakehouse pipeline mounts its pipeline file and nothing else: its state is in the bucket.
    assertThat((List<Object>) services.get("cdc-sync-lake").get("volumes"))
        .containsExactly("./pipelines/lake.yaml:/etc/cdc-sync/pipeline.yaml:ro");
  }

  @org.junit.jupiter.api.Test
  void coversEverySourceType() throws Exception {
    assertThat(Examples.all())
        .extracting(path -> path.getFileName().toString().split("-")[0])
        .containsOnly("mariadb", "mysql", "postgres");
  }
}
