package dev.cdcsync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.cli.CdcSyncProcess;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import dev.cdcsync.runtime.definition.PipelineLoader;
import dev.cdcsync.runtime.definition.PipelineLoader.LoadedPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pipeline files in Flink CDC 3.6's shapes (its documented examples, and every option it documents
 * for the mysql and postgres sources, the iceberg sink and the pipeline) load as they are; each
 * option without effect here gives exactly one warning, and nothing else warns.
 */
class FlinkCdcFilesTest {

  private static final Map<String, String> ENVIRONMENT =
      Map.of("MYSQL_PASSWORD", "x", "MARIADB_PASSWORD", "x", "PG_PASSWORD", "x");

  /** The comment that marks the options a file gives without effect, up to the next section. */
  private static final Pattern WITHOUT_EFFECT_BLOCK =
      Pattern.compile("# no effect in cdc-sync \\(one warning each\\)\\n((?:  [^\\n]+\\n)+)");

  @TempDir Path work;

  static List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(Examples.directory().resolve("flink-cdc"))) {
      return files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  private static LoadedPipeline load(Path file) {
    return PipelineLoader.withInstalledFactories()
        .load(new PipelineDefinitionParser(ENVIRONMENT::get).parse(file), "flink-cdc");
  }

  @ParameterizedTest
  @MethodSource("files")
  void loadsAsWrittenWithOneWarningPerOptionWithoutEffect(Path file) throws IOException {
    LoadedPipeline pipeline = load(file);

    List<String> expected = optionsWithoutEffect(Files.readString(file));
    assertThat(pipeline.warnings())
        .as(file.getFileName().toString())
        .hasSize(expected.size())
        .allSatisfy(
            warning ->
                assertThat(warning)
                    .matches("line \\d+: (source|sink|pipeline) option '[^']+' has no effect: .+"));
    assertThat(
            pipeline.warnings().stream()
                .map(warning -> warning.replaceFirst("^line \\d+: \\w+ option '([^']+)'.*", "$1")))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void takesFlinkCdcsDocumentedMySqlToIcebergExampleWithNamesAndParallelism() {
    LoadedPipeline pipeline = load(Examples.directory().resolve("flink-cdc/mysql-to-iceberg.yaml"));

    assertThat(pipeline.name()).isEqualTo("MySQL to Iceberg Pipeline");
    assertThat(pipeline.sourceOptions().asMap()).containsEntry("name", "MySQL Source");
    assertThat(pipeline.sinkOptions().asMap()).containsEntry("name", "Iceberg Sink");
    assertThat(pipeline.warnings())
        .containsExactly(
            "line 22: pipeline option 'parallelism' has no effect: cdc-sync runs a pipeline in one"
                + " process; PostgreSQL and MariaDB sources set their load's readers with"
                + " scan.snapshot.readers");
  }

  @Test
  void stillRejectsAnOptionNoFlinkCdcConnectorHasWithItsLine() throws IOException {
    Path file = work.resolve("typo.yaml");
    Files.writeString(
        file,
        Files.readString(Examples.directory().resolve("flink-cdc/mysql-to-iceberg.yaml"))
            .replace(
                "  server-id: 5401-5404\n",
                "  server-id: 5401-5404\n  scan.snapshot.fetch-size: 10\n"));

    assertThatThrownBy(() -> load(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(
            "line 13: unknown source option 'scan.snapshot.fetch-size' (did you mean 'scan.snapshot.fetch.size'?)");
  }

  @Test
  void validateOfflineAcceptsTheFilesAndPrintsTheWarnings() throws Exception {
    try (CdcSyncProcess validate =
        CdcSyncProcess.start(
            work,
            ENVIRONMENT,
            "validate",
            "--offline",
            Examples.directory().resolve("flink-cdc/mysql-every-option.yaml").toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isZero();
      assertThat(validate.output())
          .contains("Pipeline 'MySQL to Iceberg Pipeline'")
          .contains("warnings:")
          .contains(
              "source option 'scan.snapshot.fetch.size' has no effect: MySQL snapshots are read by"
                  + " Debezium")
          .contains("pipeline option 'parallelism' has no effect");
    }
  }

  /** The keys listed under the file's "no effect" comments. */
  private static List<String> optionsWithoutEffect(String yaml) {
    List<String> keys = new java.util.ArrayList<>();
    Matcher block = WITHOUT_EFFECT_BLOCK.matcher(yaml);
    while (block.find()) {
      for (String line : block.group(1).split("\n")) {
        keys.add(line.trim().substring(0, line.trim().indexOf(':')));
      }
    }
    if (yaml.contains("\n  parallelism:")) {
      keys.add("parallelism");
    }
    if (yaml.contains("scan.lsn-commit.checkpoints-num-delay") && !yaml.contains("# no effect")) {
      keys.add("scan.lsn-commit.checkpoints-num-delay");
    }
    return keys.stream().distinct().toList();
  }
}
