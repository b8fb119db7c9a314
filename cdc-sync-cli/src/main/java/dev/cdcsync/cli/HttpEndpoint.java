package dev.cdcsync.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.cdcsync.runtime.PipelineStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a running pipeline: {@code /health/live}, {@code /health/ready} and {@code
 * /metrics} (Prometheus).
 *
 * <p>Readiness is {@link PipelineStatus#notReadyBecause}.
 */
final class HttpEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);

  private final HttpServer server;
  private final ExecutorService executor;
  private final PipelineStatus status;
  private final PipelineMetrics metrics;
  private final Duration checkpointInterval;
  private final Clock clock;

  private HttpEndpoint(
      HttpServer server,
      PipelineStatus status,
      PipelineMetrics metrics,
      Duration checkpointInterval,
      Clock clock) {
    this.server = server;
    this.status = status;
    this.metrics = metrics;
    this.checkpointInterval = checkpointInterval;
    this.clock = clock;
    this.executor =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cdc-sync-http");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(
        "/health/live",
        exchange -> respond(exchange, 200, "application/json", "{\"status\":\"UP\"}\n"));
    server.createContext("/health/ready", this::ready);
    server.createContext(
        "/metrics",
        exchange ->
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
    server.createContext(
        "/",
        exchange ->
            respond(
                exchange,
                404,
                "text/plain",
                "Not found; try /health/live, /health/ready or /metrics\n"));
  }

  /**
   * Starts serving on {@code host:port} (port 0: any free port).
   *
   * @throws UncheckedIOException when the address cannot be bound
   */
  static HttpEndpoint start(
      String host,
      int port,
      String pipeline,
      PipelineStatus status,
      Duration checkpointInterval,
      Clock clock) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot serve HTTP on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    HttpEndpoint endpoint =
        new HttpEndpoint(
            server, status, new PipelineMetrics(pipeline, status), checkpointInterval, clock);
    server.start();
    LOG.info(
        "Serving /health/live, /health/ready and /metrics on http://{}:{}", host, endpoint.port());
    return endpoint;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void ready(HttpExchange exchange) throws IOException {
    String reason = status.notReadyBecause(clock.millis(), checkpointInterval).orElse(null);
    String body =
        "{\"status\":\""
            + (reason == null ? "UP" : "DOWN")
            + "\",\"checkpoint\":"
            + status.lastCheckpointId()
            + (reason == null ? "" : ",\"reason\":\"" + reason + "\"")
            + "}\n";
    respond(exchange, reason == null ? 200 : 503, "application/json", body);
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    metrics.close();
  }
}
