package dev.cdcsync.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.mysql.MySQLContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Servers from Testcontainers, used when a Docker engine is reachable. */
final class ContainerServers {

  private ContainerServers() {}

  static TestDatabaseServer postgres() {
    PostgreSQLContainer container =
        new PostgreSQLContainer("postgres:17")
            .withCommand(
                "postgres",
                "-c",
                "wal_level=logical",
                "-c",
                "max_replication_slots=64",
                "-c",
                "max_wal_senders=64",
                "-c",
                "max_connections=200");
    container.start();
    TestDatabases.stopOnExit("postgres container", container::stop);
    return new Server(
        "postgres",
        "Testcontainers postgres:17",
        container.getHost(),
        container.getMappedPort(5432),
        container.getUsername(),
        container.getPassword(),
        "jdbc:postgresql://") {
      @Override
      public void createDatabase(String database) throws SQLException {
        PostgresDatabases.recreate(this, database);
      }

      @Override
      public Connection connect(String database) throws SQLException {
        return super.connect(database.equals("postgres") ? container.getDatabaseName() : database);
      }
    };
  }

  static TestDatabaseServer mariadb() {
    MariaDBContainer container =
        new MariaDBContainer("mariadb:11.4")
            .withUsername("root")
            .withPassword("admin-secret")
            .withCommand(
                "--log-bin=mysql-bin",
                "--binlog-format=ROW",
                "--binlog-row-image=FULL",
                "--server-id=1",
                "--default-time-zone=+00:00",
                "--character-set-server=utf8mb4");
    container.start();
    TestDatabases.stopOnExit("mariadb container", container::stop);
    return binlogServer(
        "mariadb",
        "Testcontainers mariadb:11.4",
        container.getHost(),
        container.getMappedPort(3306),
        "jdbc:mariadb://");
  }

  static TestDatabaseServer mysql() {
    MySQLContainer container =
        new MySQLContainer("mysql:8.4")
            .withUsername("root")
            .withPassword("admin-secret")
            .withCommand(
                "--server-id=1",
                "--binlog-format=ROW",
                "--binlog-row-image=FULL",
                "--default-time-zone=+00:00",
                "--character-set-server=utf8mb4");
    container.start();
    TestDatabases.stopOnExit("mysql container", container::stop);
    return binlogServer(
        "mysql",
        "Testcontainers mysql:8.4",
        container.getHost(),
        container.getMappedPort(3306),
        "jdbc:mysql://");
  }

  private static TestDatabaseServer binlogServer(
      String type, String provenance, String host, int port, String prefix) {
    return new Server(type, provenance, host, port, "root", "admin-secret", prefix) {
      @Override
      public void createDatabase(String database) throws SQLException {
        execute(
            "mysql",
            "DROP DATABASE IF EXISTS " + database,
            "CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
      }
    };
  }

  private abstract static class Server implements TestDatabaseServer {
    private final String type;
    private final String provenance;
    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final String jdbcPrefix;

    Server(
        String type,
        String provenance,
        String host,
        int port,
        String username,
        String password,
        String jdbcPrefix) {
      this.type = type;
      this.provenance = provenance;
      this.host = host;
      this.port = port;
      this.username = username;
      this.password = password;
      this.jdbcPrefix = jdbcPrefix;
    }

    @Override
    public String sourceType() {
      return type;
    }

    @Override
    public String provenance() {
      return provenance;
    }

    @Override
    public String host() {
      return host;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public String username() {
      return username;
    }

    @Override
    public String password() {
      return password;
    }

    @Override
    public Connection connect(String database) throws SQLException {
      return DriverManager.getConnection(
          jdbcPrefix + host + ":" + port + "/" + database, username, password);
    }
  }
}
