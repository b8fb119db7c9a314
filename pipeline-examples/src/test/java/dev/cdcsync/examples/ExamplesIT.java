package dev.cdcsync.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.cli.CdcSyncProcess;
import dev.cdcsync.cli.IcebergRestServer;
import dev.cdcsync.cli.IcebergRows;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PostgreSQL and MariaDB examples, run as they are against real servers (and a real REST catalog). */
class ExamplesIT {

  @TempDir Path work;

  @Test
  void postgresExampleReplicatesTheShopSchema() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase("shop");
    server.execute(
        "shop",
        "CREATE TABLE orders (id int PRIMARY KEY, note text)",
        "INSERT INTO orders VALUES (1, 'first')");
    Map<String, String> environment =
        Map.of(
            "PG_HOST", server.host(),
            "PG_PORT", Integer.toString(server.port()),
            "PG_USER", server.username(),
            "PG_PASSWORD", server.password(),
            "WAREHOUSE", work.resolve("warehouse").toUri().toString(),
            "CHECKPOINT_INTERVAL", "1s");
    runUntilReplicated(server, "shop", "postgres-to-iceberg.yaml", environment, "public");
  }

  @Test
  void mariadbExampleReplicatesTheShopDatabaseButNotItsAuditTables() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    server.createDatabase("shop");
    server.execute(
        "shop",
        "CREATE TABLE orders (id int PRIMARY KEY, note text)",
        "CREATE TABLE audit_log (id int PRIMARY KEY)",
        "INSERT INTO orders VALUES (1, 'first')",
        "INSERT INTO audit_log VALUES (1)");
    Map<String, String> environment =
        Map.of(
            "MARIADB_HOST", server.host(),
            "MARIADB_PORT", Integer.toString(server.port()),
            "MARIADB_USER", server.username(),
            "MARIADB_PASSWORD", server.password(),
            "WAREHOUSE", work.resolve("warehouse").toUri().toString(),
            "CHECKPOINT_INTERVAL", "1s");
    runUntilReplicated(server, "shop", "mariadb-to-iceberg.yaml", environment, "shop");
    assertThat(IcebergRows.exists(work.resolve("warehouse"), "shop", "audit_log")).isFalse();
  }

  @Test
  void postgresRestCatalogExampleReplicatesIntoARestCatalog() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase("shop_rest");
    server.execute(
        "shop_rest",
        "CREATE TABLE orders (id int PRIMARY KEY, note text)",
        "INSERT INTO orders VALUES (1, 'first')");
    try (IcebergRestServer rest =
            IcebergRestServer.startWithJdbcBackend(
                server, "shop_rest_catalog", work.resolve("warehouse"));
        RESTCatalog catalog = rest.client()) {
      Map<String, String> environment =
          Map.of(
              "PG_HOST", server.host(),
              "PG_PORT", Integer.toString(server.port()),
              "PG_USER", server.username(),
              "PG_PASSWORD", server.password(),
              "PG_DATABASE", "shop_rest",
              "REST_CATALOG_URI", rest.uri(),
              "STATE_LOCATION", work.resolve("state").toString(),
              "CHECKPOINT_INTERVAL", "1s");
      runUntilReplicated(
          server,
          "shop_rest",
          "postgres-to-iceberg-rest-catalog.yaml",
          environment,
          catalog,
          "public");
    }
  }

  private void runUntilReplicated(
      TestDatabaseServer server,
      String database,
      String example,
      Map<String, String> environment,
      String namespace)
      throws Exception {
    runUntilReplicated(
        server,
        database,
        example,
        environment,
        IcebergRows.hadoopCatalog(work.resolve("warehouse")),
        namespace);
  }

  private void runUntilReplicated(
      TestDatabaseServer server,
      String database,
      String example,
      Map<String, String> environment,
      Catalog warehouse,
      String namespace)
      throws Exception {
    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, environment, Examples.directory().resolve(example).toString())) {
      await("the snapshot row arrives")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, namespace, "orders", "id").containsKey(1));
      server.execute(database, "INSERT INTO orders VALUES (2, 'second')");
      await("the streamed row arrives")
          .atMost(Duration.ofSeconds(90))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> IcebergRows.rows(warehouse, namespace, "orders", "id").containsKey(2));
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isZero();
    }
  }
}
