package dev.cdcsync.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The JDK the benchmark runs on, whose {@code java} also runs cdc-sync. */
final class JavaTools {

  private JavaTools() {}

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  static Path jcmd() {
    return Path.of(System.getProperty("java.home"), "bin", "jcmd");
  }

  /**
   * Runs a short command and returns what it printed (stdout and stderr together).
   *
   * @throws IOException if it cannot start, fails or takes longer than {@code timeoutSeconds}
   */
  static String run(List<String> command, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path output = Files.createTempFile("cdc-sync-bench-command", ".out");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    try {
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        throw new IOException(
            "Cannot run " + command.get(0) + ": no answer within " + timeoutSeconds + " s");
      }
      String text = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(
            "Cannot run "
                + String.join(" ", command)
                + ": exit code "
                + process.exitValue()
                + ": "
                + text.strip());
      }
      return text;
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(output);
    }
  }
}
