package dev.cdcsync.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import org.junit.jupiter.api.BeforeEach;

/** MySQL 8.4 through Testcontainers; skipped, saying why, where no Docker engine is reachable. */
class MySqlEndToEndIT extends BinlogEndToEndTestBase {

  @BeforeEach
  void requireMySql() {
    assumeTrue(TestDatabases.mysql().isPresent(), TestDatabases.MYSQL_NEEDS_DOCKER);
  }

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mysql().orElseThrow();
  }

  @Override
  protected int serverId() {
    return 5402;
  }
}
