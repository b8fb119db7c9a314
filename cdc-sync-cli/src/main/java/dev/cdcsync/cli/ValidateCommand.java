package dev.cdcsync.cli;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.Factory;
import dev.cdcsync.runtime.PipelineLoader.LoadedPipeline;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cdc-sync validate pipeline.yaml}: checks the file without touching any database. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Checks a pipeline file: syntax, known keys, required options and value types."
            + " Prints the effective options (secrets masked). Exits 0 if valid, 2 if not.")
final class ValidateCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "PIPELINE_FILE", description = "The pipeline definition (YAML).")
  Path file;

  @Override
  public Integer call() {
    LoadedPipeline pipeline;
    try {
      pipeline = PipelineProcess.load(file).pipeline();
    } catch (RuntimeException e) {
      return CommandFailures.report(e);
    }
    System.out.println("Pipeline '" + pipeline.name() + "' in " + file + " is valid.");
    print("source", pipeline.sourceFactory(), pipeline.sourceOptions());
    print("sink", pipeline.sinkFactory(), pipeline.sinkOptions());
    System.out.println("state: " + pipeline.stateLocation());
    return ExitCodes.OK;
  }

  private static void print(String section, Factory factory, Configuration options) {
    System.out.println(section + ": " + factory.type());
    for (Map.Entry<String, String> entry : options.asMap().entrySet()) {
      System.out.println("  " + entry.getKey() + ": " + masked(factory, entry.getKey(), entry.getValue()));
    }
  }

  /** Masks declared secrets and anything under a pass-through key that looks like one. */
  static String masked(Factory factory, String key, String value) {
    boolean secret =
        factory.options().stream().anyMatch(option -> option.key().equals(key) && option.isSecret())
            || key.matches("(?i).*(password|secret|token|credential|access[.-]?key|private).*");
    return secret ? "******" : value;
  }
}
