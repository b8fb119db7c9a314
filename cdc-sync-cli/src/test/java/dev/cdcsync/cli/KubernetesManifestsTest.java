package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cdcsync.runtime.PipelineStatus;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests ({@code kubernetes/}) agree with the image and with cdc-sync: the port,
 * paths and environment of the Dockerfile, endpoints cdc-sync serves, the example's pipeline file
 * valid, and each secret it reads mounted.
 */
class KubernetesManifestsTest {

  private static final Path KUBERNETES = Path.of("..", "kubernetes");
  private static final Path DOCKERFILE = Path.of("..", "docker", "Dockerfile");
  private static final Pattern SECRET_FILE =
      Pattern.compile("\\$\\{file:/run/secrets/cdc-sync/([^}]+)}");

  @TempDir Path work;

  @Test
  void theDeploymentRunsTheImageAsItIsBuilt() throws Exception {
    Map<String, Object> container =
        container(deployment(load(KUBERNETES.resolve("base/deployment.yaml"))));
    String dockerfile = Files.readString(DOCKERFILE);

    Map<String, String> environment = environment(container);
    assertThat(dockerfile)
        .contains("EXPOSE " + environment.get("CDC_SYNC_HTTP_PORT"))
        .contains("CDC_SYNC_HTTP_PORT=" + environment.get("CDC_SYNC_HTTP_PORT"))
        .contains("CDC_SYNC_PIPELINE=" + environment.get("CDC_SYNC_PIPELINE"))
        .contains("--uid " + podSecurity().get("runAsUser"));
    assertThat(environment.get("CDC_SYNC_HTTP_HOST")).isEqualTo("0.0.0.0");
    List<Map<String, Object>> ports = list(container.get("ports"));
    assertThat(ports)
        .singleElement()
        .satisfies(
            port -> {
              assertThat(port.get("name")).isEqualTo("http");
              assertThat(String.valueOf(port.get("containerPort")))
                  .isEqualTo(environment.get("CDC_SYNC_HTTP_PORT"));
            });
    // The entrypoint runs $CDC_SYNC_PIPELINE for a lone "run".
    assertThat(container.get("args")).isEqualTo(List.of("run"));

    // The pipeline file is where the environment says, from the ConfigMap of the example.
    Path pipelineFile = Path.of(environment.get("CDC_SYNC_PIPELINE"));
    assertThat(mountPath(container, "pipeline")).isEqualTo(pipelineFile.getParent().toString());
    assertThat(generatorFiles(overlay(), "configMapGenerator", "pipeline"))
        .containsExactly(pipelineFile.getFileName().toString());
  }

  @Test
  void theProbesAndTheScrapePathAreServed() throws Exception {
    Map<String, Object> deployment = deployment(load(KUBERNETES.resolve("base/deployment.yaml")));
    Map<String, Object> container = container(deployment);
    Map<String, Object> annotations =
        map(
            map(map(map(deployment.get("spec")).get("template")).get("metadata"))
                .get("annotations"));
    assertThat(String.valueOf(annotations.get("prometheus.io/port")))
        .isEqualTo(environment(container).get("CDC_SYNC_HTTP_PORT"));
    String live = probePath(container, "livenessProbe");
    String ready = probePath(container, "readinessProbe");
    String metrics = (String) annotations.get("prometheus.io/path");

    HttpEndpoint endpoint =
        HttpEndpoint.start(
            "127.0.0.1", 0, "k8s", new PipelineStatus(), Duration.ofSeconds(30), Clock.systemUTC());
    try {
      HttpClient client = HttpClient.newHttpClient();
      assertThat(status(client, endpoint, live)).isEqualTo(200);
      // Not ready before the source has connected, but served.
      assertThat(status(client, endpoint, ready)).isEqualTo(503);
      assertThat(status(client, endpoint, metrics)).isEqualTo(200);
    } finally {
      endpoint.close();
    }
  }

  @Test
  void theExamplePipelineIsValidAndEachSecretItReadsIsMounted() throws Exception {
    String pipeline = Files.readString(KUBERNETES.resolve("example/pipeline.yaml"));
    Set<String> read = new TreeSet<>();
    Matcher matcher = SECRET_FILE.matcher(pipeline);
    while (matcher.find()) {
      read.add(matcher.group(1));
    }
    assertThat(read).isNotEmpty();
    Set<String> generated =
        generatorFiles(overlay(), "secretGenerator", "secrets").stream()
            .map(file -> Path.of(file).getFileName().toString())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(generated).isEqualTo(read);
    Map<String, Object> container =
        container(deployment(load(KUBERNETES.resolve("base/deployment.yaml"))));
    assertThat(mountPath(container, "secrets")).isEqualTo("/run/secrets/cdc-sync");

    // Valid as cdc-sync loads it, with the secret files where the pod has them.
    Path secrets = Files.createDirectories(work.resolve("secrets"));
    for (String name : read) {
      Files.writeString(secrets.resolve(name), "not-a-password\n");
    }
    String local = pipeline.replace("/run/secrets/cdc-sync/", secrets + File.separator);
    PipelineProcess process =
        PipelineProcess.load(
            new PipelineDefinitionParser(System::getenv).parse(local, "pipeline.yaml"), "example");
    assertThat(process.pipeline().name()).isEqualTo("shop-orders");
  }

  /** Where kubectl is installed: the example renders, each name prefixed, the generated ones used. */
  @Test
  void theExampleRendersWithKubectl() throws Exception {
    assumeTrue(onPath("kubectl"), "kubectl is not installed here");
    Path copy = work.resolve("kubernetes");
    copyTree(KUBERNETES, copy);
    Path secrets = Files.createDirectories(copy.resolve("example/secrets"));
    for (String file : generatorFiles(overlay(), "secretGenerator", "secrets")) {
      Files.writeString(secrets.resolve(Path.of(file).getFileName()), "not-a-password");
    }
    Process kubectl =
        new ProcessBuilder("kubectl", "kustomize", copy.resolve("example").toString())
            .redirectErrorStream(true)
            .start();
    String rendered = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(kubectl.waitFor()).as(rendered).isZero();

    List<Map<String, Object>> documents = new ArrayList<>();
    for (Object document : new Yaml().loadAll(rendered)) {
      documents.add(map(document));
    }
    Map<String, String> names =
        documents.stream()
            .collect(
                Collectors.toMap(
                    document -> (String) document.get("kind"),
                    document -> (String) map(document.get("metadata")).get("name")));
    assertThat(names.get("Deployment")).isEqualTo("shop-orders-cdc-sync");
    assertThat(names.get("ConfigMap")).startsWith("shop-orders-pipeline-");
    assertThat(names.get("Secret")).startsWith("shop-orders-secrets-");
    Map<String, Object> deployment =
        documents.stream()
            .filter(d -> "Deployment".equals(d.get("kind")))
            .findFirst()
            .orElseThrow();
    assertThat(String.valueOf(map(map(deployment.get("spec")).get("strategy")).get("type")))
        .isEqualTo("Recreate");
    List<Map<String, Object>> volumes =
        list(map(map(map(deployment.get("spec")).get("template")).get("spec")).get("volumes"));
    assertThat(volumes.toString()).contains(names.get("ConfigMap")).contains(names.get("Secret"));
  }

  private static Map<String, Object> overlay() throws IOException {
    return map(load(KUBERNETES.resolve("example/kustomization.yaml")).get(0));
  }

  private static List<String> generatorFiles(
      Map<String, Object> kustomization, String generator, String name) {
    return list(kustomization.get(generator)).stream()
        .filter(entry -> name.equals(entry.get("name")))
        .flatMap(entry -> ((List<?>) entry.get("files")).stream().map(String::valueOf))
        .toList();
  }

  private static List<Object> load(Path file) throws IOException {
    List<Object> documents = new ArrayList<>();
    new Yaml().loadAll(Files.readString(file)).forEach(documents::add);
    return documents;
  }

  private static Map<String, Object> deployment(List<Object> documents) {
    return documents.stream()
        .map(KubernetesManifestsTest::map)
        .filter(document -> "Deployment".equals(document.get("kind")))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, Object> podSecurity() throws IOException {
    Map<String, Object> deployment = deployment(load(KUBERNETES.resolve("base/deployment.yaml")));
    return map(
        map(map(map(deployment.get("spec")).get("template")).get("spec")).get("securityContext"));
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    Map<String, Object> pod = map(map(map(deployment.get("spec")).get("template")).get("spec"));
    return list(pod.get("containers")).get(0);
  }

  private static Map<String, String> environment(Map<String, Object> container) {
    return list(container.get("env")).stream()
        .collect(
            Collectors.toMap(
                entry -> (String) entry.get("name"), entry -> String.valueOf(entry.get("value"))));
  }

  private static String mountPath(Map<String, Object> container, String volume) {
    return list(container.get("volumeMounts")).stream()
        .filter(mount -> volume.equals(mount.get("name")))
        .map(mount -> (String) mount.get("mountPath"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("No mount of volume " + volume));
  }

  private static String probePath(Map<String, Object> container, String probe) {
    return (String) map(map(container.get(probe)).get("httpGet")).get("path");
  }

  private static int status(HttpClient client, HttpEndpoint endpoint, String path)
      throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .anyMatch(directory -> Files.isExecutable(Path.of(directory, command)));
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : files.toList()) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return (List<Map<String, Object>>) value;
  }
}
