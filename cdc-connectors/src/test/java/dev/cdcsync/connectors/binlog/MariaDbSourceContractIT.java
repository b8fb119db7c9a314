package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.connectors.SourceContract;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.Map;

class MariaDbSourceContractIT extends SourceContract {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mariadb();
  }

  @Override
  protected Source source(String database, PipelineContext context) {
    TestDatabaseServer server = server();
    return new MariaDbSourceFactory()
        .create(
            Configuration.of(
                Map.of(
                    "hostname", server.host(),
                    "port", Integer.toString(server.port()),
                    "username", server.username(),
                    "password", server.password(),
                    "tables", database + ".items",
                    "server-id", Integer.toString(6400 + Math.floorMod(database.hashCode(), 500)))),
            context);
  }
}
