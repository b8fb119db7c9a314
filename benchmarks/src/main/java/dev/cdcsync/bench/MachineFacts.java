package dev.cdcsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What a reader needs to compare two benchmark results: the machine, the JVM, the databases, the code. */
final class MachineFacts {

  private final List<String> lines = new ArrayList<>();

  static MachineFacts collect(Path repository, Path jar, BenchmarkSizes sizes)
      throws InterruptedException {
    MachineFacts facts = new MachineFacts();
    facts.add("cores", Runtime.getRuntime().availableProcessors() + " (" + cpuModel() + ")");
    facts.add("memory", memory());
    facts.add(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    facts.add("java", javaVersion());
    facts.add("commit", commit(repository));
    facts.add(
        "cdc-sync",
        jar
            + ", JVM "
            + CdcSyncRun.MAX_HEAP
            + ", checkpoint.interval "
            + PipelineFile.CHECKPOINT_INTERVAL);
    facts.add(
        "sizes",
        String.format(
            Locale.ROOT,
            "%,d rows; %,d updates in transactions of %,d; freshness %,d changes/s (%d tx/s x %d rows) for %d s;"
                + " %,d tables x %,d rows, then %d rows changed per table",
            sizes.rows(),
            sizes.updates(),
            sizes.rowsPerTransaction(),
            sizes.freshnessChangesPerSecond(),
            sizes.freshnessTransactionsPerSecond(),
            sizes.rowsPerFreshnessTransaction(),
            sizes.freshnessDuration().toSeconds(),
            sizes.tables(),
            sizes.rowsPerTable(),
            sizes.changedRowsPerTable()));
    return facts;
  }

  void add(String name, String value) {
    lines.add(String.format(Locale.ROOT, "%-9s %s", name + ":", value));
  }

  String asText() {
    return String.join("\n", lines) + "\n";
  }

  String asMarkdown() {
    StringBuilder text = new StringBuilder();
    for (String line : lines) {
      text.append("- ").append(line.replaceFirst(":\\s+", ": ")).append('\n');
    }
    return text.toString();
  }

  private static String cpuModel() {
    return firstValue(Path.of("/proc/cpuinfo"), "model name").orElse("unknown model");
  }

  private static String memory() {
    return firstValue(Path.of("/proc/meminfo"), "MemTotal")
        .map(
            value ->
                String.format(
                    Locale.ROOT,
                    "%.1f GiB",
                    Long.parseLong(value.replace("kB", "").strip()) / 1024.0 / 1024.0))
        .orElse("unknown");
  }

  private static Optional<String> firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return Optional.of(line.substring(line.indexOf(':') + 1).strip());
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  private static String javaVersion() throws InterruptedException {
    try {
      return String.join(
          " / ",
          JavaTools.run(List.of(JavaTools.java().toString(), "-version"), 60).strip().split("\n"));
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }

  private static String commit(Path repository) throws InterruptedException {
    try {
      String commit =
          JavaTools.run(
                  List.of("git", "-C", repository.toString(), "rev-parse", "--short=12", "HEAD"),
                  30)
              .strip();
      String changes =
          JavaTools.run(
                  List.of(
                      "git",
                      "-C",
                      repository.toString(),
                      "status",
                      "--porcelain",
                      "--untracked-files=no"),
                  30)
              .strip();
      return commit + (changes.isEmpty() ? "" : " with uncommitted changes");
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
