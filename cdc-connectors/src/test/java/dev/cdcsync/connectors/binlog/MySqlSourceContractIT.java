package dev.cdcsync.connectors.binlog;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.connectors.SourceContract;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.Optional;

class MySqlSourceContractIT extends SourceContract {

  @Override
  protected TestDatabaseServer server() {
    Optional<TestDatabaseServer> mysql = TestDatabases.mysql();
    assumeTrue(
        mysql.isPresent(),
        "MySQL is tested through Testcontainers only and no Docker engine is reachable here");
    return mysql.get();
  }

  @Override
  protected Source source(String database, PipelineContext context) {
    return BinlogContractSources.source(
        new MySqlSourceFactory(), server(), database, context, 6900);
  }
}
