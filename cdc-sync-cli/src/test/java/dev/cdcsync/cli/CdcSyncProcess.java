package dev.cdcsync.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code cdc-sync} entry point ({@link CdcSyncCommand#main}) running as a separate JVM,
 * so tests can send it signals and see its exit code, as an operator would.
 */
public final class CdcSyncProcess implements AutoCloseable {

  private final Process process;
  private final Path output;
  private final Path errors;

  private CdcSyncProcess(Process process, Path output, Path errors) {
    this.process = process;
    this.output = output;
    this.errors = errors;
  }

  /** Starts {@code cdc-sync ARGS...}; its output goes to files in {@code workDirectory}. */
  public static CdcSyncProcess start(
      Path workDirectory, Map<String, String> environment, String... args) throws IOException {
    return startCommand(workDirectory, environment, command(args));
  }

  /**
   * Starts {@code java -jar target/cdc-sync.jar ARGS...}: the shaded jar as shipped, with only what
   * it bundles on its class path. Built in the package phase, so only integration tests may use it.
   */
  public static CdcSyncProcess startShadedJar(Path workDirectory, String... args)
      throws IOException {
    Path jar = Path.of("target", "cdc-sync.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("Cannot run the shaded jar: it is not built: " + jar);
    }
    return startCommand(workDirectory, Map.of(), command(List.of("-jar", jar.toString()), args));
  }

  /** The command line of {@code cdc-sync ARGS...} on this JVM's class path. */
  static List<String> command(String... args) {
    return command(
        List.of("-cp", System.getProperty("java.class.path"), CdcSyncCommand.class.getName()),
        args);
  }

  private static List<String> command(List<String> launch, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx1g");
    // The client compiler only: processes that start often and read little start ~30% faster on
    // the 2-core CI machine (MariaDbInitialLoadIT: 118 s instead of 177 s); the values and the
    // protocol are the same, and the benchmark measures the product's default JIT.
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(launch);
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Starts the container's entrypoint script on the shaded jar, as {@code docker run IMAGE ARGS...}
   * would (with the image's java on the PATH).
   */
  public static CdcSyncProcess startEntrypoint(
      Path workDirectory, Map<String, String> environment, String... args) throws IOException {
    Path jar = Path.of("target", "cdc-sync.jar").toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "Cannot run the entrypoint: the shaded jar is not built: " + jar);
    }
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("CDC_SYNC_JAR", jar.toString());
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":" + System.getenv("PATH"));
    List<String> command =
        new ArrayList<>(
            List.of(
                "sh",
                Path.of("..", "docker", "cdc-sync-entrypoint.sh")
                    .toAbsolutePath()
                    .normalize()
                    .toString()));
    command.addAll(List.of(args));
    return startCommand(workDirectory, env, command);
  }

  private static CdcSyncProcess startCommand(
      Path workDirectory, Map<String, String> environment, List<String> command)
      throws IOException {
    Files.createDirectories(workDirectory);
    String stamp = Long.toString(System.nanoTime());
    Path output = workDirectory.resolve("cdc-sync-" + stamp + ".out");
    Path errors = workDirectory.resolve("cdc-sync-" + stamp + ".err");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDirectory.toFile())
            .redirectOutput(output.toFile())
            .redirectError(errors.toFile());
    builder.environment().putAll(environment);
    return new CdcSyncProcess(builder.start(), output, errors);
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String output() {
    return read(output);
  }

  public String errors() {
    return read(errors);
  }

  /** Sends SIGTERM and returns the exit code (fails after {@code seconds}). */
  public int terminate(long seconds) throws InterruptedException {
    process.destroy();
    return waitFor(seconds);
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int waitFor(long seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "cdc-sync did not exit within "
              + seconds
              + " s\n--- stdout\n"
              + output()
              + "\n--- stderr\n"
              + errors());
    }
    return process.exitValue();
  }

  /** Kills the process with SIGKILL. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Both output streams, for assertion messages. */
  public String describe() {
    return "--- cdc-sync stdout\n" + output() + "\n--- cdc-sync stderr\n" + errors();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + File.separator + ": " + e.getMessage() + ")";
    }
  }
}
