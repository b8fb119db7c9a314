package dev.cdcsync.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real product: {@code java -Xmx1g -jar cdc-sync.jar run PIPELINE} in its own JVM, with its
 * output and GC log in files, and what the benchmark reads about it from {@code /proc}. Every run
 * still alive when the benchmark's JVM exits is stopped then.
 */
final class CdcSyncRun implements AutoCloseable {

  static final String MAX_HEAP = "-Xmx1g";
  private static final long STOP_TIMEOUT_SECONDS = 120;
  private static final Pattern LOG_TIME =
      Pattern.compile("^(\\d{2}):(\\d{2}):(\\d{2})\\.(\\d{3}) ");
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(CdcSyncRun::stopStillRunning, "stop-cdc-sync"));
  }

  private final Process process;
  private final String pipelineName;
  private final Path output;
  private final Path errors;
  private final Path gcLog;
  private final long startNanos;
  private final long startEpochMillis;

  private CdcSyncRun(
      Process process,
      String pipelineName,
      Path output,
      Path errors,
      Path gcLog,
      long startNanos,
      long startEpochMillis) {
    this.process = process;
    this.pipelineName = pipelineName;
    this.output = output;
    this.errors = errors;
    this.gcLog = gcLog;
    this.startNanos = startNanos;
    this.startEpochMillis = startEpochMillis;
  }

  static CdcSyncRun start(Path jar, PipelineFile pipeline, Path workDirectory) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(
          "Cannot start cdc-sync: no jar at " + jar + " (build it with ./cdc-sync-bench)");
    }
    Files.createDirectories(workDirectory);
    Path output = workDirectory.resolve(pipeline.name() + ".out");
    Path errors = workDirectory.resolve(pipeline.name() + ".err");
    Path gcLog = workDirectory.resolve(pipeline.name() + ".gc.log");
    List<String> command = new ArrayList<>();
    command.add(JavaTools.java().toString());
    command.add(MAX_HEAP);
    command.add("-Xlog:gc:file=" + gcLog);
    // Extra JVM options for the measured process, e.g. to record a JFR profile.
    String extra = System.getenv("CDC_SYNC_BENCH_CDC_SYNC_OPTS");
    if (extra != null && !extra.isBlank()) {
      command.addAll(List.of(extra.trim().split("\\s+")));
    }
    command.add("-jar");
    command.add(jar.toString());
    command.add("run");
    command.add(pipeline.path().toString());
    command.add("--progress-interval");
    command.add("0");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(workDirectory.toFile())
            .redirectOutput(output.toFile())
            .redirectError(errors.toFile());
    builder.environment().putAll(pipeline.environment());
    long startEpochMillis = System.currentTimeMillis();
    long startNanos = System.nanoTime();
    Process process = builder.start();
    RUNNING.add(process);
    return new CdcSyncRun(
        process, pipeline.name(), output, errors, gcLog, startNanos, startEpochMillis);
  }

  long pid() {
    return process.pid();
  }

  /** {@link System#nanoTime()} right before the process was started. */
  long startNanos() {
    return startNanos;
  }

  /**
   * When cdc-sync logged that its pipeline starts (its first line, once the JVM is up), on the
   * {@link System#nanoTime()} scale; empty if no such line was logged.
   */
  OptionalLong pipelineStartNanos() {
    String marker = "Pipeline '" + pipelineName + "'";
    for (String line : read(errors).split("\n")) {
      Matcher time = LOG_TIME.matcher(line);
      if (line.contains(marker) && time.find()) {
        LocalTime logged =
            LocalTime.of(
                Integer.parseInt(time.group(1)),
                Integer.parseInt(time.group(2)),
                Integer.parseInt(time.group(3)),
                Integer.parseInt(time.group(4)) * 1_000_000);
        ZoneId zone = ZoneId.systemDefault();
        ZonedDateTime started = Instant.ofEpochMilli(startEpochMillis).atZone(zone);
        long loggedMillis =
            ZonedDateTime.of(LocalDate.from(started), logged, zone).toInstant().toEpochMilli();
        if (loggedMillis < startEpochMillis - TimeUnit.HOURS.toMillis(12)) {
          loggedMillis += TimeUnit.DAYS.toMillis(1); // logged after midnight
        }
        return OptionalLong.of(
            startNanos + TimeUnit.MILLISECONDS.toNanos(loggedMillis - startEpochMillis));
      }
    }
    return OptionalLong.empty();
  }

  /** Fails, with the end of cdc-sync's log, if the process has exited. */
  void requireAlive() {
    if (!process.isAlive()) {
      throw new IllegalStateException(
          "cdc-sync (pipeline "
              + pipelineName
              + ") exited with code "
              + process.exitValue()
              + "\n"
              + logTail());
    }
  }

  /** Starts measuring CPU, peak RSS and peak heap from now on. */
  ResourceWindow beginResourceWindow() {
    return ResourceWindow.begin(process.toHandle(), gcLog);
  }

  /**
   * Sends SIGTERM (cdc-sync then commits what it buffered) and waits for the exit.
   *
   * @return the exit code; a process that does not stop in time is killed, and 137 returned
   */
  int stop() throws InterruptedException {
    try {
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        return 137;
      }
      return process.exitValue();
    } finally {
      RUNNING.remove(process);
    }
  }

  /** Kills the process with SIGKILL, as a crash would, and waits for it to end. */
  void kill() throws InterruptedException {
    try {
      process.destroyForcibly().waitFor();
    } finally {
      RUNNING.remove(process);
    }
  }

  /** The last lines of cdc-sync's output, for failure messages. */
  String logTail() {
    String text = read(output) + read(errors);
    String[] lines = text.split("\n");
    int from = Math.max(0, lines.length - 25);
    return "--- last lines of cdc-sync's output ("
        + errors
        + ")\n"
        + String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop();
    }
    RUNNING.remove(process);
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  private static void stopStillRunning() {
    for (Process process : RUNNING) {
      process.destroy();
    }
    for (Process process : RUNNING) {
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
      }
    }
  }
}
