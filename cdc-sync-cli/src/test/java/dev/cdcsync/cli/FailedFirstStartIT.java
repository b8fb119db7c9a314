package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first start that fails before its first checkpoint leaves nothing in the database that holds
 * back its log: an inactive slot of a pipeline that never committed kept hundreds of MB of WAL.
 */
class FailedFirstStartIT {

  @TempDir Path work;

  @Test
  void dropsTheReplicationSlotOfAFirstStartThatFailed() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "failed_first_start";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE orders (id INT PRIMARY KEY, total INT)",
        "INSERT INTO orders VALUES (1, 10)");
    // The rule compiles against the table's columns when its first change arrives: after the slot
    // exists.
    Path file =
        PipelineFiles.write(
            work,
            server,
            "failed-first-start",
            List.of("tables: " + database + ".public.orders", "slot.name: failed_first_start"),
            work.resolve("warehouse"),
            "1s",
            List.of());
    Files.writeString(
        file,
        Files.readString(file)
            + "transform:\n  - source-table: "
            + database
            + ".public.orders\n    projection: id, no_such_column\n");

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      assertThat(cdcSync.waitFor(90)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors()).contains("no_such_column");
      assertThat(cdcSync.output() + cdcSync.errors())
          .contains(
              "Dropped replication slot failed_first_start in PostgreSQL at "
                  + server.host()
                  + ":"
                  + server.port()
                  + "/"
                  + database
                  + ": no checkpoint of this pipeline reads from it");
    }
    assertThat(slots(server, database, "failed_first_start")).isZero();
  }

  @Test
  void stopsAtOnceWithOneLineWhenTheWarehouseCannotBeWritten() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "unwritable_warehouse";
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE orders (id INT PRIMARY KEY)", "INSERT INTO orders VALUES (1)");
    Path regularFile = Files.writeString(work.resolve("not-a-directory"), "a file");
    Path warehouse = regularFile.resolve("warehouse");
    Path file =
        PipelineFiles.write(
            work,
            server,
            "unwritable",
            List.of("tables: " + database + ".public.orders", "slot.name: unwritable_warehouse"),
            warehouse,
            "1s",
            List.of());

    try (CdcSyncProcess cdcSync = CdcSyncProcess.start(work, Map.of(), "run", file.toString())) {
      assertThat(cdcSync.waitFor(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors().lines().filter(line -> line.startsWith("Error: ")))
          .containsExactly(
              "Error: Cannot write to warehouse "
                  + warehouse.toUri()
                  + ": Parent path is not a directory: "
                  + regularFile.toUri().toString().replace("file:///", "file:/")
                  + "; check the location and the rights (or credentials) of the user running cdc-sync");
      assertThat(cdcSync.output() + cdcSync.errors())
          .doesNotContain("restarting from its last checkpoint")
          .doesNotContain("\tat ");
    }
    assertThat(slots(server, database, "unwritable_warehouse")).isZero();
  }

  private static long slots(TestDatabaseServer server, String database, String slot)
      throws Exception {
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
      result.next();
      return result.getLong(1);
    }
  }
}
