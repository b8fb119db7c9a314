package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.connectors.SourceContract;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;

class MariaDbSourceContractIT extends SourceContract {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mariadb();
  }

  @Override
  protected Source source(String database, PipelineContext context) {
    return BinlogContractSources.source(
        new MariaDbSourceFactory(), server(), database, context, 6400);
  }
}
