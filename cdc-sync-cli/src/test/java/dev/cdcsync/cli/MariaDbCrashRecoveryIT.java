package dev.cdcsync.cli;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.List;

class MariaDbCrashRecoveryIT extends CrashRecoveryTestBase {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mariadb();
  }

  @Override
  protected List<String> sourceOptions(String database) {
    return PipelineFiles.binlogTables(database, 5411);
  }

  @Override
  protected String sinkNamespace(String database) {
    return database;
  }

  @Override
  protected List<String> appendTableSetup() {
    return List.of();
  }
}
