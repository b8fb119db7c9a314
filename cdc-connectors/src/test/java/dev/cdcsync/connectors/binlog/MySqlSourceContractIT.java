package dev.cdcsync.connectors.binlog;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.connectors.SourceContract;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.Map;
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
    TestDatabaseServer server = server();
    return new MySqlSourceFactory()
        .create(
            Configuration.of(
                Map.of(
                    "hostname", server.host(),
                    "port", Integer.toString(server.port()),
                    "username", server.username(),
                    "password", server.password(),
                    "tables", database + ".items",
                    "server-id", Integer.toString(6900 + Math.floorMod(database.hashCode(), 500)))),
            context);
  }
}
