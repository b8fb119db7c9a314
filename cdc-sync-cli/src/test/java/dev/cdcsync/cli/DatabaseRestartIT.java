package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database stops and comes back while the pipeline runs: the pipeline reconnects with
 * backoff and carries on, losing and duplicating nothing. Uses its own PostgreSQL server (real
 * binaries), since the shared one must stay up.
 */
class DatabaseRestartIT {

  @TempDir Path work;

  @Test
  void carriesOnAfterTheDatabaseRestartsMidStream() throws Exception {
    Path data = work.resolve("pgdata");
    EmbeddedPostgres server = start(data, 0);
    int port = server.getPort();
    try {
      execute(
          port,
          "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(20))",
          "INSERT INTO items VALUES (1, 'one')");
      Path warehouse = work.resolve("warehouse");
      Path file = work.resolve("restart.yaml");
      Files.writeString(
          file,
          String.join(
              "\n",
              "source:",
              "  type: postgres",
              "  hostname: 127.0.0.1",
              "  port: " + port,
              "  username: postgres",
              "  password: postgres",
              "  tables: postgres.public.items",
              "  slot.name: restart_slot",
              "sink:",
              "  type: iceberg",
              "  catalog.properties.type: hadoop",
              "  catalog.properties.warehouse: " + warehouse.toUri(),
              "pipeline:",
              "  name: restart",
              "  checkpoint.interval: 300ms",
              ""));
      Map<Object, Map<String, Object>> expected = new TreeMap<>();
      expected.put(1L, row(1, "one"));
      try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
        awaitRows(cdcSync, warehouse, expected);
        for (int i = 2; i <= 50; i++) {
          execute(port, "INSERT INTO items VALUES (" + i + ", 'before')");
          expected.put((long) i, row(i, "before"));
        }

        server.close();
        server = start(data, port);

        for (int i = 51; i <= 100; i++) {
          execute(port, "INSERT INTO items VALUES (" + i + ", 'after')");
          expected.put((long) i, row(i, "after"));
        }
        execute(
            port,
            "UPDATE items SET name = 'changed' WHERE id <= 10",
            "DELETE FROM items WHERE id > 95");
        for (long i = 1; i <= 10; i++) {
          expected.put(i, row(i, "changed"));
        }
        for (long i = 96; i <= 100; i++) {
          expected.remove(i);
        }
        awaitRows(cdcSync, warehouse, expected);
        assertThat(cdcSync.output() + cdcSync.errors())
            .contains("restarting from its last checkpoint");
        assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
      }
    } finally {
      server.close();
    }
  }

  private static EmbeddedPostgres start(Path data, int port) throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("wal_level", "logical")
        .setServerConfig("max_replication_slots", "4")
        .setServerConfig("max_wal_senders", "4")
        .start();
  }

  private static void execute(int port, String... statements) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "postgres");
        Statement statement = connection.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static Map<String, Object> row(long id, String name) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", id);
    row.put("name", name);
    return row;
  }

  private static void awaitRows(
      CdcSyncProcess cdcSync, Path warehouse, Map<Object, Map<String, Object>> expected) {
    await("items equal the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () ->
                assertThat(IcebergRows.rows(warehouse, "public", "items", "id"))
                    .isEqualTo(expected));
  }
}
