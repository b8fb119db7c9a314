package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.debezium.NewTables;
import dev.cdcsync.connectors.load.InitialLoad;
import dev.cdcsync.connectors.load.LoadOptions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;

/** {@code type: mariadb}: MariaDB 10.6+ through the binlog. */
public final class MariaDbSourceFactory extends BinlogSourceFactory {

  @Override
  public String type() {
    return "mariadb";
  }

  @Override
  protected String connectorClass() {
    return "io.debezium.connector.mariadb.MariaDbConnector";
  }

  @Override
  protected String productName() {
    return "MariaDB";
  }

  @Override
  protected String jdbcUrlPrefix() {
    return "jdbc:mariadb://";
  }

  @Override
  protected boolean ownLoad() {
    return true;
  }

  @Override
  public void validateOptions(Configuration options) {
    SourceOptions.requireStartupMode(
        options,
        type(),
        List.of(
            SourceOptions.StartupMode.INITIAL,
            SourceOptions.StartupMode.LATEST_OFFSET,
            SourceOptions.StartupMode.SNAPSHOT,
            SourceOptions.StartupMode.EARLIEST_OFFSET,
            SourceOptions.StartupMode.SPECIFIC_OFFSET,
            SourceOptions.StartupMode.TIMESTAMP),
        "a binlog keeps no position in the server (committed-offset is PostgreSQL's slot)");
    super.validateOptions(options);
    BinlogStart.of(options);
    keyColumns(options);
  }

  @Override
  protected InitialLoad initialLoad(
      Configuration options,
      PipelineContext context,
      Properties engineProperties,
      String description) {
    return new MariaDbInitialLoad(
        description,
        engineProperties,
        context.stateStorage(),
        LoadOptions.positive(options, LoadOptions.SNAPSHOT_READERS),
        LoadOptions.positive(options, LoadOptions.CHUNK_SIZE),
        LoadOptions.positive(options, LoadOptions.FETCH_SIZE),
        keyColumns(options),
        options.get(SourceOptions.STARTUP_MODE),
        BinlogStart.of(options),
        LoadOptions.reloadTables(options));
  }

  /**
   * Tables renamed into option {@code tables} while the pipeline streams; not with {@code
   * scan.startup.mode} {@code latest-offset} (no table's earlier rows are loaded) or {@code
   * snapshot} (no stream).
   */
  @Override
  protected NewTables newTables(
      Configuration options, InitialLoad initialLoad, String description) {
    return options.get(SourceOptions.STARTUP_MODE) == SourceOptions.StartupMode.INITIAL
            && initialLoad instanceof MariaDbInitialLoad mariaDb
        ? new MariaDbNewTables(
            mariaDb, description, options.get(BinlogSourceFactory.PARSE_ONLINE_SCHEMA_CHANGES))
        : null;
  }

  /**
   * cdc-sync's check, per GTID domain as MariaDB orders them, in place of Debezium's, which
   * refuses a promoted replica (see {@link MariaDbResumeCheck}).
   */
  @Override
  protected UnaryOperator<String> resumeCheck(Properties engineProperties, String description) {
    engineProperties.setProperty("internal.log.position.check.enable", "false");
    return new MariaDbResumeCheck(engineProperties, description);
  }

  private static Map<String, String> keyColumns(Configuration options) {
    return LoadOptions.chunkKeyColumns(options, "database.table:column", 2);
  }

  @Override
  protected List<String> tlsModes() {
    return List.of("disable", "trust", "verify-ca", "verify-full");
  }
}
