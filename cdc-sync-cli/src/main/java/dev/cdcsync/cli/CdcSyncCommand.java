package dev.cdcsync.cli;

import io.debezium.connector.postgresql.Module;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.iceberg.IcebergBuild;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code cdc-sync} command. */
@Command(
    name = "cdc-sync",
    mixinStandardHelpOptions = true,
    versionProvider = CdcSyncCommand.Version.class,
    description = {
      "Keeps Apache Iceberg tables in sync with MySQL, MariaDB and PostgreSQL, exactly as the"
          + " source, in one process.",
      "",
      "  cdc-sync pipeline.yaml        is short for  cdc-sync run pipeline.yaml"
    },
    subcommands = {
      RunCommand.class,
      SnapshotCommand.class,
      ValidateCommand.class,
      StatusCommand.class,
      ShowCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  clean stop (SIGTERM / SIGINT: buffered changes are committed first)",
      "  1  runtime failure (database, warehouse, or a value that cannot be written)",
      "  2  invalid pipeline file or command line; nothing was touched"
    })
public final class CdcSyncCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(
      names = "--log-format",
      paramLabel = "text|json",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Log lines on stderr as text (default) or one JSON object per line. Also: $CDC_SYNC_LOG_FORMAT.")
  LogFormat logFormat;

  @CommandLine.Option(
      names = Plugins.OPTION,
      paramLabel = "DIR",
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "A directory of jars to load: user-defined functions, catalogs, JDBC drivers (repeatable;"
              + " also the lib directory beside cdc-sync.jar and $CDC_SYNC_PLUGINS).")
  List<Path> plugins;

  enum LogFormat {
    text,
    json
  }

  public static void main(String[] args) {
    chooseLogFormat(args);
    quietBinlogClient();
    System.exit(execute(args));
  }

  /**
   * Tells logback the format before anything logs (picocli parses the option too, too late for
   * that); logback.xml reads it as CDC_SYNC_LOG_FORMAT.
   */
  static void chooseLogFormat(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String value = null;
      if (args[i].equals("--log-format") && i + 1 < args.length) {
        value = args[i + 1];
      } else if (args[i].startsWith("--log-format=")) {
        value = args[i].substring("--log-format=".length());
      }
      if (value != null && (value.equals("text") || value.equals("json"))) {
        System.setProperty("CDC_SYNC_LOG_FORMAT", value);
      }
    }
  }

  /**
   * The binlog client logs through java.util.logging, straight to stderr in its own format: its
   * INFO lines (GTID sets, connection ids) are positions, not news for an operator.
   */
  static void quietBinlogClient() {
    BINLOG_CLIENT_LOGGER.setLevel(Level.WARNING);
  }

  /** Held so the level set on it stays (java.util.logging keeps loggers weakly). */
  private static final Logger BINLOG_CLIENT_LOGGER =
      Logger.getLogger("com.github.shyiko.mysql.binlog");

  /** Runs the command line and returns the exit code. */
  public static int execute(String... args) {
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    try {
      ClassLoader plugins =
          Plugins.open(Plugins.directories(args, System::getenv, Plugins.ownLocation()));
      if (plugins != null) {
        thread.setContextClassLoader(plugins);
      }
    } catch (dev.cdcsync.api.ConfigurationException | java.io.IOException e) {
      System.err.println("cdc-sync: " + e.getMessage());
      return ExitCodes.INVALID_CONFIGURATION;
    }
    try {
      return new CommandLine(new CdcSyncCommand()).execute(withRunShorthand(args));
    } finally {
      thread.setContextClassLoader(before);
    }
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command or pipeline file");
  }

  /** {@code cdc-sync file.yaml ...} means {@code cdc-sync run file.yaml ...}. */
  static String[] withRunShorthand(String[] args) {
    if (args.length > 0 && !args[0].startsWith("-")) {
      String first = args[0];
      boolean subcommand =
          List.of("run", "snapshot", "validate", "status", "show", "demo", "help").contains(first);
      if (!subcommand
          && (first.endsWith(".yaml")
              || first.endsWith(".yml")
              || Files.isRegularFile(Path.of(first)))) {
        List<String> rewritten = new ArrayList<>(List.of("run"));
        rewritten.addAll(List.of(args));
        return rewritten.toArray(String[]::new);
      }
    }
    return args;
  }

  /**
   * Reads cdc-sync's version from the jar's manifest, and those of the libraries that decide its
   * behaviour from their own build files (the runnable jar keeps no manifest of theirs).
   */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CdcSyncCommand.class.getPackage().getImplementationVersion();
      return new String[] {
        "cdc-sync " + (version == null ? "development build" : version),
        "Debezium " + Module.version(),
        "Apache Iceberg " + IcebergBuild.version(),
        "Java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")"
      };
    }
  }
}
