package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong password is a permanent failure: no retries, exit 1, and the password is never shown. */
class AuthenticationFailureIT {

  @TempDir Path work;

  @Test
  void stopsAtOnceOnAWrongPassword() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    server.createDatabase("auth_failure");
    Path file = PipelineFiles.write(
        work, server, "auth_failure", PipelineFiles.binlogTables("auth_failure", 5431), work.resolve("warehouse"), "1s");
    Files.writeString(file, Files.readString(file).replace("password: " + server.password(), "password: Wr0ng-Pa55"));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains(
              "Error: Cannot connect to MariaDB at " + server.host() + ":" + server.port() + " as user '"
                  + server.username() + "': authentication failed; check 'username' and 'password'")
          .doesNotContain("Wr0ng-Pa55");
      assertThat(cdcSync.output() + cdcSync.errors()).doesNotContain("restarting from its last checkpoint");
    }
  }
}
