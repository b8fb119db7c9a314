package dev.cdcsync.cli;

import java.util.List;

/** End to end against a MySQL-family server: tables named database.table, one server id each. */
abstract class BinlogEndToEndTestBase extends EndToEndTestBase {

  /** The replica server id this test's pipelines use. */
  protected abstract int serverId();

  @Override
  protected List<String> setup(String database) {
    return List.of();
  }

  @Override
  protected List<String> afterCreate(String table) {
    return List.of();
  }

  @Override
  protected List<TypeCase> typeCases() {
    return BinlogTypeCases.CASES;
  }

  @Override
  protected List<String> sourceOptions(String database) {
    return List.of(
        "tables: " + database + ".\\.*", "server-id: " + serverId(), "server-time-zone: UTC");
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
