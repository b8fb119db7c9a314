package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cdc-sync validate} against real servers: each missing right or setting is named with its fix; nothing changes. */
class ValidateIT {

  @TempDir Path work;

  @Test
  void postgresNamesWhatAFirstRunLacksAndChangesNothing() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "validate_pg";
    server.createDatabase(database);
    server.execute(
        database,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'check_user') THEN"
            + " CREATE ROLE check_user WITH LOGIN PASSWORD 'check-pw'; END IF; END $$",
        "CREATE TABLE orders (id int PRIMARY KEY)",
        "CREATE TABLE events (at timestamptz, what text)",
        "GRANT SELECT ON orders, events TO check_user");
    Path file =
        pipeline(
            server,
            "check_user",
            "check-pw",
            "tables: " + database + ".public.\\.*",
            "slot.name: validate_slot");

    try (CdcSyncProcess validate =
        CdcSyncProcess.start(work, Map.of(), "validate", file.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(validate.output())
          .contains(
              "ok      connection: connected to PostgreSQL at "
                  + server.host()
                  + ":"
                  + server.port()
                  + "/"
                  + database)
          .contains("ok      wal_level: wal_level is logical")
          .contains(
              "FAILED  replication: user 'check_user' may not use replication: run ALTER ROLE \"check_user\" WITH REPLICATION;")
          .contains("ok      replication slot: slot validate_slot will be created")
          .contains("ok      tables: 2 table(s) match option 'tables'")
          .contains(
              "FAILED  replica identity \"public\".\"events\": table \"public\".\"events\" has no replica identity")
          .contains("run ALTER TABLE \"public\".\"events\" REPLICA IDENTITY FULL;")
          .contains(
              "FAILED  publication: user 'check_user' cannot create publication validate_slot")
          .contains("ok      catalog: the hadoop catalog answers")
          .contains("ok      warehouse: can write to")
          .contains("ok      state store: can write to")
          .contains(
              "FAILED  owner \"public\".\"orders\": user 'check_user' does not own table \"public\".\"orders\"")
          .contains("5 of 12 checks failed")
          .doesNotContain("check-pw");
    }

    server.execute(
        database,
        "ALTER ROLE check_user WITH REPLICATION",
        "ALTER TABLE events REPLICA IDENTITY FULL",
        "GRANT CREATE ON DATABASE " + database + " TO check_user",
        "ALTER TABLE orders OWNER TO check_user",
        "ALTER TABLE events OWNER TO check_user");
    try (CdcSyncProcess validate =
        CdcSyncProcess.start(work, Map.of(), "validate", file.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.OK);
      assertThat(validate.output())
          .contains("ok      publication: publication validate_slot will be created")
          .contains("checks passed");
    }
    // validate created neither the publication nor the slot.
    assertThat(
            count(
                server,
                database,
                "SELECT count(*) FROM pg_publication WHERE pubname = 'validate_slot'"))
        .isZero();
    assertThat(
            count(
                server,
                database,
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'validate_slot'"))
        .isZero();
  }

  @Test
  void mariadbNamesMissingReplicationRightsAndUnreadableTables() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "validate_maria";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE orders (id INT PRIMARY KEY)",
        "CREATE TABLE secrets (id INT PRIMARY KEY)");
    for (String host : List.of("%", "localhost")) {
      server.execute(
          database,
          "CREATE USER IF NOT EXISTS 'check_user'@'" + host + "' IDENTIFIED BY 'check-pw'",
          "GRANT SELECT ON " + database + ".orders TO 'check_user'@'" + host + "'",
          // Visible (MariaDB lists only tables the user has some right on) but not readable.
          "GRANT INSERT ON " + database + ".secrets TO 'check_user'@'" + host + "'");
    }
    Path file =
        pipeline(
            server, "check_user", "check-pw", "tables: " + database + ".\\.*", "server-id: 5481");

    try (CdcSyncProcess validate =
        CdcSyncProcess.start(work, Map.of(), "validate", file.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(validate.output())
          .contains("ok      log_bin: log_bin is ON")
          .contains("ok      binlog_format: binlog_format is ROW")
          .contains(
              "FAILED  replication: user 'check_user' may not read the binlog: run GRANT REPLICATION SLAVE ON *.* TO 'check_user';")
          .contains("FAILED  binlog position: user 'check_user' may not read the binlog position")
          .contains(
              "FAILED  select `"
                  + database
                  + "`.`secrets`: user 'check_user' cannot read table `"
                  + database
                  + "`.`secrets`")
          .doesNotContain("FAILED  select `" + database + "`.`orders`")
          .doesNotContain("check-pw");
    }

    for (String host : List.of("%", "localhost")) {
      server.execute(
          database,
          "GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'check_user'@'" + host + "'",
          "GRANT SELECT ON " + database + ".* TO 'check_user'@'" + host + "'");
    }
    try (CdcSyncProcess validate =
        CdcSyncProcess.start(work, Map.of(), "validate", file.toString())) {
      assertThat(validate.waitFor(60)).as(validate.describe()).isEqualTo(ExitCodes.OK);
      assertThat(validate.output()).contains("checks passed");
    }
  }

  /**
   * Debezium reads the DDL of every table on the server: an INET6 column in a table no pipeline
   * selects stops them all. validate names it, and run refuses to start, both with the fix.
   */
  @Test
  void mariadbNamesColumnsDebeziumCannotReadAndRunRefusesThemAtOnce() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "validate_inet";
    String other = "validate_inet_other";
    server.createDatabase(database);
    server.createDatabase(other);
    server.execute(database, "CREATE TABLE plain (id INT PRIMARY KEY)");
    Path file =
        pipeline(
            server,
            server.username(),
            server.password(),
            "tables: " + database + ".\\.*",
            "server-id: 5483");
    try {
      server.execute(other, "CREATE TABLE hosts (id INT PRIMARY KEY, addr INET6)");
      String failure =
          "column `addr` of table `"
              + other
              + "`.`hosts` is INET6, whose DDL Debezium cannot parse; it reads the DDL of"
              + " every table on the server, not only the selected ones, so store the address as text: ALTER TABLE `"
              + other
              + "`.`hosts` MODIFY `addr` VARCHAR(39);";

      try (CdcSyncProcess validate =
          CdcSyncProcess.start(work, Map.of(), "validate", file.toString())) {
        assertThat(validate.waitFor(60))
            .as(validate.describe())
            .isEqualTo(ExitCodes.RUNTIME_FAILURE);
        assertThat(validate.output())
            .contains("FAILED  column `" + other + "`.`hosts`.`addr`: " + failure);
      }
      try (CdcSyncProcess run = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
        assertThat(run.waitFor(60)).as(run.describe()).isNotEqualTo(ExitCodes.OK);
        assertThat(run.output() + run.errors()).contains(failure).doesNotContain("restarting");
      }
    } finally {
      // The server is shared: other tests' pipelines would meet the column too.
      server.execute(other, "DROP TABLE IF EXISTS hosts");
    }
  }

  private Path pipeline(
      TestDatabaseServer server, String user, String password, String... sourceLines)
      throws Exception {
    Path file = work.resolve("validate-" + server.sourceType() + ".yaml");
    return PipelineFiles.write(
        file,
        server,
        user,
        password,
        "validate-" + server.sourceType(),
        List.of(sourceLines),
        work.resolve("warehouse"),
        "1s",
        List.of());
  }

  private static long count(TestDatabaseServer server, String database, String sql)
      throws Exception {
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }
}
