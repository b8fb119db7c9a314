package dev.cdcsync.cli;

import dev.cdcsync.runtime.definition.PipelineOptions;
import java.nio.file.Path;
import java.time.Clock;
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
    description =
        "Runs a pipeline until SIGTERM / SIGINT, then commits what it buffered and exits 0.")
final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Parameters(
      index = "0",
      paramLabel = "PIPELINE_FILE",
      description = "The pipeline definition (YAML).")
  Path file;

  @Option(
      names = "--progress-interval",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description = "Print a line per table every SECONDS (0: never). Default: ${DEFAULT-VALUE}.")
  long progressSeconds;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "${env:CDC_SYNC_HTTP_PORT:--1}",
      description =
          "Serve /health/live, /health/ready and /metrics (Prometheus) on PORT (0: any free"
              + " port). Default: off, or $CDC_SYNC_HTTP_PORT.")
  int httpPort;

  @Option(
      names = "--http-host",
      paramLabel = "HOST",
      defaultValue = "${env:CDC_SYNC_HTTP_HOST:-127.0.0.1}",
      description = "The address the HTTP endpoint listens on. Default: ${DEFAULT-VALUE}.")
  String httpHost;

  @Override
  public Integer call() {
    PipelineProcess process;
    try {
      process = PipelineProcess.load(file);
    } catch (RuntimeException e) {
      return CommandFailures.report(e);
    }
    Signals.onTerminate(() -> stopQuietly(process));
    HttpEndpoint endpoint = null;
    try {
      if (httpPort >= 0) {
        endpoint =
            HttpEndpoint.start(
                httpHost,
                httpPort,
                process.pipeline().name(),
                process.status(),
                process.pipeline().pipelineOptions().get(PipelineOptions.CHECKPOINT_INTERVAL),
                Clock.systemUTC());
      }
      process.run(System.out, Duration.ofSeconds(progressSeconds));
      LOG.info("Pipeline '{}' stopped cleanly", process.pipeline().name());
      return ExitCodes.OK;
    } catch (Exception e) {
      return CommandFailures.report(e);
    } finally {
      if (endpoint != null) {
        endpoint.close();
      }
    }
  }

  /** Asks the pipeline to stop (from a signal handler), logging a failure rather than throwing. */
  static void stopQuietly(PipelineProcess process) {
    try {
      process.stop();
    } catch (Exception e) {
      LOG.error("Cannot stop the pipeline cleanly: {}", e.getMessage(), e);
    }
  }
}
