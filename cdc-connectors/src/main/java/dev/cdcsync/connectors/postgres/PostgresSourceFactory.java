package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.api.TablePatterns;
import dev.cdcsync.api.TablePatterns.TablePattern;
import dev.cdcsync.connectors.debezium.DebeziumSource;
import dev.cdcsync.connectors.debezium.EngineProperties;
import dev.cdcsync.connectors.debezium.SourceRecordConverter;
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

  @Override
  public String type() {
    return "postgres";
  }

  @Override
  public List<ConfigOption<?>> options() {
    return List.of(
        SourceOptions.HOSTNAME,
        PORT,
        SourceOptions.USERNAME,
        SourceOptions.PASSWORD,
        TABLES,
        SourceOptions.TABLES_EXCLUDE,
        SLOT_NAME,
        DECODING_PLUGIN,
        SourceOptions.STARTUP_MODE);
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
      Properties properties, String database, String address, String slot, String publication, PostgresPreflight preflight) {}

  @Override
  public List<PreflightCheck> check(Configuration options, PipelineContext context) {
    return setup(options, context).preflight().checks();
  }

  @Override
  public Source create(Configuration options, PipelineContext context) {
    Setup setup = setup(options, context);
    Properties properties = setup.properties();
    String address = setup.address();
    String database = setup.database();
    PostgresPreflight preflight = setup.preflight();
    return new DebeziumSource(
        "PostgreSQL " + address + "/" + database + " (slot " + setup.slot() + ")",
        properties,
        new SourceRecordConverter(
            source -> TableId.of(source.getString("db"), source.getString("schema"), source.getString("table")),
            new PostgresColumnNumbers(
                "jdbc:postgresql://" + address + "/" + database, options, "PostgreSQL at " + address + "/" + database)),
        preflight,
        preflight::dropStaleSlot,
        () -> preflight.estimatedRows(database),
        context.workDirectory(),
        new PostgresNewTables(
            "jdbc:postgresql://" + address + "/" + database,
            "PostgreSQL at " + address + "/" + database,
            options,
            database,
            setup.publication(),
            preflight));
  }

  @Override
  public void validateOptions(Configuration options) {
    includePatterns(options);
    excludePatterns(options);
  }

  /** Option {@code tables}, each pattern naming the one database with a plain name. */
  private List<TablePattern> includePatterns(Configuration options) {
    List<TablePattern> include =
        TablePatterns.parse("source option '" + TABLES.key() + "'", options.get(TABLES), 3, tableIdFormat());
    String database = include.get(0).part(0);
    for (TablePattern pattern : include) {
      if (!TablePatterns.isLiteral(pattern.part(0)) || !pattern.part(0).equals(database)) {
        throw new ConfigurationException(
            "Cannot use source option 'tables': every pattern must name the same database with a"
                + " plain name (one pipeline reads one PostgreSQL database), but found '"
                + pattern.part(0) + "' beside '" + database + "'");
      }
    }
    return include;
  }

  private List<TablePattern> excludePatterns(Configuration options) {
    return options
        .optional(SourceOptions.TABLES_EXCLUDE)
        .map(text -> TablePatterns.parse("source option '" + SourceOptions.TABLES_EXCLUDE.key() + "'", text, 3, tableIdFormat()))
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
    properties.setProperty("interval.handling.mode", "numeric");
    // Tables that join the capture get their rows copied through blocking snapshots (PostgresNewTables).
    properties.setProperty("signal.enabled.channels", "in-process");
    properties.setProperty("signal.poll.interval.ms", "1000");
    List<TablePattern> exclude = excludePatterns(options);
    properties.setProperty(
        "table.include.list",
        TablePatterns.debeziumIncludeList(debeziumPatterns(include), debeziumPatterns(exclude)));
    EngineProperties.applyUserOverrides(properties, options);

    String address = options.get(SourceOptions.HOSTNAME) + ":" + options.get(PORT);
    PostgresPreflight preflight =
        new PostgresPreflight(
            "jdbc:postgresql://" + address + "/" + database,
            "PostgreSQL at " + address + "/" + database,
            options,
            properties.getProperty("publication.name"),
            properties.getProperty("slot.name"),
            properties.getProperty("table.include.list"));
    return new Setup(properties, database, address, slot, properties.getProperty("publication.name"), preflight);
  }

  private static List<String> debeziumPatterns(List<TablePattern> patterns) {
    return patterns.stream().map(pattern -> pattern.part(1) + "\\." + pattern.part(2)).toList();
  }

  static String defaultSlotName(String pipelineName) {
    String slot = ("cdc_sync_" + pipelineName).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return slot.length() > 63 ? slot.substring(0, 63) : slot;
  }
}
