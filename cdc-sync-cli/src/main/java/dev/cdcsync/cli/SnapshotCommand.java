package dev.cdcsync.cli;

import dev.cdcsync.runtime.definition.ComponentDefinition;
import dev.cdcsync.runtime.definition.ConfigValue;
import dev.cdcsync.runtime.definition.PipelineDefinition;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code cdc-sync snapshot pipeline.yaml --table db.t}: the pipeline's run with {@code
 * scan.startup.mode: snapshot} and the tables to load again (source option {@code
 * scan.snapshot.reload.tables}).
 */
@Command(
    name = "snapshot",
    mixinStandardHelpOptions = true,
    description = {
      "Loads tables of a pipeline again, replacing the rows their Iceberg tables hold, commits and"
          + " exits 0 (PostgreSQL and MariaDB sources).",
      "With the pipeline stopped, its next run streams on from where it was, leaving out the"
          + " changes the loaded rows show. While it runs (PostgreSQL), asks the running instance to"
          + " load them, and exits 0; that instance's log says when they are loaded."
    })
final class SnapshotCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotCommand.class);

  @Parameters(
      index = "0",
      paramLabel = "PIPELINE_FILE",
      description = "The pipeline definition (YAML).")
  Path file;

  @Option(
      names = "--table",
      required = true,
      paramLabel = "TABLE",
      description =
          "A table to load again, as database.table (MariaDB) or schema.table (PostgreSQL);"
              + " repeat the option for more.")
  List<String> tables;

  @Option(
      names = "--progress-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Print a line per table every SECONDS (0: never). Default: ${DEFAULT-VALUE}.")
  long progressSeconds;

  @Override
  public Integer call() {
    PipelineDefinition definition;
    PipelineProcess process;
    try {
      definition = PipelineDefinitionParser.withSystemEnvironment().parse(file);
      process =
          PipelineProcess.load(reloading(definition, tables), PipelineProcess.defaultName(file));
    } catch (RuntimeException e) {
      return CommandFailures.report(e);
    }
    try {
      Optional<String> running = process.runningInstance();
      if (running.isPresent()) {
        // The running instance's own options: its startup mode decides whether it streams.
        PipelineProcess.load(definition, PipelineProcess.defaultName(file)).requestReload(tables);
        LOG.info(
            "Pipeline '{}': {}, so it was asked to load {} again; its log says when they are"
                + " loaded",
            process.pipeline().name(),
            running.get(),
            String.join(", ", tables));
        return ExitCodes.OK;
      }
    } catch (Exception e) {
      return CommandFailures.report(e);
    }
    AtomicBoolean stopped = new AtomicBoolean();
    Signals.onTerminate(
        () -> {
          stopped.set(true);
          RunCommand.stopQuietly(process);
        });
    try {
      process.run(System.out, Duration.ofSeconds(progressSeconds));
      if (stopped.get()) {
        LOG.info(
            "Pipeline '{}': stopped before {} were loaded again; this command or 'cdc-sync run'"
                + " goes on with the chunks not committed yet",
            process.pipeline().name(),
            String.join(", ", tables));
      } else {
        LOG.info(
            "Pipeline '{}': loaded {} again; 'cdc-sync run' goes on from here",
            process.pipeline().name(),
            String.join(", ", tables));
      }
      return ExitCodes.OK;
    } catch (Exception e) {
      return CommandFailures.report(e);
    }
  }

  /** The definition with a load-only start that loads {@code tables} again. */
  static PipelineDefinition reloading(PipelineDefinition definition, List<String> tables) {
    ComponentDefinition source = definition.source();
    Map<String, ConfigValue> options = new LinkedHashMap<>(source.options());
    options.put("scan.startup.mode", new ConfigValue("snapshot", source.line()));
    options.put(
        "scan.snapshot.reload.tables", new ConfigValue(String.join(",", tables), source.line()));
    return new PipelineDefinition(
        definition.location(),
        new ComponentDefinition(source.section(), source.line(), source.type(), options),
        definition.sink(),
        definition.pipeline(),
        definition.routes(),
        definition.transforms(),
        definition.userFunctions());
  }
}
