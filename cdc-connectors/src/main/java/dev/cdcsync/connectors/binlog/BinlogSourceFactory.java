package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TablePatterns;
import dev.cdcsync.api.TablePatterns.TablePattern;
import dev.cdcsync.connectors.FlinkCdcSourceOptions;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.debezium.DebeziumSource;
import dev.cdcsync.connectors.debezium.EngineProperties;
import dev.cdcsync.connectors.debezium.NewTables;
import dev.cdcsync.connectors.debezium.SourceRecordConverter;
import dev.cdcsync.connectors.load.InitialLoad;
import dev.cdcsync.connectors.load.LoadOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * What MySQL and MariaDB sources share: binlog capture through Debezium, Flink CDC's options,
 * tables named {@code database.table}.
 */
public abstract class BinlogSourceFactory implements SourceFactory {

  public static final ConfigOption<Integer> PORT = SourceOptions.port(3306);

  public static final ConfigOption<String> TABLES =
      ConfigOption.required(
          "tables",
          String.class,
          "Tables to capture as database.table regular expressions, comma-separated;"
              + " \\. is a regex dot.");

  public static final ConfigOption<String> SERVER_ID =
      ConfigOption.optional(
          "server-id",
          String.class,
          null,
          "Replica server id (or a range like 5400-5404, whose first id is used); must differ from"
              + " every other replica of the server. Defaults to a number derived from the pipeline"
              + " name in 5400..6399.");

  public static final ConfigOption<String> SERVER_TIME_ZONE =
      ConfigOption.optional(
          "server-time-zone",
          String.class,
          null,
          "Session time zone of the server, e.g. UTC or Europe/Berlin; used to read TIMESTAMP"
              + " columns during the snapshot. Defaults to the server's.");

  public static final ConfigOption<Boolean> TREAT_TINYINT1_AS_BOOLEAN =
      ConfigOption.optional(
          "treat-tinyint1-as-boolean.enabled",
          Boolean.class,
          true,
          "Whether TINYINT(1) columns become BOOLEAN (non-zero is true) rather than INT.");

  public static final ConfigOption<String> METADATA_LIST = SourceOptions.metadataList("op_ts");

  public static final ConfigOption<Boolean> INCLUDE_COMMENTS =
      ConfigOption.optional(
          "include-comments.enabled",
          Boolean.class,
          false,
          "Whether table and column comments become the Iceberg table's comment property and its"
              + " columns' docs (when the table or column is created in Iceberg; a comment changed"
              + " later is not carried over).");

  public static final ConfigOption<Boolean> PARSE_ONLINE_SCHEMA_CHANGES =
      ConfigOption.optional(
          "scan.parse.online.schema.changes.enabled",
          Boolean.class,
          false,
          "Whether gh-ost and pt-online-schema-change runs are followed as one schema change of the"
              + " table they change: their tables (_t_gho, _t_ghc, _t_del, _t_new, _t_old) are not"
              + " captured, and the swap of the altered copy for the table keeps its rows.");

  /** The Debezium connector class. */
  protected abstract String connectorClass();

  /** The product name for messages, e.g. {@code MariaDB}. */
  protected abstract String productName();

  /** The JDBC URL prefix for checks, e.g. {@code jdbc:mariadb://}. */
  protected abstract String jdbcUrlPrefix();

  /** The Debezium connector's {@code database.ssl.mode} values, its default first. */
  protected abstract List<String> tlsModes();

  /**
   * Whether the source loads its tables with cdc-sync's own engine ({@link #initialLoad}): its
   * options (see {@link LoadOptions}) take effect, and {@code scan.startup.mode: snapshot} loads
   * the tables and stops. Otherwise Debezium reads the snapshot, and Flink CDC's load options have
   * no effect.
   */
  protected boolean ownLoad() {
    return false;
  }

  /**
   * cdc-sync's own initial load, replacing Debezium's snapshot; null where Debezium reads it.
   *
   * @param engineProperties the Debezium engine's settings
   * @param description names the database for messages
   */
  protected InitialLoad initialLoad(
      Configuration options,
      PipelineContext context,
      Properties engineProperties,
      String description) {
    return null;
  }

  private BinlogTls tls() {
    return new BinlogTls(tlsModes());
  }

  @Override
  public List<ConfigOption<?>> options() {
    List<ConfigOption<?>> options =
        new ArrayList<>(
            List.of(
                SourceOptions.HOSTNAME,
                PORT,
                SourceOptions.USERNAME,
                SourceOptions.PASSWORD,
                TABLES,
                SourceOptions.TABLES_EXCLUDE,
                SERVER_ID,
                SERVER_TIME_ZONE,
                SourceOptions.STARTUP_MODE));
    // Flink CDC's mysql source options, honoured, then those without effect here.
    options.addAll(
        List.of(
            SourceOptions.CONNECT_TIMEOUT,
            SourceOptions.CONNECT_MAX_RETRIES,
            SourceOptions.HEARTBEAT_INTERVAL,
            METADATA_LIST,
            TREAT_TINYINT1_AS_BOOLEAN,
            PARSE_ONLINE_SCHEMA_CHANGES,
            INCLUDE_COMMENTS));
    options.addAll(ownLoad() ? LoadOptions.ALL : FlinkCdcSourceOptions.MYSQL_LOAD);
    options.addAll(FlinkCdcSourceOptions.COMMON);
    options.addAll(FlinkCdcSourceOptions.MYSQL);
    options.addAll(BinlogStart.OPTIONS);
    return List.copyOf(options);
  }

  @Override
  public List<String> warnings(Configuration options) {
    List<String> warnings = new ArrayList<>(SourceOptions.warnings(options));
    warnings.addAll(BinlogTls.warnings(options));
    return warnings;
  }

  @Override
  public String tableIdFormat() {
    return "database.table";
  }

  @Override
  public List<String> passThroughPrefixes() {
    return List.of(SourceOptions.DEBEZIUM_PREFIX, SourceOptions.JDBC_PREFIX);
  }

  @Override
  public void validateOptions(Configuration options) {
    if (!ownLoad()) {
      SourceOptions.requireStartupMode(
          options,
          type(),
          List.of(SourceOptions.StartupMode.INITIAL, SourceOptions.StartupMode.LATEST_OFFSET),
          "a mysql source reads its snapshot through Debezium, from the start or the end of the"
              + " binlog only (the mariadb source also takes snapshot, earliest-offset and"
              + " specific-offset)");
    }
    if (ownLoad()) {
      LoadOptions.requireLoadOnlyForReload(options);
    }
    tableIncludeList(options, includePatterns(options));
    options.optional(SERVER_ID).ifPresent(BinlogSourceFactory::parseServerId);
    tls().validate(options);
  }

  /** {@code scan.startup.mode: snapshot}: load the tables, commit and stop. */
  static boolean loadOnly(Configuration options) {
    return options.get(SourceOptions.STARTUP_MODE) == SourceOptions.StartupMode.SNAPSHOT;
  }

  private List<TablePattern> includePatterns(Configuration options) {
    return TablePatterns.parse(
        "source option '" + TABLES.key() + "'", options.get(TABLES), 2, tableIdFormat());
  }

  @Override
  public List<PreflightCheck> check(Configuration options, PipelineContext context) {
    List<TablePattern> include = includePatterns(options);
    return preflight(options, tableIncludeList(options, include)).checks();
  }

  private BinlogPreflight preflight(Configuration options, String tableIncludeList) {
    String address = options.get(SourceOptions.HOSTNAME) + ":" + options.get(PORT);
    return new BinlogPreflight(
        jdbcUrlPrefix() + address + "/",
        productName() + " at " + address,
        tls().forOwnConnections(options),
        tableIncludeList);
  }

  /**
   * Debezium's table.include.list for options {@code tables} and {@code tables.exclude}, and
   * without the tables of online schema change tools when they are followed.
   */
  private String tableIncludeList(Configuration options, List<TablePattern> include) {
    List<String> exclude =
        new ArrayList<>(
            debeziumPatterns(
                options
                    .optional(SourceOptions.TABLES_EXCLUDE)
                    .map(
                        text ->
                            TablePatterns.parse(
                                "source option '" + SourceOptions.TABLES_EXCLUDE.key() + "'",
                                text,
                                2,
                                tableIdFormat()))
                    .orElse(List.of())));
    if (options.get(PARSE_ONLINE_SCHEMA_CHANGES)) {
      exclude.add(OnlineSchemaChanges.TOOL_TABLES);
    }
    return TablePatterns.debeziumIncludeList(debeziumPatterns(include), exclude);
  }

  @Override
  public Source create(Configuration options, PipelineContext context) {
    List<TablePattern> include = includePatterns(options);
    Properties properties = EngineProperties.common(connectorClass(), options, context);
    properties.setProperty("database.port", Integer.toString(options.get(PORT)));
    properties.setProperty("database.server.id", Long.toString(serverId(options, context)));
    Set<String> databases = new LinkedHashSet<>();
    include.forEach(pattern -> databases.add(pattern.part(0)));
    properties.setProperty("database.include.list", String.join(",", databases));
    properties.setProperty("table.include.list", tableIncludeList(options, include));
    properties.setProperty("schema.history.internal", StateStorageSchemaHistory.class.getName());
    properties.setProperty(
        StateStorageSchemaHistory.STORAGE_KEY,
        StateStorageSchemaHistory.register(context.stateStorage()));
    // DDL records tell renames apart from a drop and an add.
    properties.setProperty("include.schema.changes", "true");
    properties.setProperty("bigint.unsigned.handling.mode", "precise");
    if (options.get(INCLUDE_COMMENTS)) {
      // MySQL's parser reads comments only with it (MariaDB's always does).
      properties.setProperty("include.schema.comments", "true");
    }
    if (options.get(TREAT_TINYINT1_AS_BOOLEAN)) {
      properties.setProperty("converters", "tinyint1," + BinlogValueConverter.NAME);
      properties.setProperty(
          "tinyint1.type", "io.debezium.connector.binlog.converters.TinyIntOneToBooleanConverter");
    } else {
      properties.setProperty("converters", BinlogValueConverter.NAME);
    }
    properties.setProperty(
        BinlogValueConverter.NAME + ".type", BinlogValueConverter.class.getName());
    // YEAR as a number: read as a date, the driver fails on YEAR 0000 (MariaDB and MySQL drivers).
    properties.setProperty("driver.yearIsDateType", "false");
    options
        .optional(SourceOptions.CONNECT_TIMEOUT)
        .ifPresent(
            timeout -> {
              properties.setProperty("connect.timeout.ms", Long.toString(timeout.toMillis()));
              properties.putIfAbsent("driver.connectTimeout", Long.toString(timeout.toMillis()));
            });
    options
        .optional(SERVER_TIME_ZONE)
        .ifPresent(zone -> properties.setProperty("database.connectionTimeZone", zone));
    EngineProperties.applyUserOverrides(properties, options);
    // TLS is Debezium's database.ssl.* alone (see BinlogTls).
    properties.stringPropertyNames().stream()
        .filter(
            key ->
                key.startsWith("driver.")
                    && BinlogTls.isTlsSetting(key.substring("driver.".length())))
        .forEach(properties::remove);

    String address = options.get(SourceOptions.HOSTNAME) + ":" + options.get(PORT);
    String description = productName() + " at " + address;
    BinlogPreflight preflight = preflight(options, properties.getProperty("table.include.list"));
    Properties userGiven = (Properties) properties.clone();
    Runnable beforeStart =
        () -> {
          preflight.run();
          // The snapshot reads FLOAT columns as DOUBLE (see BinlogPreflight.floatSnapshotSelects).
          if (!"no_data".equals(properties.getProperty("snapshot.mode"))) {
            setSnapshotSelects(properties, userGiven, preflight.floatSnapshotSelects());
          }
        };
    InitialLoad initialLoad = initialLoad(options, context, properties, description);
    BinlogInformationSchema informationSchema =
        new BinlogInformationSchema(preflight.url(), preflight.options(), description);
    return new DebeziumSource(
        description,
        properties,
        new SourceRecordConverter(
            source -> TableId.of(source.getString("db"), source.getString("table")),
            informationSchema,
            options.get(INCLUDE_COMMENTS) ? informationSchema : null),
        beforeStart,
        () -> StateStorageSchemaHistory.clear(context.stateStorage()),
        preflight::estimatedRows,
        context.workDirectory(),
        newTables(options, initialLoad, description),
        resumeCheck(properties, description),
        initialLoad);
  }

  /**
   * What each stored offset goes through before Debezium resumes from it (see {@code
   * DebeziumSource}): here nothing, Debezium checks that the server still holds it.
   */
  protected UnaryOperator<String> resumeCheck(Properties engineProperties, String description) {
    return UnaryOperator.identity();
  }

  /**
   * The tables joining the capture while it runs whose rows the source must load; null where none
   * is loaded (the binlog has every table created in a captured database, with its rows).
   */
  protected NewTables newTables(
      Configuration options, InitialLoad initialLoad, String description) {
    return null;
  }

  /**
   * Sets Debezium's {@code snapshot.select.statement.overrides} to the user's (option {@code
   * debezium.snapshot.select.statement.overrides}, in {@code userGiven}) plus {@code selects} for
   * the tables the user gave no query for; queries set by an earlier start are replaced.
   */
  static void setSnapshotSelects(
      Properties properties, Properties userGiven, Map<String, String> selects) {
    String key = "snapshot.select.statement.overrides";
    properties.stringPropertyNames().stream()
        .filter(name -> name.startsWith(key + ".") && !userGiven.containsKey(name))
        .forEach(properties::remove);
    Set<String> tables = new LinkedHashSet<>();
    for (String table : userGiven.getProperty(key, "").split(",")) {
      if (!table.isBlank()) {
        tables.add(table.trim());
      }
    }
    selects.forEach(
        (table, select) -> {
          if (!userGiven.containsKey(key + "." + table)) {
            tables.add(table);
            properties.setProperty(key + "." + table, select);
          }
        });
    if (tables.isEmpty()) {
      properties.remove(key);
    } else {
      properties.setProperty(key, String.join(",", tables));
    }
  }

  private static List<String> debeziumPatterns(List<TablePattern> patterns) {
    return patterns.stream().map(pattern -> pattern.fullNameRegex(0)).toList();
  }

  static long serverId(Configuration options, PipelineContext context) {
    return options
        .optional(SERVER_ID)
        .map(BinlogSourceFactory::parseServerId)
        .orElseGet(() -> 5400L + Math.floorMod(context.pipelineName().hashCode(), 1000));
  }

  private static long parseServerId(String text) {
    String first = text.contains("-") ? text.substring(0, text.indexOf('-')) : text;
    try {
      long id = Long.parseLong(first.trim());
      if (id < 1 || id > 4_294_967_295L) {
        throw new NumberFormatException();
      }
      return id;
    } catch (NumberFormatException e) {
      throw new ConfigurationException(
          "Cannot use source option 'server-id': expected a number in 1..4294967295 or a range"
              + " like 5400-5404 but got '"
              + text
              + "'");
    }
  }
}
