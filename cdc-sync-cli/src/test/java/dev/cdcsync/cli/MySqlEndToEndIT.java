package dev.cdcsync.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** MySQL 8.4 through Testcontainers; skipped, saying why, where no Docker engine is reachable. */
class MySqlEndToEndIT extends EndToEndTestBase {

  @BeforeEach
  void requireMySql() {
    assumeTrue(TestDatabases.mysql().isPresent(), TestDatabases.MYSQL_NEEDS_DOCKER);
  }

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mysql().orElseThrow();
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
    return List.of("tables: " + database + ".\\.*", "server-id: 5402", "server-time-zone: UTC");
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
