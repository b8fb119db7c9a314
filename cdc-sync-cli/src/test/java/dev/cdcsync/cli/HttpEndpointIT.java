package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health and metrics endpoint of a running pipeline, scraped as Prometheus and a probe would. */
class HttpEndpointIT {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path work;

  @Test
  void servesHealthAndPrometheusMetricsOfTheRunningPipeline() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "http_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE t (id INT PRIMARY KEY, v TEXT)",
        "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
        "ANALYZE t");
    Path warehouse = work.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work, server, database, PipelineFiles.postgresTables(database), warehouse, "300ms");
    int port = freePort();

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), file.toString(), "--http-port", Integer.toString(port))) {
      await("ready")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .ignoreExceptionsInstanceOf(java.net.ConnectException.class)
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(() -> assertThat(get(port, "/health/ready").statusCode()).isEqualTo(200));
      assertThat(get(port, "/health/live").body()).isEqualTo("{\"status\":\"UP\"}\n");

      server.execute(
          database, "INSERT INTO t VALUES (3, 'c')", "UPDATE t SET v = 'z' WHERE id = 1");
      await("the streamed changes are counted")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .untilAsserted(
              () ->
                  assertThat(get(port, "/metrics").body())
                      .contains(
                          "cdc_sync_table_changes_committed_total{pipeline=\"http_pg\",table=\"public.t\"} 4.0")
                      .contains(
                          "cdc_sync_table_snapshot_rows_total{pipeline=\"http_pg\",table=\"public.t\"} 2.0")
                      .contains(
                          "cdc_sync_table_snapshot_rows_estimated{pipeline=\"http_pg\",table=\"public.t\"} 2.0")
                      .contains("cdc_sync_changes_read_total{pipeline=\"http_pg\"} 4.0")
                      .contains("cdc_sync_snapshot_running{pipeline=\"http_pg\"} 0.0"));
      String metrics = get(port, "/metrics").body();
      assertThat(metrics)
          .contains(
              "cdc_sync_table_snapshot_chunks_loaded{pipeline=\"http_pg\",table=\"public.t\"} 1.0")
          .contains(
              "cdc_sync_table_snapshot_chunks_expected{pipeline=\"http_pg\",table=\"public.t\"} 1.0")
          .contains(
              "cdc_sync_table_snapshot_rows_loaded_before{pipeline=\"http_pg\",table=\"public.t\"} 0.0")
          .contains("cdc_sync_checkpoint_commit_seconds_count{pipeline=\"http_pg\"}")
          .contains("cdc_sync_source_lag_seconds{pipeline=\"http_pg\"}")
          .contains("cdc_sync_table_commit_lag_seconds{pipeline=\"http_pg\",table=\"public.t\"}")
          .contains("cdc_sync_failures_total{pipeline=\"http_pg\"} 0.0")
          .contains("jvm_memory_used_bytes");
      assertThat(metrics).doesNotContain(server.password());
      assertThat(get(port, "/nothing").statusCode()).isEqualTo(404);
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
