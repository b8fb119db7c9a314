package dev.cdcsync.cli;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.util.List;

class MariaDbEndToEndIT extends BinlogEndToEndTestBase {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.mariadb();
  }

  @Override
  protected List<TypeCase> typeCases() {
    return BinlogTypeCases.MARIADB_CASES;
  }

  @Override
  protected int serverId() {
    return 5401;
  }
}
