package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.connectors.SourceContract;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.Map;

class PostgresSourceContractIT extends SourceContract {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.postgres();
  }

  @Override
  protected Source source(String database, PipelineContext context) {
    TestDatabaseServer server = server();
    return new PostgresSourceFactory()
        .create(
            Configuration.of(
                Map.of(
                    "hostname", server.host(),
                    "port", Integer.toString(server.port()),
                    "username", server.username(),
                    "password", server.password(),
                    "tables", database + ".public.items",
                    "slot.name", "slot_" + database)),
            context);
  }
}
