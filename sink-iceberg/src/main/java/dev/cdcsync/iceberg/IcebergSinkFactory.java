package dev.cdcsync.iceberg;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.SinkFactory;
import dev.cdcsync.api.StateStorage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
      ConfigOption.required(
          CATALOG_PREFIX + "type",
          String.class,
          "Iceberg catalog type: hadoop, jdbc, rest, hive, glue or nessie.");

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
    return List.of(CATALOG_TYPE, WAREHOUSE, CATALOG_NAME, WRITE_MODE);
  }

  @Override
  public List<String> passThroughPrefixes() {
    return List.of(CATALOG_PREFIX, TABLE_PREFIX);
  }

  @Override
  public Sink create(Configuration options, PipelineContext context) {
    Map<String, String> tableProperties = new LinkedHashMap<>(DEFAULT_TABLE_PROPERTIES);
    tableProperties.putAll(options.withPrefix(TABLE_PREFIX));
    return new IcebergSink(catalog(options), tableProperties, options.get(WRITE_MODE));
  }

  /** Opens the configured catalog; used by the sink and by commands that read tables. */
  public static Catalog catalog(Configuration options) {
    Map<String, String> properties = new LinkedHashMap<>(options.withPrefix(CATALOG_PREFIX));
    String type = properties.get("type");
    String warehouse = properties.get("warehouse");
    if (warehouse != null && isS3(warehouse) && !properties.containsKey("io-impl")) {
      // Catalogs default to HadoopFileIO, which has no s3:// file system here.
      properties.put("io-impl", S3FileIO.class.getName());
    }
    if ("hadoop".equals(type) && properties.get("warehouse") == null) {
      throw new ConfigurationException(
          "Cannot create the hadoop catalog: sink option '" + WAREHOUSE.key() + "' is missing");
    }
    try {
      return CatalogUtil.buildIcebergCatalog(
          options.get(CATALOG_NAME), properties, new org.apache.hadoop.conf.Configuration());
    } catch (IllegalArgumentException | NoClassDefFoundError e) {
      throw new ConfigurationException(
          "Cannot create the Iceberg catalog of type '" + type + "': " + e.getMessage(), e);
    }
  }

  @Override
  public StateStorage openStateStorage(Configuration options, String location) {
    Map<String, String> properties = options.withPrefix(CATALOG_PREFIX);
    FileIO io;
    try {
      if (location.startsWith("file:")) {
        io = new HadoopFileIO(new org.apache.hadoop.conf.Configuration());
      } else {
        // The tables' FileIO and its settings (endpoint, region, credentials), so the state goes
        // wherever the data goes; S3FileIO for s3:// unless io-impl says otherwise.
        String ioImpl =
            properties.getOrDefault(
                "io-impl",
                isS3(location) ? S3FileIO.class.getName() : ResolvingFileIO.class.getName());
        io = CatalogUtil.loadFileIO(ioImpl, properties, new org.apache.hadoop.conf.Configuration());
      }
    } catch (IllegalArgumentException | NoClassDefFoundError e) {
      throw new ConfigurationException(
          "Cannot open the pipeline state store at " + location + ": " + e.getMessage(), e);
    }
    if (!(io instanceof SupportsPrefixOperations listable)) {
      throw new ConfigurationException(
          "Cannot open the pipeline state store at " + location + ": FileIO "
              + io.getClass().getName() + " cannot list files; set pipeline option"
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
    return location.startsWith("s3://") || location.startsWith("s3a://") || location.startsWith("s3n://");
  }
}
