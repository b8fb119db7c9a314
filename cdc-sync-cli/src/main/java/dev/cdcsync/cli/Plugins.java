package dev.cdcsync.cli;

import dev.cdcsync.api.ConfigurationException;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jars cdc-sync loads beside its own: user-defined functions, catalogs (Hive, Glue, Nessie),
 * custom {@code catalog-impl} / {@code io-impl} classes, JDBC drivers. They come from the {@code
 * lib} directory beside {@code cdc-sync.jar}, the directories of {@code $CDC_SYNC_PLUGINS}
 * (separated as on the class path) and each {@code --plugins DIR}; every {@code .jar} in them joins
 * one class loader over cdc-sync's own, which becomes the thread's context class loader (Iceberg,
 * Hadoop and the service loaders look classes up there). JDBC drivers among them are registered
 * with {@link DriverManager} through {@link PluginDriver}, which the manager would otherwise not
 * hand to code outside the plugins' class loader.
 */
final class Plugins {

  static final String OPTION = "--plugins";
  static final String ENVIRONMENT = "CDC_SYNC_PLUGINS";

  private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

  private Plugins() {}

  /**
   * The plugin directories, in order: {@code lib} beside the jar (if there), {@code
   * $CDC_SYNC_PLUGINS}, then each {@code --plugins} of the command line; a directory given
   * explicitly must exist.
   *
   * @throws ConfigurationException naming a missing directory and where it was given
   */
  static List<Path> directories(String[] args, Function<String, String> environment, Path jar) {
    List<Path> directories = new ArrayList<>();
    if (jar != null && jar.toString().endsWith(".jar")) {
      Path lib = jar.toAbsolutePath().getParent().resolve("lib");
      if (Files.isDirectory(lib)) {
        directories.add(lib);
      }
    }
    String fromEnvironment = environment.apply(ENVIRONMENT);
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      for (String entry : fromEnvironment.split(File.pathSeparator)) {
        if (!entry.isBlank()) {
          directories.add(existing(Path.of(entry.trim()), "$" + ENVIRONMENT));
        }
      }
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(OPTION) && i + 1 < args.length) {
        directories.add(existing(Path.of(args[i + 1]), OPTION));
      } else if (args[i].startsWith(OPTION + "=")) {
        directories.add(existing(Path.of(args[i].substring(OPTION.length() + 1)), OPTION));
      }
    }
    return directories;
  }

  /** The jar or classes directory cdc-sync runs from. */
  static Path ownLocation() {
    try {
      return Path.of(Plugins.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }

  /**
   * A class loader over the jars in {@code directories}, cdc-sync's own as its parent, with the
   * JDBC drivers among them registered; null when the directories hold no jar.
   */
  static ClassLoader open(List<Path> directories) throws IOException {
    List<Path> jars = new ArrayList<>();
    for (Path directory : directories) {
      try (Stream<Path> files = Files.list(directory)) {
        files
            .filter(file -> file.getFileName().toString().endsWith(".jar"))
            .filter(Files::isRegularFile)
            .sorted()
            .forEach(jars::add);
      }
    }
    if (jars.isEmpty()) {
      return null;
    }
    URL[] urls = new URL[jars.size()];
    for (int i = 0; i < urls.length; i++) {
      urls[i] = jars.get(i).toUri().toURL();
    }
    URLClassLoader loader =
        new URLClassLoader("cdc-sync-plugins", urls, Plugins.class.getClassLoader());
    LOG.info(
        "Plugins: {} jar{} from {}",
        jars.size(),
        jars.size() == 1 ? "" : "s",
        String.join(", ", directories.stream().map(Path::toString).toList()));
    for (Driver driver : ServiceLoader.load(Driver.class, loader)) {
      if (driver.getClass().getClassLoader() == loader) {
        try {
          DriverManager.registerDriver(new PluginDriver(driver));
          LOG.info("Plugins: JDBC driver {}", driver.getClass().getName());
        } catch (SQLException e) {
          throw new IOException("Cannot register JDBC driver " + driver.getClass().getName(), e);
        }
      }
    }
    return loader;
  }

  private static Path existing(Path directory, String givenBy) {
    if (!Files.isDirectory(directory)) {
      throw new ConfigurationException(
          "Plugins directory " + directory + " (" + givenBy + ") does not exist");
    }
    return directory;
  }

  /** A plugin's JDBC driver, registered under a class {@link DriverManager} hands to anyone. */
  static final class PluginDriver implements Driver {
    private final Driver driver;

    PluginDriver(Driver driver) {
      this.driver = driver;
    }

    @Override
    public Connection connect(String url, Properties info) throws SQLException {
      return driver.connect(url, info);
    }

    @Override
    public boolean acceptsURL(String url) throws SQLException {
      return driver.acceptsURL(url);
    }

    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
      return driver.getPropertyInfo(url, info);
    }

    @Override
    public int getMajorVersion() {
      return driver.getMajorVersion();
    }

    @Override
    public int getMinorVersion() {
      return driver.getMinorVersion();
    }

    @Override
    public boolean jdbcCompliant() {
      return driver.jdbcCompliant();
    }

    @Override
    public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
      return driver.getParentLogger();
    }
  }
}
