package dev.cdcsync.cli;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.Factory;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.runtime.definition.PipelineLoader.LoadedPipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cdc-sync validate pipeline.yaml}: checks the file, then connects and checks everything a
 * first run needs, changing nothing.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a pipeline file (syntax, known keys, required options, value types, rules) and prints the"
          + " effective options (secrets masked); then connects to the database and the catalog and checks"
          + " what a first run needs (server settings, rights, tables, warehouse and state store writable),"
          + " changing nothing. Each failed check says how to fix it.",
      "Exits 0 if everything passed, 1 if a check failed, 2 if the file is invalid."
    })
final class ValidateCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "PIPELINE_FILE",
      description = "The pipeline definition (YAML).")
  Path file;

  @Option(names = "--offline", description = "Check the file only; contact no database or catalog.")
  boolean offline;

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
    if (!pipeline.warnings().isEmpty()) {
      System.out.println("warnings:");
      pipeline.warnings().forEach(warning -> System.out.println("  " + warning));
    }
    if (offline) {
      return ExitCodes.OK;
    }
    List<PreflightCheck> checks = new ArrayList<>();
    try {
      PipelineContext context = pipeline.context();
      try (var state = context.stateStorage()) {
        checks.addAll(
            run("source", () -> pipeline.sourceFactory().check(pipeline.sourceOptions(), context)));
        checks.addAll(
            run("sink", () -> pipeline.sinkFactory().check(pipeline.sinkOptions(), context)));
      }
    } catch (Exception e) {
      checks.add(
          PreflightCheck.failed(
              "state store",
              "cannot open " + pipeline.stateLocation() + ": " + ExitCodes.unwrap(e).getMessage()));
    }
    System.out.println("checks:");
    for (PreflightCheck check : checks) {
      System.out.println(
          "  "
              + (check.passed() ? "ok    " : "FAILED")
              + "  "
              + check.subject()
              + ": "
              + check.detail());
    }
    long failed = checks.stream().filter(check -> !check.passed()).count();
    if (failed > 0) {
      System.out.println(
          failed
              + " of "
              + checks.size()
              + " checks failed: a run would not start; fix them first.");
      return ExitCodes.RUNTIME_FAILURE;
    }
    System.out.println("All " + checks.size() + " checks passed: the pipeline can start.");
    return ExitCodes.OK;
  }

  /** A side's checks, or one failed check saying why they could not run. */
  private static List<PreflightCheck> run(
      String side, java.util.function.Supplier<List<PreflightCheck>> checks) {
    try {
      return checks.get();
    } catch (RuntimeException e) {
      return List.of(PreflightCheck.failed(side, ExitCodes.unwrap(e).getMessage()));
    }
  }

  private static void print(String section, Factory factory, Configuration options) {
    System.out.println(section + ": " + factory.type());
    for (Map.Entry<String, String> entry : options.asMap().entrySet()) {
      System.out.println(
          "  " + entry.getKey() + ": " + masked(factory, entry.getKey(), entry.getValue()));
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
