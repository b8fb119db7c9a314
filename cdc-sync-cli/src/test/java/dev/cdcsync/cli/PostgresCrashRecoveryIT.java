package dev.cdcsync.cli;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.List;

class PostgresCrashRecoveryIT extends CrashRecoveryTestBase {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.postgres();
  }

  @Override
  protected List<String> sourceOptions(String database) {
    return PipelineFiles.postgresTables(database);
  }

  @Override
  protected String sinkNamespace(String database) {
    return "public";
  }

  @Override
  protected List<String> appendTableSetup() {
    // Without a primary key, PostgreSQL publishes updates and deletes only with the full row.
    return List.of("ALTER TABLE ledger REPLICA IDENTITY FULL");
  }
}
