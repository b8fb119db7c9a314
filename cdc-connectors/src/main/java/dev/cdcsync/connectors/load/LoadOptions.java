package dev.cdcsync.connectors.load;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.connectors.SourceOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Source options of cdc-sync's own initial load (Flink CDC's names), for the sources that have it. */
public final class LoadOptions {

  public static final ConfigOption<Integer> CHUNK_SIZE =
      ConfigOption.optional(
          "scan.incremental.snapshot.chunk.size",
          Integer.class,
          8096,
          "Rows per chunk of the initial load: each chunk is read, written and committed as one.");

  public static final ConfigOption<Integer> FETCH_SIZE =
      ConfigOption.optional(
          "scan.snapshot.fetch.size",
          Integer.class,
          1024,
          "Rows the initial load's readers fetch from the database at a time.");

  public static final ConfigOption<String> CHUNK_KEY_COLUMN =
      ConfigOption.optional(
          "scan.incremental.snapshot.chunk.key-column",
          String.class,
          null,
          "Per table, the NOT NULL column the initial load splits it by, table:column entries"
              + " separated by ';' (postgres: schema.table, an integer, numeric, uuid, date,"
              + " timestamp, timestamptz or bytea column or a text or varchar one under a collation"
              + " that orders by code point, such as C; mariadb: database.table, an integer,"
              + " decimal, binary or varbinary column). Default: the first"
              + " primary key column when it is one of those; a table without one is read as one"
              + " chunk.");

  public static final ConfigOption<Integer> SNAPSHOT_READERS =
      ConfigOption.optional(
          "scan.snapshot.readers",
          Integer.class,
          Runtime.getRuntime().availableProcessors(),
          "How many connections read the initial load's chunks at once. Default: the machine's"
              + " processors.");

  /** Set by {@code cdc-sync snapshot --table}, with {@code scan.startup.mode: snapshot}. */
  public static final ConfigOption<String> RELOAD_TABLES =
      ConfigOption.optional(
          "scan.snapshot.reload.tables",
          String.class,
          null,
          "Tables (schema.table or database.table, comma-separated) whose rows this run loads"
              + " again, replacing the rows their Iceberg tables hold, before it commits and exits."
              + " Set by 'cdc-sync snapshot --table'.");

  public static final List<ConfigOption<?>> ALL =
      List.of(CHUNK_SIZE, FETCH_SIZE, CHUNK_KEY_COLUMN, SNAPSHOT_READERS, RELOAD_TABLES);

  private LoadOptions() {}

  /** An option's value, which must be at least 1. */
  public static int positive(Configuration options, ConfigOption<Integer> option) {
    int value = options.get(option);
    if (value < 1) {
      throw new ConfigurationException(
          "Cannot use source option '" + option.key() + "': it must be at least 1, not " + value);
    }
    return value;
  }

  /**
   * Option {@code scan.snapshot.reload.tables}: the tables to load again, by their last two parts
   * ({@code schema.table} or {@code database.table}), in the order given.
   */
  public static List<String> reloadTables(Configuration options) {
    List<String> tables = new java.util.ArrayList<>();
    for (String entry : options.optional(RELOAD_TABLES).orElse("").split(",")) {
      String[] parts = entry.trim().split("\\.");
      if (entry.isBlank()) {
        continue;
      }
      if (parts.length < 2 || parts.length > 3) {
        throw new ConfigurationException(
            "Cannot load table '"
                + entry.trim()
                + "' again (option '"
                + RELOAD_TABLES.key()
                + "'): name it as schema.table or database.table");
      }
      String table = parts[parts.length - 2] + "." + parts[parts.length - 1];
      if (!tables.contains(table)) {
        tables.add(table);
      }
    }
    return tables;
  }

  /**
   * Refuses option {@code scan.snapshot.reload.tables} without {@code scan.startup.mode:
   * snapshot}.
   */
  public static void requireLoadOnlyForReload(Configuration options) {
    if (!reloadTables(options).isEmpty()
        && options.get(SourceOptions.STARTUP_MODE) != SourceOptions.StartupMode.SNAPSHOT) {
      throw new ConfigurationException(
          "Cannot use source option '"
              + RELOAD_TABLES.key()
              + "' without scan.startup.mode snapshot: tables are loaded again by 'cdc-sync"
              + " snapshot PIPELINE_FILE --table TABLE', which loads them, commits and exits");
    }
  }

  /**
   * Option {@code scan.incremental.snapshot.chunk.key-column}: per table, named by its last two
   * parts ({@code schema.table} or {@code database.table}), the column.
   *
   * @param form an entry's form for messages, e.g. {@code database.table:column}
   * @param maxParts the most parts a table's name may have
   */
  public static Map<String, String> chunkKeyColumns(
      Configuration options, String form, int maxParts) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (String entry : options.optional(CHUNK_KEY_COLUMN).orElse("").split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.lastIndexOf(':');
      String[] table = colon < 0 ? new String[0] : entry.substring(0, colon).trim().split("\\.");
      if (colon < 0
          || table.length < 2
          || table.length > maxParts
          || entry.substring(colon + 1).isBlank()) {
        throw new ConfigurationException(
            "Cannot use source option '"
                + CHUNK_KEY_COLUMN.key()
                + "': '"
                + entry.trim()
                + "' is not "
                + form);
      }
      columns.put(
          table[table.length - 2] + "." + table[table.length - 1],
          entry.substring(colon + 1).trim());
    }
    return columns;
  }
}
