package dev.cdcsync.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code cdc-sync run pipeline.yaml}. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Runs a pipeline until SIGTERM / SIGINT, then commits what it buffered and exits 0.")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Parameters(index = "0", paramLabel = "PIPELINE_FILE", description = "The pipeline definition (YAML).")
  Path file;

  @Option(
      names = "--progress-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Print a line per table every SECONDS (0: never). Default: ${DEFAULT-VALUE}.")
  long progressSeconds;

  @Override
  public Integer call() {
    PipelineProcess process;
    try {
      process = PipelineProcess.load(file);
    } catch (RuntimeException e) {
      return CommandFailures.report(e);
    }
    Signals.onTerminate(() -> stopQuietly(process));
    try {
      process.run(System.out, Duration.ofSeconds(progressSeconds));
      LOG.info("Pipeline '{}' stopped cleanly", process.pipeline().name());
      return ExitCodes.OK;
    } catch (Exception e) {
      return CommandFailures.report(e);
    }
  }

  private static void stopQuietly(PipelineProcess process) {
    try {
      process.stop();
    } catch (Exception e) {
      LOG.error("Cannot stop the pipeline cleanly: {}", e.getMessage(), e);
    }
  }
}
