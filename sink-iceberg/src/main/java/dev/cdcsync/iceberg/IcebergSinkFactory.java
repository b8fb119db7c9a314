package dev.cdcsync.iceberg;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.SinkFactory;
import dev.cdcsync.api.StateStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.ResolvingFileIO;
import org.apache.iceberg.io.SupportsPrefixOperations;

/** {@code type: iceberg}: Apache Iceberg tables in any catalog Iceberg supports. */
public final class IcebergSinkFactory implements SinkFactory {

  public static final String CATALOG_PREFIX = "catalog.properties.";
  public static final String TABLE_PREFIX = "table.properties.";

  public static final ConfigOption<String> CATALOG_TYPE =
      ConfigOption.optional(
          CATALOG_PREFIX + "type",
          String.class,
          null,
          "Iceberg catalog type: hadoop, jdbc, rest (bundled), hive, glue or nessie (their jars on"
              + " the class path); exactly one of this and catalog-impl.");

  public static final ConfigOption<String> CATALOG_IMPL =
      ConfigOption.optional(
          CATALOG_PREFIX + "catalog-impl",
          String.class,
          null,
          "Class name of a custom org.apache.iceberg.catalog.Catalog, instead of a type.");

  public static final ConfigOption<String> WAREHOUSE =
      ConfigOption.optional(
          CATALOG_PREFIX + "warehouse",
          String.class,
          null,
          "Warehouse location, e.g. file:///var/lib/cdc-sync/warehouse or s3://bucket/path.");

  public static final ConfigOption<String> CATALOG_NAME =
      ConfigOption.optional(
          "catalog.name", String.class, "cdc_sync", "Name the catalog is given inside cdc-sync.");

  public static final ConfigOption<WriteMode> WRITE_MODE =
      ConfigOption.optional(
          "write.mode",
          WriteMode.class,
          WriteMode.UPSERT,
          "upsert: each table equals its source table (tables without a primary key are written in"
              + " append mode); append: one row per change with _cdc_op, _cdc_ts_ms and _cdc_seq.");

  public static final ConfigOption<Boolean> MAINTENANCE_ENABLED =
      ConfigOption.optional(
          "maintenance.enabled",
          Boolean.class,
          true,
          "Merge small files, apply the deletes of upsert tables, merge manifests and expire old"
              + " snapshots of the tables cdc-sync writes, in the background after its own commits.");

  public static final ConfigOption<Duration> MAINTENANCE_INTERVAL =
      ConfigOption.optional(
          "maintenance.interval",
          Duration.class,
          Duration.ofHours(1),
          "How often each table is maintained at most.");

  public static final ConfigOption<Duration> SNAPSHOT_MAX_AGE =
      ConfigOption.optional(
          "maintenance.snapshot.max-age",
          Duration.class,
          Duration.ofDays(1),
          "Snapshots older than this are expired (time travel reaches back this far), keeping"
              + " maintenance.snapshot.min-count.");

  public static final ConfigOption<Integer> SNAPSHOTS_TO_KEEP =
      ConfigOption.optional(
          "maintenance.snapshot.min-count",
          Integer.class,
          10,
          "Snapshots kept whatever their age.");

  public static final ConfigOption<IcebergPartitionKeys> PARTITION_KEY =
      ConfigOption.optional(
          "partition.key",
          IcebergPartitionKeys.class,
          new IcebergPartitionKeys(Map.of()),
          "Partition keys of sink tables cdc-sync creates (Flink CDC's syntax), e.g."
              + " shop.orders:id,day(created_at);shop.items:bucket[8](id); a transform rule's"
              + " partition-keys win.",
          IcebergPartitionKeys::parse,
          IcebergPartitionKeys.FORMAT);

  // Flink CDC's iceberg sink options that have no effect here.

  private static final String OWN_MAINTENANCE =
      "cdc-sync compacts the tables it writes itself (see maintenance.*)";

  static final List<ConfigOption<?>> FLINK_CDC_WITHOUT_EFFECT =
      List.of(
          ConfigOption.withoutEffect(
              "sink.compaction.enabled", Boolean.class, false, OWN_MAINTENANCE),
          ConfigOption.withoutEffect(
              "sink.compaction.commit.interval", Integer.class, 10, OWN_MAINTENANCE),
          ConfigOption.withoutEffect(
              "sink.compaction.commit.parallelism", Integer.class, -1, OWN_MAINTENANCE),
          ConfigOption.withoutEffect(
              "job.id.prefix",
              String.class,
              "cdc",
              "commits are identified by cdc-sync.pipeline and cdc-sync.checkpoint-id in their summaries"));

  /** Settings of tables cdc-sync creates, unless table.properties.* says otherwise. */
  static final Map<String, String> DEFAULT_TABLE_PROPERTIES =
      Map.of(
          TableProperties.FORMAT_VERSION, "2",
          TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");

  @Override
  public String type() {
    return "iceberg";
  }

  @Override
  public List<ConfigOption<?>> options() {
    List<ConfigOption<?>> options =
        new ArrayList<>(
            List.of(
                CATALOG_TYPE,
                CATALOG_IMPL,
                WAREHOUSE,
                CATALOG_NAME,
                WRITE_MODE,
                MAINTENANCE_ENABLED,
                MAINTENANCE_INTERVAL,
                SNAPSHOT_MAX_AGE,
                SNAPSHOTS_TO_KEEP,
                PARTITION_KEY));
    options.addAll(FLINK_CDC_WITHOUT_EFFECT);
    return List.copyOf(options);
  }

  @Override
  public List<String> passThroughPrefixes() {
    return List.of(CATALOG_PREFIX, TABLE_PREFIX);
  }

  @Override
  public Sink create(Configuration options, PipelineContext context) {
    IcebergChecks.requireWritable(options, context.stateStorage());
    Map<String, String> tableProperties = new LinkedHashMap<>(DEFAULT_TABLE_PROPERTIES);
    tableProperties.putAll(options.withPrefix(TABLE_PREFIX));
    TableMaintenance.Settings maintenance =
        new TableMaintenance.Settings(
            options.get(MAINTENANCE_ENABLED) ? options.get(MAINTENANCE_INTERVAL) : null,
            options.get(SNAPSHOT_MAX_AGE),
            Math.max(2, options.get(SNAPSHOTS_TO_KEEP)));
    return new IcebergSink(
        context.pipelineName(),
        catalog(options),
        tableProperties,
        options.get(WRITE_MODE),
        new TableMaintenance(maintenance, Clock.systemUTC()),
        options.get(PARTITION_KEY));
  }

  /** Opens the configured catalog; used by the sink and by commands that read tables. */
  public static Catalog catalog(Configuration options) {
    checkCatalogOptions(options);
    Map<String, String> properties = new LinkedHashMap<>(options.withPrefix(CATALOG_PREFIX));
    String type = properties.get("type");
    String warehouse = properties.get("warehouse");
    if (warehouse != null && isS3(warehouse) && !properties.containsKey("io-impl")) {
      // Catalogs default to HadoopFileIO, which has no s3:// file system here.
      properties.put("io-impl", S3FileIO.class.getName());
    }
    String impl = properties.get(CatalogProperties.CATALOG_IMPL);
    String description = type != null ? "of type '" + type + "'" : "'" + impl + "'";
    requireOnClassPath(type, impl, description);
    try {
      return CatalogUtil.buildIcebergCatalog(
          options.get(CATALOG_NAME), properties, ForklessLocalFileSystem.hadoopConfiguration());
    } catch (IllegalArgumentException | UnsupportedOperationException | NoClassDefFoundError e) {
      throw new ConfigurationException(
          "Cannot create the Iceberg catalog " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void validateOptions(Configuration options) {
    checkCatalogOptions(options);
  }

  private static void checkCatalogOptions(Configuration options) {
    Optional<String> type = options.optional(CATALOG_TYPE);
    if (type.isPresent() == options.optional(CATALOG_IMPL).isPresent()) {
      throw new ConfigurationException(
          "Cannot create the Iceberg catalog: set exactly one of sink options '"
              + CATALOG_TYPE.key()
              + "' and '"
              + CATALOG_IMPL.key()
              + "'");
    }
    if (type.equals(Optional.of("hadoop")) && options.optional(WAREHOUSE).isEmpty()) {
      throw new ConfigurationException(
          "Cannot create the hadoop catalog: sink option '" + WAREHOUSE.key() + "' is missing");
    }
  }

  private static void requireOnClassPath(String type, String impl, String description) {
    String className = impl != null ? impl : CatalogTypes.implementation(type);
    if (className == null) {
      return; // an unknown type: CatalogUtil's message lists the known ones
    }
    for (String required :
        Stream.of(className, impl == null ? CatalogTypes.client(type) : null)
            .filter(Objects::nonNull)
            .toList()) {
      try {
        // The thread's context class loader is the plugins' (as Iceberg's own lookups use it).
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        Class.forName(
            required, false, loader != null ? loader : IcebergSinkFactory.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ConfigurationException(
            "Cannot create the Iceberg catalog "
                + description
                + ": class "
                + required
                + " is not found: "
                + CatalogTypes.missingJars(type)
                + " to the plugins (the lib directory beside cdc-sync.jar, --plugins DIR or"
                + " CDC_SYNC_PLUGINS)",
            e);
      }
    }
  }

  @Override
  public List<PreflightCheck> check(Configuration options, PipelineContext context) {
    return IcebergChecks.check(options, context.stateStorage());
  }

  @Override
  public StateStorage openStateStorage(Configuration options, String location) {
    Map<String, String> properties = options.withPrefix(CATALOG_PREFIX);
    FileIO io;
    try {
      if (location.startsWith("file:")) {
        io = new HadoopFileIO(ForklessLocalFileSystem.hadoopConfiguration());
      } else {
        // The tables' FileIO and its settings (endpoint, region, credentials), so the state goes
        // wherever the data goes; S3FileIO for s3:// unless io-impl says otherwise.
        String ioImpl =
            properties.getOrDefault(
                "io-impl",
                isS3(location) ? S3FileIO.class.getName() : ResolvingFileIO.class.getName());
        io =
            CatalogUtil.loadFileIO(
                ioImpl, properties, ForklessLocalFileSystem.hadoopConfiguration());
      }
    } catch (IllegalArgumentException | NoClassDefFoundError e) {
      throw new ConfigurationException(
          "Cannot open the pipeline state store at " + location + ": " + e.getMessage(), e);
    }
    if (!(io instanceof SupportsPrefixOperations listable)) {
      throw new ConfigurationException(
          "Cannot open the pipeline state store at "
              + location
              + ": FileIO "
              + io.getClass().getName()
              + " cannot list files; set pipeline option"
              + " 'state.location' to a location another FileIO supports");
    }
    return new FileIOStateStorage(listable, location);
  }

  /** {@code <warehouse>/.cdc-sync}, whatever the warehouse's scheme. */
  @Override
  public Optional<String> defaultStateLocation(Configuration options) {
    return options
        .optional(WAREHOUSE)
        .map(warehouse -> warehouse.replaceAll("/+$", "") + "/.cdc-sync");
  }

  private static boolean isS3(String location) {
    return location.startsWith("s3://")
        || location.startsWith("s3a://")
        || location.startsWith("s3n://");
  }
}
