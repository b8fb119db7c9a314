package dev.cdcsync.cli;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.List;

class MariaDbEndToEndIT extends EndToEndTestBase {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mariadb();
  }

  @Override
  protected List<String> setup(String database) {
    return List.of();
  }

  @Override
  protected List<String> afterCreate(String database) {
    return List.of();
  }

  @Override
  protected List<TypeCase> typeCases() {
    return BinlogTypeCases.CASES;
  }

  @Override
  protected List<String> sourceOptions(String database) {
    return List.of("tables: " + database + ".\\.*", "server-id: 5401", "server-time-zone: UTC");
  }

  @Override
  protected String sinkNamespace(String database) {
    return database;
  }

  @Override
  protected String pipelineUser() {
    return server().username();
  }

  @Override
  protected String pipelinePassword() {
    return server().password();
  }
}
