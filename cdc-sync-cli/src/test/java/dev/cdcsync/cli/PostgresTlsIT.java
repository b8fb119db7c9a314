package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS to a PostgreSQL server that refuses the pipeline's users without it: the server certificate
 * verified against a CA file (verify-full), and a client certificate instead of a password. Every
 * connection cdc-sync opens (checks, Debezium's replication and query connections, reads back)
 * must use the documented jdbc.properties.* settings, or the server refuses it. Certificates are
 * made by the test with openssl.
 */
class PostgresTlsIT {

  @TempDir static Path certificates;
  @TempDir Path work;

  private static final TestDatabaseServer SERVER = TestDatabases.postgres();
  private static TestCertificates made;

  @BeforeAll
  static void requireTlsForTheTestUsers() throws Exception {
    made = TestCertificates.create(certificates, "tls_cert_user");
    // pgjdbc reads a client key in PKCS#8 DER form.
    made.openssl(
        "pkcs8",
        "-topk8",
        "-inform",
        "PEM",
        "-outform",
        "DER",
        "-nocrypt",
        "-in",
        "client.pem",
        "-out",
        "client.pk8");
    Files.setPosixFilePermissions(
        certificates.resolve("client.pk8"), PosixFilePermissions.fromString("rw-------"));
    try (Connection connection = SERVER.connect("postgres");
        Statement statement = connection.createStatement()) {
      Path hba = Path.of(single(statement, "SHOW hba_file"));
      List<String> lines = new ArrayList<>();
      for (String user : List.of("tls_user", "tls_cert_user")) {
        String method = user.equals("tls_user") ? "scram-sha-256" : "cert";
        for (String database : List.of("all", "replication")) {
          lines.add("hostssl " + database + " " + user + " 127.0.0.1/32 " + method);
          lines.add("host " + database + " " + user + " 127.0.0.1/32 reject");
        }
      }
      String current = Files.readString(hba);
      if (!current.contains("tls_cert_user")) {
        Files.writeString(hba, String.join("\n", lines) + "\n" + current);
      }
      statement.execute(
          "ALTER SYSTEM SET ssl_cert_file = '" + certificates.resolve("server.crt") + "'");
      statement.execute(
          "ALTER SYSTEM SET ssl_key_file = '" + certificates.resolve("server.key") + "'");
      statement.execute("ALTER SYSTEM SET ssl_ca_file = '" + certificates.resolve("ca.crt") + "'");
      statement.execute("ALTER SYSTEM SET ssl = on");
      statement.execute("SELECT pg_reload_conf()");
      for (String user : List.of("tls_user", "tls_cert_user")) {
        statement.execute(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
                + user
                + "') THEN"
                + " CREATE ROLE "
                + user
                + " WITH LOGIN REPLICATION PASSWORD 'tls-pw'; END IF; END $$");
      }
    }
  }

  @AfterAll
  static void turnTlsOffAgain() throws Exception {
    try (Connection connection = SERVER.connect("postgres");
        Statement statement = connection.createStatement()) {
      for (String setting : List.of("ssl", "ssl_cert_file", "ssl_key_file", "ssl_ca_file")) {
        statement.execute("ALTER SYSTEM RESET " + setting);
      }
      statement.execute("SELECT pg_reload_conf()");
    }
  }

  @Test
  void replicatesOverVerifiedTlsWithAPasswordOrAClientCertificate() throws Exception {
    for (String user : List.of("tls_user", "tls_cert_user")) {
      String database = user.replace("_user", "_db");
      SERVER.createDatabase(database);
      SERVER.execute(
          database,
          "GRANT CREATE ON DATABASE " + database + " TO " + user,
          "CREATE TABLE items (id INT PRIMARY KEY, name TEXT)",
          "ALTER TABLE items OWNER TO " + user,
          "INSERT INTO items VALUES (1, 'one')");
      List<String> source = new ArrayList<>(PipelineFiles.postgresTables(database));
      source.add("jdbc.properties.sslmode: verify-full");
      source.add("jdbc.properties.sslrootcert: " + certificates.resolve("ca.crt"));
      if (user.equals("tls_cert_user")) {
        source.add("jdbc.properties.sslcert: " + certificates.resolve("client.crt"));
        source.add("jdbc.properties.sslkey: " + certificates.resolve("client.pk8"));
      }
      Path warehouse = work.resolve(database);
      Path pipeline =
          PipelineFiles.write(
              work.resolve(database + ".yaml"),
              SERVER,
              user,
              "tls-pw",
              database,
              source,
              warehouse,
              "1s",
              List.of());

      try (CdcSyncProcess validate =
          CdcSyncProcess.start(work, Map.of(), "validate", pipeline.toString())) {
        assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.OK);
      }
      try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), pipeline.toString())) {
        SERVER.execute(database, "INSERT INTO items VALUES (2, 'two')");
        await(database + " arrives")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .failFast(
                "cdc-sync exited",
                () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
            .untilAsserted(
                () ->
                    assertThat(IcebergRows.rows(warehouse, "public", "items", "id"))
                        .containsOnlyKeys(1, 2));
        assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
        assertThat(cdcSync.output() + cdcSync.errors()).doesNotContain("tls-pw");
      }
    }
  }

  @Test
  void refusesAServerCertificateItCannotVerify() throws Exception {
    String database = "tls_wrong_ca";
    SERVER.createDatabase(database);
    // A CA that did not sign the server's certificate.
    Path otherCa = made.authority("other-ca", "another CA");
    List<String> source = new ArrayList<>(PipelineFiles.postgresTables(database));
    source.add("jdbc.properties.sslmode: verify-full");
    source.add("jdbc.properties.sslrootcert: " + otherCa);
    Path pipeline =
        PipelineFiles.write(
            work.resolve(database + ".yaml"),
            SERVER,
            "tls_user",
            "tls-pw",
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

  private static String single(Statement statement, String sql) throws Exception {
    try (ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    }
  }
}
