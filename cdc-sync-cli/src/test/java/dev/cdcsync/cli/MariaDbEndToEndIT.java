package dev.cdcsync.cli;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;

class MariaDbEndToEndIT extends BinlogEndToEndTestBase {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mariadb();
  }

  @Override
  protected int serverId() {
    return 5401;
  }
}
