package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user without the rights change capture needs is told exactly what to grant. */
class PostgresPermissionsIT {

  @TempDir Path work;

  @Test
  void saysWhatToGrantWhenTheUserLacksReplicationAndOwnership() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    server.createDatabase("e2e_rights");
    server.execute(
        "e2e_rights",
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'plain_user') THEN"
            + " CREATE ROLE plain_user WITH LOGIN PASSWORD 'plain-pw'; END IF; END $$",
        "CREATE TABLE orders (id int PRIMARY KEY)");
    Path file = work.resolve("rights.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "source:",
            "  type: postgres",
            "  hostname: " + server.host(),
            "  port: " + server.port(),
            "  username: plain_user",
            "  password: plain-pw",
            "  tables: e2e_rights.public.orders",
            "  slot.name: rights_slot",
            "sink:",
            "  type: iceberg",
            "  catalog.properties.type: hadoop",
            "  catalog.properties.warehouse: " + work.resolve("warehouse").toUri(),
            ""));

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .contains(
              "Error: Cannot capture changes from PostgreSQL at "
                  + server.host()
                  + ":"
                  + server.port()
                  + "/e2e_rights:")
          .contains(
              "user 'plain_user' may not use replication: run ALTER ROLE \"plain_user\" WITH REPLICATION;")
          .contains(
              "user 'plain_user' cannot read table \"public\".\"orders\": run GRANT SELECT ON \"public\".\"orders\" TO \"plain_user\";")
          .contains(
              "user 'plain_user' cannot create publication rights_slot: run GRANT CREATE ON DATABASE \"e2e_rights\" TO \"plain_user\";")
          .doesNotContain("plain-pw");
    }
  }
}
