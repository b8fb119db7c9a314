package dev.cdcsync.spark.maintenance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.connector.catalog.CatalogPlugin;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.SupportsNamespaces;
import org.apache.spark.sql.connector.catalog.TableCatalog;

/**
 * Table maintenance for the Iceberg tables cdc-sync writes, on Spark, through Iceberg's Spark
 * procedures: for the pipelines of a fleet run with {@code maintenance.enabled: false}, while they
 * keep committing. For each table of the catalog whose name matches {@code --tables}, in order:
 *
 * <ol>
 *   <li>{@code rewrite_data_files}: merges small files and applies the delete files (every file
 *       with a delete file is rewritten, so equality deletes stop costing reads), committing file
 *       groups as they finish (its {@code remove-dangling-deletes} is left off by default: Iceberg
 *       gives it up whenever a pipeline commits meanwhile; pass it with {@code --rewrite-option}
 *       for a run while the pipelines are quiet);
 *   <li>{@code rewrite_position_delete_files} (format v2; v3 has deletion vectors);
 *   <li>{@code rewrite_manifests};
 *   <li>{@code expire_snapshots} older than {@code --expire-older-than}, keeping {@code
 *       --retain-last};
 *   <li>{@code remove_orphan_files} older than {@code --remove-orphans-older-than} (never less than
 *       a day, Iceberg's own floor): longer than any pipeline outage, since a pipeline that crashed
 *       between writing a checkpoint and committing it commits that checkpoint's files when it
 *       starts again.
 * </ol>
 *
 * <p>Each procedure commits with Iceberg's optimistic concurrency: a pipeline commit that lands in
 * between makes Iceberg check again and retry, and neither side loses its commit (cdc-sync records
 * its checkpoint in table properties too, so expiring its snapshots is safe). A step that still
 * fails is tried again twice, then reported; the job goes on with the next step and table and
 * exits 1 at the end.
 *
 * <pre>
 * spark-submit --packages org.apache.iceberg:iceberg-spark-runtime-4.1_2.13:1.12.0 \
 *   --conf spark.sql.catalog.lake=org.apache.iceberg.spark.SparkCatalog --conf ... \
 *   --class dev.cdcsync.spark.maintenance.SparkTableMaintenance cdc-sync-spark-maintenance.jar \
 *   --catalog lake [--tables 'shop\..*'] [--expire-older-than 1d] [--retain-last 10] \
 *   [--remove-orphans-older-than 7d | off] [--rewrite-option key=value ...]
 * </pre>
 */
public final class SparkTableMaintenance {

  /** The job's settings, from its command line (see {@link #parse}). */
  public record Settings(
      String catalog,
      Pattern tables,
      Duration expireOlderThan,
      int retainLast,
      Duration removeOrphansOlderThan,
      Map<String, String> rewriteOptions) {}

  /** What the job did to one table; {@code failures} empty when every step succeeded. */
  public record TableReport(
      String table,
      long rewrittenDataFiles,
      long addedDataFiles,
      long removedDeleteFiles,
      long expiredFiles,
      long removedOrphanFiles,
      List<String> failures) {

    @Override
    public String toString() {
      return table
          + ": rewrote "
          + rewrittenDataFiles
          + " data files into "
          + addedDataFiles
          + ", removed "
          + removedDeleteFiles
          + " delete files, expired snapshots freed "
          + expiredFiles
          + " files, removed "
          + removedOrphanFiles
          + " orphan files"
          + (failures.isEmpty() ? "" : "; FAILED: " + String.join("; ", failures));
    }
  }

  static final String EXTENSIONS =
      "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions";

  /** The floor Iceberg's {@code remove_orphan_files} procedure puts on its {@code older_than}. */
  static final Duration SHORTEST_ORPHAN_AGE = Duration.ofDays(1);

  private static final int STEP_ATTEMPTS = 3;
  private static final Duration STEP_PAUSE = Duration.ofSeconds(5);

  private final SparkSession spark;
  private final Settings settings;

  public SparkTableMaintenance(SparkSession spark, Settings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("cdc-sync table maintenance: " + e.getMessage());
      System.exit(2);
      return;
    }
    SparkConf conf = new SparkConf();
    if (!conf.contains("spark.sql.extensions")) {
      conf.set("spark.sql.extensions", EXTENSIONS);
    }
    SparkSession spark =
        SparkSession.builder().appName("cdc-sync table maintenance").config(conf).getOrCreate();
    List<TableReport> reports;
    try {
      reports = new SparkTableMaintenance(spark, settings).run();
    } finally {
      spark.stop();
    }
    System.exit(reports.stream().allMatch(report -> report.failures().isEmpty()) ? 0 : 1);
  }

  /** Runs the steps on every matching table, one after another; prints and returns a report each. */
  public List<TableReport> run() {
    List<TableReport> reports = new ArrayList<>();
    List<String> tables = tables();
    System.out.printf(
        "cdc-sync table maintenance: %d tables of catalog %s match %s%n",
        tables.size(), settings.catalog(), settings.tables());
    for (String table : tables) {
      TableReport report = maintain(table);
      System.out.println(report);
      reports.add(report);
    }
    return reports;
  }

  private TableReport maintain(String table) {
    List<String> failures = new ArrayList<>();
    String name = "table => '" + settings.catalog() + "." + table + "'";
    Row rewrite =
        step(
            table,
            "rewrite_data_files",
            name + ", options => " + map(settings.rewriteOptions()),
            failures);
    if ("2".equals(formatVersion(table))) {
      step(
          table,
          "rewrite_position_delete_files",
          name + ", options => map('rewrite-all', 'true')",
          failures);
    }
    step(table, "rewrite_manifests", name, failures);
    Instant now = Instant.now();
    Row expired =
        step(
            table,
            "expire_snapshots",
            name
                + ", older_than => "
                + timestamp(now.minus(settings.expireOlderThan()))
                + ", retain_last => "
                + settings.retainLast(),
            failures);
    long orphans = 0;
    if (settings.removeOrphansOlderThan() != null) {
      orphans =
          call(
                  table,
                  "remove_orphan_files",
                  name
                      + ", older_than => "
                      + timestamp(now.minus(settings.removeOrphansOlderThan())),
                  failures)
              .size();
    }
    return new TableReport(
        table,
        count(rewrite, "rewritten_data_files_count"),
        count(rewrite, "added_data_files_count"),
        count(rewrite, "removed_delete_files_count"),
        count(expired, "deleted_data_files_count")
            + count(expired, "deleted_position_delete_files_count")
            + count(expired, "deleted_equality_delete_files_count")
            + count(expired, "deleted_manifest_files_count")
            + count(expired, "deleted_manifest_lists_count"),
        orphans,
        List.copyOf(failures));
  }

  /** A procedure's one result row, or null when it failed (recorded in {@code failures}). */
  private Row step(String table, String procedure, String arguments, List<String> failures) {
    List<Row> rows = call(table, procedure, arguments, failures);
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** Calls a procedure, tried up to {@link #STEP_ATTEMPTS} times; its rows, empty on failure. */
  private List<Row> call(String table, String procedure, String arguments, List<String> failures) {
    String sql = "CALL " + settings.catalog() + ".system." + procedure + "(" + arguments + ")";
    RuntimeException last = null;
    for (int attempt = 1; attempt <= STEP_ATTEMPTS; attempt++) {
      try {
        return spark.sql(sql).collectAsList();
      } catch (RuntimeException e) {
        last = e;
        System.err.printf(
            "%s: %s failed (attempt %d of %d): %s%n",
            table, procedure, attempt, STEP_ATTEMPTS, e.getMessage());
        if (attempt < STEP_ATTEMPTS) {
          pause();
        }
      }
    }
    failures.add(procedure + ": " + last.getMessage());
    return List.of();
  }

  /** The tables of the catalog, {@code namespace.table}, in every namespace, that match. */
  List<String> tables() {
    CatalogPlugin plugin = spark.sessionState().catalogManager().catalog(settings.catalog());
    if (!(plugin instanceof TableCatalog catalog) || !(plugin instanceof SupportsNamespaces)) {
      throw new IllegalArgumentException(
          "Spark catalog " + settings.catalog() + " does not list namespaces and tables");
    }
    List<String> tables = new ArrayList<>();
    collectTables(catalog, new String[0], tables);
    return tables.stream()
        .filter(table -> settings.tables().matcher(table).matches())
        .sorted()
        .toList();
  }

  private static void collectTables(TableCatalog catalog, String[] namespace, List<String> tables) {
    String[][] children;
    try {
      children = ((SupportsNamespaces) catalog).listNamespaces(namespace);
    } catch (NoSuchNamespaceException e) {
      throw new IllegalStateException(e);
    }
    for (String[] child : children) {
      if (child[child.length - 1].startsWith(".")) {
        // A hidden directory of a hadoop catalog's warehouse, such as cdc-sync's state in
        // <warehouse>/.cdc-sync: not a namespace of tables.
        continue;
      }
      try {
        for (Identifier table : catalog.listTables(child)) {
          tables.add(String.join(".", child) + "." + table.name());
        }
      } catch (NoSuchNamespaceException e) {
        continue;
      }
      collectTables(catalog, child, tables);
    }
  }

  private String formatVersion(String table) {
    return spark
        .sql(
            "SHOW TBLPROPERTIES "
                + settings.catalog()
                + "."
                + List.of(table.split("\\.")).stream()
                    .map(SparkTableMaintenance::quoted)
                    .collect(Collectors.joining("."))
                + " ('format-version')")
        .collectAsList()
        .get(0)
        .getString(1);
  }

  private static String quoted(String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static String timestamp(Instant instant) {
    return "TIMESTAMP '" + instant + "'";
  }

  private static String map(Map<String, String> options) {
    return options.entrySet().stream()
        .map(entry -> "'" + entry.getKey() + "', '" + entry.getValue() + "'")
        .collect(Collectors.joining(", ", "map(", ")"));
  }

  private static long count(Row row, String column) {
    return row == null ? 0 : ((Number) row.getAs(column)).longValue();
  }

  private static void pause() {
    try {
      Thread.sleep(STEP_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The settings from {@code --name value} arguments; throws naming the argument at fault. */
  public static Settings parse(String... args) {
    String catalog = null;
    Pattern tables = Pattern.compile(".*");
    Duration expireOlderThan = Duration.ofDays(1);
    int retainLast = 10;
    Duration orphansOlderThan = Duration.ofDays(7);
    Map<String, String> rewriteOptions = new LinkedHashMap<>();
    rewriteOptions.put("partial-progress.enabled", "true");
    rewriteOptions.put("delete-file-threshold", "1");
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = args[i + 1];
      switch (name) {
        case "--catalog" -> catalog = value;
        case "--tables" -> tables = Pattern.compile(value);
        case "--expire-older-than" -> expireOlderThan = duration(name, value);
        case "--retain-last" -> retainLast = positive(name, value);
        case "--remove-orphans-older-than" -> {
          orphansOlderThan = value.equals("off") ? null : duration(name, value);
          if (orphansOlderThan != null && orphansOlderThan.compareTo(SHORTEST_ORPHAN_AGE) < 0) {
            throw new IllegalArgumentException(
                name
                    + " "
                    + value
                    + " is shorter than a day: files a pipeline is writing, or wrote before a"
                    + " crash and commits when it starts again, would be removed");
          }
        }
        case "--rewrite-option" -> {
          int equals = value.indexOf('=');
          if (equals <= 0) {
            throw new IllegalArgumentException(name + " takes key=value, not '" + value + "'");
          }
          rewriteOptions.put(value.substring(0, equals), value.substring(equals + 1));
        }
        default ->
            throw new IllegalArgumentException(
                "unknown argument "
                    + name
                    + " (known: --catalog, --tables, --expire-older-than, --retain-last,"
                    + " --remove-orphans-older-than, --rewrite-option)");
      }
    }
    if (catalog == null) {
      throw new IllegalArgumentException(
          "--catalog is required: the name of the Spark catalog (spark.sql.catalog.<name>) that"
              + " holds the tables");
    }
    return new Settings(
        catalog, tables, expireOlderThan, retainLast, orphansOlderThan, Map.copyOf(rewriteOptions));
  }

  /** {@code 30s}, {@code 15m}, {@code 12h} or {@code 7d}. */
  private static Duration duration(String name, String value) {
    var matcher = Pattern.compile("(\\d+)([smhd])").matcher(value);
    if (!matcher.matches()) {
      throw new IllegalArgumentException(
          name + " takes a duration such as 30s, 15m, 12h or 7d, not '" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private static int positive(String name, String value) {
    try {
      int number = Integer.parseInt(value);
      if (number > 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(name + " takes a whole number above 0, not '" + value + "'");
  }
}
