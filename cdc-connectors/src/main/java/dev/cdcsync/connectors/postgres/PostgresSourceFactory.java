package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TablePatterns;
import dev.cdcsync.api.TablePatterns.TablePattern;
import dev.cdcsync.connectors.FlinkCdcSourceOptions;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.debezium.DebeziumSource;
import dev.cdcsync.connectors.debezium.EngineProperties;
import dev.cdcsync.connectors.debezium.SourceRecordConverter;
import dev.cdcsync.connectors.load.LoadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/** {@code type: postgres}: PostgreSQL 12+ through logical decoding (pgoutput). */
public final class PostgresSourceFactory implements SourceFactory {

  public static final ConfigOption<Integer> PORT = SourceOptions.port(5432);

  public static final ConfigOption<String> TABLES =
      ConfigOption.required(
          "tables",
          String.class,
          "Tables to capture as database.schema.table regular expressions, comma-separated;"
              + " \\. is a regex dot. The database part must be a plain name.");

  public static final ConfigOption<String> SLOT_NAME =
      ConfigOption.optional(
          "slot.name",
          String.class,
          null,
          "Replication slot to create or reuse; also names the publication."
              + " Defaults to cdc_sync_<pipeline name>.");

  public static final ConfigOption<String> DECODING_PLUGIN =
      ConfigOption.optional(
          "decoding.plugin.name", String.class, "pgoutput", "Logical decoding plugin.");

  public static final ConfigOption<String> SPECIFIC_OFFSET_LSN =
      ConfigOption.optional(
          "scan.startup.specific-offset.lsn",
          String.class,
          null,
          "specific-offset: stream the transactions committed after this WAL position (e.g."
              + " 0/16B3748, from pg_current_wal_lsn()), from the replication slot 'slot.name',"
              + " which must exist at or before it.");

  private static final String UNAVAILABLE_VALUE_PLACEHOLDER = "unavailable.value.placeholder";

  public static final ConfigOption<String> METADATA_LIST =
      SourceOptions.metadataList("op_ts", "table_name", "database_name", "schema_name");

  @Override
  public String type() {
    return "postgres";
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
                SLOT_NAME,
                DECODING_PLUGIN,
                SourceOptions.STARTUP_MODE,
                SPECIFIC_OFFSET_LSN,
                LoadOptions.CHUNK_SIZE,
                LoadOptions.FETCH_SIZE,
                LoadOptions.CHUNK_KEY_COLUMN,
                LoadOptions.SNAPSHOT_READERS,
                LoadOptions.RELOAD_TABLES));
    // Flink CDC's postgres source options, honoured, then those without effect here.
    options.addAll(
        List.of(
            SourceOptions.CONNECT_TIMEOUT,
            SourceOptions.CONNECT_MAX_RETRIES,
            SourceOptions.HEARTBEAT_INTERVAL,
            METADATA_LIST));
    options.addAll(FlinkCdcSourceOptions.COMMON);
    options.addAll(FlinkCdcSourceOptions.POSTGRES);
    return List.copyOf(options);
  }

  @Override
  public List<String> warnings(Configuration options) {
    return SourceOptions.warnings(options);
  }

  @Override
  public String tableIdFormat() {
    return "database.schema.table";
  }

  @Override
  public List<String> passThroughPrefixes() {
    return List.of(SourceOptions.DEBEZIUM_PREFIX, SourceOptions.JDBC_PREFIX);
  }

  /** What a source and its checks are built from. */
  private record Setup(
      Properties properties,
      String database,
      String address,
      String slot,
      String publication,
      PostgresPreflight preflight) {}

  @Override
  public List<PreflightCheck> check(Configuration options, PipelineContext context) {
    return setup(options, context).preflight().checks();
  }

  @Override
  public Source create(Configuration options, PipelineContext context) {
    Setup setup = setup(options, context);
    Properties properties = setup.properties();
    String database = setup.database();
    String url = "jdbc:postgresql://" + setup.address() + "/" + database;
    String server = "PostgreSQL at " + setup.address() + "/" + database;
    PostgresPreflight preflight = setup.preflight();
    PostgresColumnNumbers columns = new PostgresColumnNumbers(url, options, server);
    PostgresInitialLoad initialLoad =
        new PostgresInitialLoad(
            url,
            database,
            server,
            options,
            properties,
            LoadOptions.positive(options, LoadOptions.SNAPSHOT_READERS),
            LoadOptions.positive(options, LoadOptions.CHUNK_SIZE),
            LoadOptions.positive(options, LoadOptions.FETCH_SIZE),
            LoadOptions.chunkKeyColumns(
                options, "schema.table:column (or database.schema.table:column)", 3),
            options.get(SourceOptions.STARTUP_MODE) == SourceOptions.StartupMode.SNAPSHOT,
            LoadOptions.reloadTables(options));
    return new DebeziumSource(
        "PostgreSQL " + setup.address() + "/" + database + " (slot " + setup.slot() + ")",
        properties,
        new SourceRecordConverter(
            source ->
                TableId.of(
                    source.getString("db"), source.getString("schema"), source.getString("table")),
            columns,
            columns,
            properties.getProperty(UNAVAILABLE_VALUE_PLACEHOLDER),
            new PostgresUnchangedValues(url, options, server)),
        preflight,
        switch (options.get(SourceOptions.STARTUP_MODE)) {
          case COMMITTED_OFFSET -> preflight::requireCommittedSlot;
          case SPECIFIC_OFFSET -> () -> preflight.advanceSlotTo(options.get(SPECIFIC_OFFSET_LSN));
          default -> preflight::dropStaleSlot;
        },
        () -> preflight.estimatedRows(database),
        context.workDirectory(),
        new PostgresNewTables(
            url, server, options, database, setup.publication(), preflight, initialLoad),
        PostgresResumeOffsets::resumable,
        initialLoad);
  }

  @Override
  public void requestReload(Configuration options, PipelineContext context, List<String> tables) {
    if (options.get(SourceOptions.STARTUP_MODE) == SourceOptions.StartupMode.SNAPSHOT) {
      throw new PermanentPipelineException(
          "Cannot load table(s) "
              + String.join(", ", tables)
              + " again now: the pipeline runs with scan.startup.mode snapshot, so it reads no"
              + " change stream to take the request from; wait until it ends, then run this"
              + " command again");
    }
    Setup setup = setup(options, context);
    PostgresStreamMessages.requestReload(
        "jdbc:postgresql://" + setup.address() + "/" + setup.database(),
        "PostgreSQL at " + setup.address() + "/" + setup.database(),
        options,
        setup.publication(),
        setup.preflight(),
        tables);
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
            SourceOptions.StartupMode.SPECIFIC_OFFSET,
            SourceOptions.StartupMode.COMMITTED_OFFSET),
        "PostgreSQL streams from its replication slot, which starts where it was created or"
            + " confirmed");
    requireSpecificOffset(options);
    includePatterns(options);
    excludePatterns(options);
    LoadOptions.requireLoadOnlyForReload(options);
  }

  /** {@code specific-offset} needs a valid LSN, and the LSN that mode. */
  private static void requireSpecificOffset(Configuration options) {
    boolean specific =
        options.get(SourceOptions.STARTUP_MODE) == SourceOptions.StartupMode.SPECIFIC_OFFSET;
    String lsn = options.optional(SPECIFIC_OFFSET_LSN).orElse(null);
    if (specific && lsn == null) {
      throw new ConfigurationException(
          "Cannot use scan.startup.mode specific-offset with a postgres source: set source option '"
              + SPECIFIC_OFFSET_LSN.key()
              + "' to the WAL position to stream from (e.g. 0/16B3748, from"
              + " pg_current_wal_lsn())");
    }
    if (!specific && lsn != null) {
      throw new ConfigurationException(
          "Cannot use source option '"
              + SPECIFIC_OFFSET_LSN.key()
              + "' with scan.startup.mode "
              + options.get(SourceOptions.STARTUP_MODE).spelling()
              + ": it is the position of scan.startup.mode specific-offset");
    }
    if (specific && PostgresPreflight.lsn(lsn) == null) {
      throw new ConfigurationException(
          "Cannot use source option '"
              + SPECIFIC_OFFSET_LSN.key()
              + "': '"
              + lsn
              + "' is no WAL position; write it as PostgreSQL does, two hexadecimal numbers"
              + " separated by '/' (e.g. 0/16B3748)");
    }
  }

  /** Option {@code tables}, each pattern naming the one database with a plain name. */
  private List<TablePattern> includePatterns(Configuration options) {
    List<TablePattern> include =
        TablePatterns.parse(
            "source option '" + TABLES.key() + "'", options.get(TABLES), 3, tableIdFormat());
    String database = include.get(0).part(0);
    for (TablePattern pattern : include) {
      if (!TablePatterns.isLiteral(pattern.part(0)) || !pattern.part(0).equals(database)) {
        throw new ConfigurationException(
            "Cannot use source option 'tables': every pattern must name the same database with a"
                + " plain name (one pipeline reads one PostgreSQL database), but found '"
                + pattern.part(0)
                + "' beside '"
                + database
                + "'");
      }
    }
    return include;
  }

  private List<TablePattern> excludePatterns(Configuration options) {
    return options
        .optional(SourceOptions.TABLES_EXCLUDE)
        .map(
            text ->
                TablePatterns.parse(
                    "source option '" + SourceOptions.TABLES_EXCLUDE.key() + "'",
                    text,
                    3,
                    tableIdFormat()))
        .orElse(List.of());
  }

  private Setup setup(Configuration options, PipelineContext context) {
    List<TablePattern> include = includePatterns(options);
    String database = include.get(0).part(0);
    String slot = options.optional(SLOT_NAME).orElse(defaultSlotName(context.pipelineName()));

    Properties properties =
        EngineProperties.common(
            "io.debezium.connector.postgresql.PostgresConnector", options, context);
    properties.setProperty("database.port", Integer.toString(options.get(PORT)));
    properties.setProperty("database.dbname", database);
    properties.setProperty("plugin.name", options.get(DECODING_PLUGIN));
    properties.setProperty("slot.name", slot);
    properties.setProperty("publication.name", slot);
    // The preflight creates and extends the publication (see PostgresPreflight#preparePublication).
    properties.setProperty("publication.autocreate.mode", "disabled");
    // ISO-8601 text with years, months, days and time apart (numeric would count a month as
    // 30.4375 days); the seconds keep every microsecond.
    properties.setProperty("interval.handling.mode", "string");
    // Types Debezium does not know arrive (as the bytes of their text) instead of being left out.
    properties.setProperty("include.unknown.datatypes", "true");
    // A value Debezium cannot convert stops the pipeline instead of becoming NULL with a warning.
    properties.setProperty("event.converting.failure.handling.mode", "fail");
    // numeric (NaN and infinities kept), geometric and composite types: see
    // PostgresColumnConverter.
    properties.setProperty("converters", "cdcsync");
    properties.setProperty("cdcsync.type", PostgresColumnConverter.class.getName());
    // A message in the WAL with each heartbeat: while the captured tables are quiet and others
    // are not, the slot's position still moves on, so PostgreSQL can release its WAL.
    properties.setProperty(
        "heartbeat.action.query",
        "SELECT pg_logical_emit_message(false, 'cdc-sync-heartbeat', '')");
    // Where an update leaves an unchanged TOAST value out; no stored value looks like it.
    properties.setProperty(UNAVAILABLE_VALUE_PLACEHOLDER, "__cdc_sync_unchanged_toast_value__");
    options
        .optional(SourceOptions.CONNECT_TIMEOUT)
        .ifPresent(
            timeout ->
                properties.putIfAbsent(
                    "driver.connectTimeout",
                    Long.toString(JdbcConnections.postgresSeconds(timeout))));
    List<TablePattern> exclude = excludePatterns(options);
    properties.setProperty(
        "table.include.list",
        TablePatterns.debeziumIncludeList(debeziumPatterns(include), debeziumPatterns(exclude)));
    EngineProperties.applyUserOverrides(properties, options);
    properties.setProperty(
        "cdcsync." + PostgresColumnConverter.PLACEHOLDER_PROPERTY,
        properties.getProperty("unavailable.value.placeholder", "__debezium_unavailable_value"));
    String address = options.get(SourceOptions.HOSTNAME) + ":" + options.get(PORT);
    properties.setProperty(
        "cdcsync." + PostgresArrayDimensions.URL, "jdbc:postgresql://" + address + "/" + database);
    properties.setProperty(
        "cdcsync." + PostgresArrayDimensions.USER, options.get(SourceOptions.USERNAME));
    properties.setProperty(
        "cdcsync." + PostgresArrayDimensions.PASSWORD, options.get(SourceOptions.PASSWORD));
    options
        .withPrefix(SourceOptions.JDBC_PREFIX)
        .forEach(
            (key, value) ->
                properties.setProperty(
                    "cdcsync." + PostgresArrayDimensions.DRIVER_PREFIX + key, value));

    PostgresPreflight preflight =
        new PostgresPreflight(
            "jdbc:postgresql://" + address + "/" + database,
            "PostgreSQL at " + address + "/" + database,
            options,
            properties.getProperty("publication.name"),
            properties.getProperty("slot.name"),
            properties,
            options.get(SourceOptions.STARTUP_MODE) != SourceOptions.StartupMode.SNAPSHOT);
    return new Setup(
        properties, database, address, slot, properties.getProperty("publication.name"), preflight);
  }

  private static List<String> debeziumPatterns(List<TablePattern> patterns) {
    return patterns.stream().map(pattern -> pattern.fullNameRegex(1)).toList();
  }

  static String defaultSlotName(String pipelineName) {
    String slot =
        ("cdc_sync_" + pipelineName).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return slot.length() > 63 ? slot.substring(0, 63) : slot;
  }
}
