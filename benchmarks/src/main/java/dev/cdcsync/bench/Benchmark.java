package dev.cdcsync.bench;

import dev.cdcsync.iceberg.WriteMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./cdc-sync-bench}: starts the databases, loads data, runs cdc-sync into a local
 * Hadoop-catalog warehouse and measures it end to end; prints the result table and exits 1 if any
 * check failed.
 */
@Command(
    name = "cdc-sync-bench",
    sortOptions = false,
    subcommands = CatalogCommits.class,
    description =
        "Measures cdc-sync end to end against PostgreSQL and MariaDB servers it starts itself, and"
            + " compares it with its source alone feeding a consumer that does nothing (Debezium;"
            + " for PostgreSQL's and MariaDB's snapshots, cdc-sync's own load) and with the"
            + " database's own read"
            + " of the table. Prints a"
            + " result table on stdout (progress on stderr); exits 1 if any check failed.")
public final class Benchmark implements Callable<Integer> {

  /** Which servers to measure. */
  enum DatabaseSelection {
    POSTGRES,
    MARIADB,
    ALL;

    List<BenchDatabase.Kind> kinds() {
      return switch (this) {
        case POSTGRES -> List.of(BenchDatabase.Kind.POSTGRES);
        case MARIADB -> List.of(BenchDatabase.Kind.MARIADB);
        case ALL -> List.of(BenchDatabase.Kind.POSTGRES, BenchDatabase.Kind.MARIADB);
      };
    }
  }

  /** Which sink write modes to measure. */
  enum ModeSelection {
    UPSERT,
    APPEND,
    ALL;

    List<WriteMode> modes() {
      return switch (this) {
        case UPSERT -> List.of(WriteMode.UPSERT);
        case APPEND -> List.of(WriteMode.APPEND);
        case ALL -> List.of(WriteMode.UPSERT, WriteMode.APPEND);
      };
    }
  }

  @Option(
      names = "--db",
      defaultValue = "all",
      paramLabel = "postgres|mariadb|all",
      description = "Database servers to measure. Default: ${DEFAULT-VALUE}.")
  DatabaseSelection database;

  @Option(
      names = "--mode",
      defaultValue = "all",
      paramLabel = "upsert|append|all",
      description = "Sink write modes to measure. Default: ${DEFAULT-VALUE}.")
  ModeSelection mode;

  @Option(
      names = "--scenarios",
      split = ",",
      defaultValue = "snapshot,streaming,freshness,cpu,tables",
      paramLabel = "LIST",
      description = "Any of snapshot,streaming,freshness,cpu,tables. Default: all.")
  List<Scenario> scenarios;

  @Option(
      names = "--quick",
      description =
          "Small sizes for a smoke run: 50k rows, 20k updates, 15 s steady load, 20 tables x 200 rows.")
  boolean quick;

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "Rows of the snapshot table (default 1,000,000; --quick 50,000).")
  Integer rows;

  @Option(
      names = "--updates",
      paramLabel = "N",
      description =
          "Row updates of the streaming scenario (default 200,000; --quick 20,000). More spread"
              + " the last checkpoint's wait and commit, which the events/s until visible include,"
              + " over more events.")
  Integer updates;

  @Option(
      names = "--transform",
      description =
          "Adds a transform rule to cdc-sync's pipeline on the snapshot table: projection"
              + " '"
              + PipelineFile.TRANSFORM_PROJECTION
              + "', filter '"
              + PipelineFile.TRANSFORM_FILTER
              + "'"
              + " (every row passes). The baseline and the tables scenario run without it.")
  boolean transform;

  @Option(
      names = "--format-version",
      paramLabel = "N",
      description =
          "Iceberg format version of the snapshot table cdc-sync creates (default: the sink's, 2);"
              + " 3 writes deletion vectors. The tables scenario runs without it.")
  Integer formatVersion;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Also write the results as Markdown to FILE.")
  Path out;

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--cdc-sync-jar",
      paramLabel = "JAR",
      defaultValue = "${sys:cdcsync.home:-.}/cdc-sync-cli/target/cdc-sync.jar",
      description = "The cdc-sync jar to measure. Default: ${DEFAULT-VALUE}.")
  Path jar;

  /** The binlog client logs through java.util.logging, past logback; held so its level sticks. */
  private static final Logger BINLOG_CLIENT_LOG =
      Logger.getLogger("com.github.shyiko.mysql.binlog");

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "benchmark-logback.xml");
    }
    BINLOG_CLIENT_LOG.setLevel(Level.WARNING);
    int exitCode =
        new CommandLine(new Benchmark()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(exitCode);
  }

  @Override
  public Integer call() throws Exception {
    BenchmarkSizes sizes = quick ? BenchmarkSizes.quick() : BenchmarkSizes.full();
    if (rows != null) {
      sizes = resized(sizes, "--rows", current -> current.withRows(rows));
    }
    if (updates != null) {
      sizes = resized(sizes, "--updates", current -> current.withUpdates(updates));
    }
    Set<Scenario> selected = EnumSet.copyOf(scenarios);
    Path repository = Path.of(System.getProperty("cdcsync.home", ".")).toAbsolutePath().normalize();
    MachineFacts facts = MachineFacts.collect(repository, jar.toAbsolutePath().normalize(), sizes);
    if (!ResourceWindow.canResetPeakResidentSetSize()) {
      facts.add("note", "cannot reset VmHWM here: peak RSS counts from cdc-sync's start");
    }
    if (formatVersion != null) {
      facts.add("format-version", Integer.toString(formatVersion));
    }
    if (transform) {
      facts.add(
          "transform",
          "projection "
              + PipelineFile.TRANSFORM_PROJECTION
              + ", filter "
              + PipelineFile.TRANSFORM_FILTER);
    }
    List<ScenarioResult> results = new ArrayList<>();
    try (Workspace workspace = Workspace.create()) {
      for (BenchDatabase.Kind kind : database.kinds()) {
        results.addAll(measure(kind, sizes, selected, workspace.directory(), facts));
      }
    }
    ResultTable table = new ResultTable(results);
    System.out.println();
    System.out.print(facts.asText());
    System.out.println();
    System.out.print(table.asText());
    System.out.println();
    System.out.print(legend());
    if (out != null) {
      Files.writeString(
          out,
          "# cdc-sync benchmark\n\n"
              + facts.asMarkdown()
              + "\n"
              + table.asMarkdown()
              + "\n"
              + legend());
    }
    return table.allPassed() ? 0 : 1;
  }

  private List<ScenarioResult> measure(
      BenchDatabase.Kind kind,
      BenchmarkSizes sizes,
      Set<Scenario> selected,
      Path workDirectory,
      MachineFacts facts) {
    BenchDatabase server;
    try {
      Progress.say(kind.label() + ": starting the server");
      server = BenchDatabase.start(kind);
      facts.add(kind.label(), server.describe());
    } catch (Exception e) {
      return List.of(ScenarioResult.failed(kind.label(), "-", "start", Failures.describe(e)));
    }
    try {
      List<String> ruleLines =
          PipelineFile.ruleLines(server.rowsTablePattern(), transform, formatVersion);
      return new DatabaseBenchmark(
              server, sizes, selected, mode.modes(), jar, workDirectory, ruleLines)
          .run();
    } catch (Exception e) {
      return List.of(ScenarioResult.failed(kind.label(), "-", "setup", Failures.describe(e)));
    } finally {
      try {
        server.dropDatabases();
      } catch (Exception e) {
        Progress.say(
            "cannot drop the benchmark's databases in " + kind.label() + ": " + e.getMessage());
      }
    }
  }

  private static String legend() {
    return String.join(
        "\n",
        "events: rows (snapshots) or changed rows (streaming, freshness, changes). s: snapshots from cdc-sync's",
        "  process start, changes from the first source change, until a reader polling the Iceberg table(s) sees",
        "  all of them; freshness: how long the steady load ran (events/s is the rate it achieved).",
        "w/o JVM: from cdc-sync's first log line instead of its process start.",
        "baseline/s: the same source and settings in process (Debezium; a PostgreSQL or MariaDB snapshot is",
        "  cdc-sync's own load), into a consumer that only counts and acknowledges (its own lines: baseline snapshot from the",
        "  source's start, baseline streaming from the first update, once the source streams); ratio: cdc-sync's",
        "  events/s (w/o JVM where known) divided by it. COPY / SELECT reference: the database's own read of the",
        "  snapshot table to the client (PostgreSQL binary COPY, MariaDB streamed SELECT *), which discards it.",
        "p50/p99: delay from a steady-load transaction's commit until a snapshot holding it was seen (polled every",
        "  100 ms). CPU: user+system time of the cdc-sync process per event during the scenario (snapshots: from",
        "  process start, JVM start included); the cpu line is the streaming scenario's. peak RSS: VmHWM;",
        "  peak heap: most heap in use (GC log and jcmd).",
        "check: Iceberg read back with Iceberg's generic reader equals the source (rows, keys, counter sum;",
        "  append: one row per change, and each key's latest row).",
        "");
  }

  private BenchmarkSizes resized(
      BenchmarkSizes sizes, String option, UnaryOperator<BenchmarkSizes> change) {
    try {
      return change.apply(sizes);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '" + option + "': " + e.getMessage());
    }
  }
}
