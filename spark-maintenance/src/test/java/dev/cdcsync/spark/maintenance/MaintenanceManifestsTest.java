package dev.cdcsync.spark.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The maintenance CronJob ({@code kubernetes/maintenance}) and its image ({@code
 * docker/spark-maintenance.Dockerfile}) agree with the job: its class and jar, arguments it
 * takes, the catalog they name configured in Spark's settings, the Spark and Iceberg versions it
 * is built and tested with, and the secret it reads generated.
 */
class MaintenanceManifestsTest {

  private static final Path MAINTENANCE = Path.of("..", "kubernetes", "maintenance");
  private static final Path DOCKERFILE = Path.of("..", "docker", "spark-maintenance.Dockerfile");

  @TempDir Path work;

  @Test
  void theImageRunsTheJobWithTheVersionsItIsTestedWith() throws IOException {
    String dockerfile = Files.readString(DOCKERFILE);
    assertThat(dockerfile)
        .contains("FROM apache/spark:" + System.getProperty("spark.version") + "\n")
        .contains(
            "org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:"
                + System.getProperty("iceberg.version"))
        .contains("org.apache.iceberg:iceberg-aws-bundle:" + System.getProperty("iceberg.version"))
        .contains("org.postgresql:postgresql:" + System.getProperty("postgresql.version"))
        .contains("spark-maintenance/target/cdc-sync-spark-maintenance.jar")
        .contains("\"--class\", \"" + SparkTableMaintenance.class.getName() + "\"");
    assertThat(System.getProperty("spark.version")).startsWith("4.1.");
  }

  @Test
  void theCronJobsArgumentsAreTheJobsAndItsCatalogIsConfigured() throws Exception {
    Map<String, Object> container = container();
    List<String> args = ((List<?>) container.get("args")).stream().map(String::valueOf).toList();
    SparkTableMaintenance.Settings settings =
        SparkTableMaintenance.parse(args.toArray(String[]::new));

    Properties spark = sparkDefaults();
    assertThat(spark.getProperty("spark.sql.catalog." + settings.catalog()))
        .isEqualTo(org.apache.iceberg.spark.SparkCatalog.class.getName());
    Class.forName(spark.getProperty("spark.sql.extensions"));
    assertThat(spark.getProperty("spark.master")).isEqualTo("local[*]");
    assertThat(String.valueOf(environment(container).get("SPARK_SUBMIT_OPTS")))
        .contains(
            "-Dspark.sql.catalog." + settings.catalog() + ".jdbc.password=$(CATALOG_PASSWORD)");

    Map<String, Object> kustomization = load(MAINTENANCE.resolve("kustomization.yaml")).get(0);
    assertThat(String.valueOf(container.get("image")))
        .isEqualTo(String.valueOf(map(list(kustomization.get("images")).get(0)).get("name")));
    assertThat(kustomization.toString())
        .contains("secrets/catalog-password")
        .contains("spark-defaults.conf");
  }

  /** Where kubectl is installed: the CronJob renders, with the generated ConfigMap and Secret. */
  @Test
  void rendersWithKubectl() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not installed here");
    Path copy = work.resolve("maintenance");
    Files.createDirectories(copy.resolve("secrets"));
    try (Stream<Path> files = Files.list(MAINTENANCE)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Files.copy(file, copy.resolve(file.getFileName()));
      }
    }
    Files.writeString(copy.resolve("secrets/catalog-password"), "not a real password");
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", copy.toString())
            .redirectErrorStream(true)
            .start();
    String rendered = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor()).as(rendered).isZero();
    assertThat(rendered)
        .contains("kind: CronJob")
        .containsPattern("name: maintenance-spark-[a-z0-9]+\n")
        .containsPattern("name: maintenance-secrets-[a-z0-9]+\n")
        .contains("image: registry.example.com/cdc-sync-spark-maintenance:");
  }

  private static Map<String, Object> container() throws IOException {
    Map<String, Object> cronJob = load(MAINTENANCE.resolve("cronjob.yaml")).get(0);
    Map<String, Object> podSpec =
        map(
            map(map(map(map(cronJob.get("spec")).get("jobTemplate")).get("spec")).get("template"))
                .get("spec"));
    return map(list(podSpec.get("containers")).get(0));
  }

  private static Map<String, Object> environment(Map<String, Object> container) {
    Map<String, Object> environment = new java.util.HashMap<>();
    for (Object entry : list(container.get("env"))) {
      environment.put(String.valueOf(map(entry).get("name")), map(entry).get("value"));
    }
    return environment;
  }

  private static Properties sparkDefaults() throws IOException {
    Properties properties = new Properties();
    try (var reader = Files.newBufferedReader(MAINTENANCE.resolve("spark-defaults.conf"))) {
      properties.load(reader);
    }
    return properties;
  }

  private static List<Map<String, Object>> load(Path file) throws IOException {
    List<Map<String, Object>> documents = new ArrayList<>();
    new Yaml().loadAll(Files.readString(file)).forEach(document -> documents.add(map(document)));
    return documents;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return (List<Object>) value;
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv("PATH").split(File.pathSeparator))
        .anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
  }
}
