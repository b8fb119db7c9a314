package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.testing.TestDatabaseServer;
import java.util.Map;

/** The binlog sources the source contract runs: one table, {@code items}, of a database. */
final class BinlogContractSources {

  private BinlogContractSources() {}

  /** A source of {@code factory} reading {@code database.items}, with a server id of its own. */
  static Source source(
      SourceFactory factory,
      TestDatabaseServer server,
      String database,
      PipelineContext context,
      int serverIdBase) {
    return factory.create(
        Configuration.of(
            Map.of(
                "hostname", server.host(),
                "port", Integer.toString(server.port()),
                "username", server.username(),
                "password", server.password(),
                "tables", database + ".items",
                // Heartbeats while the binlog is idle every 4 s (0.8 times this), not 48 s.
                "debezium.connect.keep.alive.interval.ms", "5000",
                "server-id",
                    Integer.toString(serverIdBase + Math.floorMod(database.hashCode(), 500)))),
        context);
  }
}
