package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a MariaDB server of its own whose pipeline users are refused without it: {@code REQUIRE
 * SSL} with a password, {@code REQUIRE X509} with a client certificate. The server's certificate
 * is verified against a truststore holding the CA (verify-full). Every connection cdc-sync opens
 * (checks, column defaults, Debezium's JDBC connection and its binlog client) must take the
 * documented {@code debezium.database.ssl.*} settings, or the server refuses it; rows written
 * after the start arrive only through the binlog client. Certificates are made with openssl.
 */
class MariaDbTlsIT {

  private static final String PASSWORD = "tls-pw";
  private static final String STORE_PASSWORD = "store-secret";

  @TempDir static Path certificates;
  @TempDir Path work;

  private static TestCertificates made;
  private static TestDatabaseServer server;

  @BeforeAll
  static void startAServerThatRequiresTls() throws Exception {
    made = TestCertificates.create(certificates, "x509_user");
    server =
        TestDatabases.mariadbWithTls(
            made.file("server.crt"), made.file("server.key"), made.file("ca.crt"));
    for (String user : List.of("tls_user", "x509_user")) {
      String requirement = user.equals("tls_user") ? "SSL" : "X509";
      server.execute(
          "mysql",
          "CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + PASSWORD + "' REQUIRE " + requirement,
          "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO '"
              + user
              + "'@'%'");
    }
  }

  @Test
  void replicatesOverVerifiedTlsWithAPasswordOrAClientCertificate() throws Exception {
    Path truststore = made.truststore("ca", STORE_PASSWORD);
    Path keystore = made.clientKeystore(STORE_PASSWORD);
    int serverId = 5901;
    for (String user : List.of("tls_user", "x509_user")) {
      String database = user.replace("_user", "_db");
      server.createDatabase(database);
      server.execute(
          database,
          "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20), added INT DEFAULT 5)",
          "INSERT INTO items (id, name) VALUES (1, 'one')");
      List<String> source = new ArrayList<>(PipelineFiles.binlogTables(database, serverId++));
      source.add("debezium.database.ssl.mode: verify-full");
      source.add("debezium.database.ssl.truststore: " + truststore);
      source.add("debezium.database.ssl.truststore.password: " + STORE_PASSWORD);
      if (user.equals("x509_user")) {
        source.add("debezium.database.ssl.keystore: " + keystore);
        source.add("debezium.database.ssl.keystore.password: " + STORE_PASSWORD);
      }
      Path warehouse = work.resolve(database);
      Path pipeline =
          PipelineFiles.write(
              work.resolve(database + ".yaml"),
              server,
              user,
              PASSWORD,
              database,
              source,
              warehouse,
              "1s",
              List.of());

      try (CdcSyncProcess validate =
          CdcSyncProcess.start(work, Map.of(), "validate", pipeline.toString())) {
        assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.OK);
        assertThat(validate.output() + validate.errors()).doesNotContain(PASSWORD, STORE_PASSWORD);
      }
      try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
        await(database + " snapshot")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .failFast(
                "cdc-sync exited",
                () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
            .untilAsserted(
                () ->
                    assertThat(IcebergRows.rows(warehouse, database, "items", "id"))
                        .containsOnlyKeys(1));
        // Through the binlog client; the added column's default is read on cdc-sync's own
        // connection.
        server.execute(
            database,
            "INSERT INTO items (id, name) VALUES (2, 'two')",
            "ALTER TABLE items ADD COLUMN flag INT DEFAULT 7",
            "INSERT INTO items (id, name) VALUES (3, 'three')");
        await(database + " streams")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .failFast(
                "cdc-sync exited",
                () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
            .untilAsserted(
                () -> {
                  Map<Object, Map<String, Object>> rows =
                      IcebergRows.rows(warehouse, database, "items", "id");
                  assertThat(rows).as(cdcSync::describe).containsOnlyKeys(1, 2, 3);
                  assertThat(rows.get(1)).containsEntry("flag", 7);
                  assertThat(rows.get(3)).containsEntry("name", "three").containsEntry("flag", 7);
                });
        assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
        assertThat(cdcSync.output() + cdcSync.errors()).doesNotContain(PASSWORD, STORE_PASSWORD);
      }
    }
  }

  @Test
  void refusesAServerCertificateItCannotVerify() throws Exception {
    String database = "tls_wrong_ca";
    server.createDatabase(database);
    made.authority("other-ca", "another CA");
    List<String> source = new ArrayList<>(PipelineFiles.binlogTables(database, 5911));
    source.add("debezium.database.ssl.mode: verify-full");
    source.add("debezium.database.ssl.truststore: " + made.truststore("other-ca", STORE_PASSWORD));
    source.add("debezium.database.ssl.truststore.password: " + STORE_PASSWORD);
    Path pipeline =
        PipelineFiles.write(
            work.resolve(database + ".yaml"),
            server,
            "tls_user",
            PASSWORD,
            database,
            source,
            work.resolve("w"),
            "1s",
            List.of());
    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
      // Permanent: one line that says why, no restarts.
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .as(cdcSync.describe())
          .contains("the TLS handshake failed (a certificate was not accepted)");
      assertThat(cdcSync.output() + cdcSync.errors())
          .doesNotContain("restarting from its last checkpoint");
    }
  }

  @Test
  void saysWhatIsMissingWhenTheServerRequiresTlsAndThePipelineSetsNone() throws Exception {
    String database = "tls_none";
    server.createDatabase(database);
    Path pipeline =
        PipelineFiles.write(
            work.resolve(database + ".yaml"),
            server,
            "tls_user",
            PASSWORD,
            database,
            PipelineFiles.binlogTables(database, 5912),
            work.resolve("w"),
            "1s",
            List.of());
    try (CdcSyncProcess validate =
        CdcSyncProcess.start(work, Map.of(), "validate", pipeline.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isNotEqualTo(ExitCodes.OK);
      assertThat(validate.output() + validate.errors())
          .as(validate.describe())
          .contains("debezium.database.ssl.mode")
          .doesNotContain(PASSWORD);
    }
  }
}
