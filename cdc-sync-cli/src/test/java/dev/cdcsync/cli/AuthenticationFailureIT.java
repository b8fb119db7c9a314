package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong password or a missing right is a permanent failure: no retries, exit 1, one line naming
 * the cause, and the password is never shown.
 */
class AuthenticationFailureIT {

  @TempDir Path work;

  @Test
  void stopsAtOnceOnAWrongPassword() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    server.createDatabase("auth_failure");
    Path file =
        PipelineFiles.write(
            work,
            server,
            "auth_failure",
            PipelineFiles.binlogTables("auth_failure", 5431),
            work.resolve("warehouse"),
            "1s");
    Files.writeString(
        file,
        Files.readString(file).replace("password: " + server.password(), "password: Wr0ng-Pa55"));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains(
              "Error: Cannot connect to MariaDB at "
                  + server.host()
                  + ":"
                  + server.port()
                  + " as user '"
                  + server.username()
                  + "': authentication failed; check 'username' and 'password'")
          .doesNotContain("Wr0ng-Pa55");
      assertThat(cdcSync.output() + cdcSync.errors())
          .doesNotContain("restarting from its last checkpoint");
    }
  }

  @Test
  void stopsAtStartWhenTheUserMayNotReadTheBinlog() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "no_replication";
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE items (id INT PRIMARY KEY)", "INSERT INTO items VALUES (1)");
    for (String host : List.of("%", "localhost")) {
      server.execute(
          database,
          "CREATE USER IF NOT EXISTS 'no_repl'@'" + host + "' IDENTIFIED BY 'no-repl-pw'",
          "GRANT SELECT, RELOAD, BINLOG MONITOR ON *.* TO 'no_repl'@'" + host + "'");
    }
    Path file =
        PipelineFiles.write(
            work.resolve("no-repl.yaml"),
            server,
            "no_repl",
            "no-repl-pw",
            "no-repl",
            PipelineFiles.binlogTables(database, 5432),
            work.resolve("warehouse"),
            "1s",
            List.of());

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains(
              "Error: Cannot capture changes from MariaDB at "
                  + server.host()
                  + ":"
                  + server.port()
                  + ":\n"
                  + "  user 'no_repl' may not read the binlog: run GRANT REPLICATION SLAVE ON *.* TO 'no_repl';")
          .doesNotContain("no-repl-pw");
      assertThat(cdcSync.output() + cdcSync.errors())
          .doesNotContain("restarting from its last checkpoint")
          .doesNotContain("Checkpoint 1 committed");
    }
  }

  /**
   * Rights a role carries are not listed by SHOW GRANTS, so the start leaves them to the server;
   * its refusal (deep inside Debezium's "An exception occurred in the change event producer") is
   * named in one line and ends the run at once, although the snapshot committed in between.
   */
  @Test
  void namesTheServersRefusalOfTheBinlogAndStopsAtOnce() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "role_without_replication";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY)",
        "INSERT INTO items VALUES (1), (2)",
        "CREATE ROLE IF NOT EXISTS snapshot_reader",
        "GRANT SELECT, RELOAD, BINLOG MONITOR ON *.* TO snapshot_reader");
    for (String host : List.of("%", "localhost")) {
      server.execute(
          database,
          "CREATE USER IF NOT EXISTS 'role_user'@'" + host + "' IDENTIFIED BY 'role-user-pw'",
          "GRANT snapshot_reader TO 'role_user'@'" + host + "'",
          "SET DEFAULT ROLE snapshot_reader FOR 'role_user'@'" + host + "'");
    }
    Path file =
        PipelineFiles.write(
            work.resolve("role-user.yaml"),
            server,
            "role_user",
            "role-user-pw",
            "role-user",
            PipelineFiles.binlogTables(database, 5433),
            work.resolve("warehouse"),
            "1s",
            List.of());

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      assertThat(cdcSync.waitFor(90)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .containsPattern(
              "Error: Cannot read changes from MariaDB at "
                  + server.host()
                  + ":"
                  + server.port()
                  + ": access denied: .*REPLICATION SLAVE.*\n")
          .doesNotContain("role-user-pw")
          .doesNotContain("INFO: Requesting streaming from GTID set");
      assertThat(cdcSync.output() + cdcSync.errors())
          .doesNotContain("restarting from its last checkpoint");
    }
  }
}
