package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.connectors.SourceOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TLS to MySQL and MariaDB. It is set with Debezium's own options, written {@code
 * debezium.database.ssl.*}, because only those reach the binlog connection (Debezium's binlog
 * client takes no JDBC settings) and Debezium's JDBC connection (where they override any {@code
 * sslMode} among the JDBC settings). cdc-sync's own connections (checks, column defaults) get the
 * same driver settings from them, as Debezium derives them, so every connection is made alike.
 */
final class BinlogTls {

  static final String MODE = "database.ssl.mode";
  static final String TRUSTSTORE = "database.ssl.truststore";
  static final String TRUSTSTORE_PASSWORD = "database.ssl.truststore.password";
  static final String KEYSTORE = "database.ssl.keystore";
  static final String KEYSTORE_PASSWORD = "database.ssl.keystore.password";

  /** The modes of a product's Debezium connector, its default first. */
  private final List<String> modes;

  /**
   * @param modes the {@code database.ssl.mode} values of the product's Debezium connector, its
   *     default first (MySQL {@code preferred}, MariaDB {@code disable}); the names differ, e.g.
   *     MySQL {@code verify_identity} and MariaDB {@code verify-full}
   */
  BinlogTls(List<String> modes) {
    this.modes = List.copyOf(modes);
  }

  /**
   * Refuses a mode the product's connector does not know and a truststore or keystore that does not
   * open with its password, naming the option; the files are read as Debezium reads them.
   */
  void validate(Configuration options) {
    Map<String, String> debezium = options.withPrefix(SourceOptions.DEBEZIUM_PREFIX);
    String mode = debezium.get(MODE);
    if (mode != null && !modes.contains(mode.trim().toLowerCase(Locale.ROOT))) {
      throw new ConfigurationException(
          "Cannot use source option '"
              + SourceOptions.DEBEZIUM_PREFIX
              + MODE
              + "': expected one of "
              + String.join(", ", modes)
              + " but got '"
              + mode
              + "'");
    }
    checkStore(debezium, TRUSTSTORE, TRUSTSTORE_PASSWORD);
    checkStore(debezium, KEYSTORE, KEYSTORE_PASSWORD);
  }

  private static void checkStore(Map<String, String> debezium, String fileKey, String passwordKey) {
    String file = debezium.get(fileKey);
    if (file == null) {
      if (debezium.containsKey(passwordKey)) {
        throw new ConfigurationException(
            "Cannot use source option '"
                + SourceOptions.DEBEZIUM_PREFIX
                + passwordKey
                + "' without '"
                + SourceOptions.DEBEZIUM_PREFIX
                + fileKey
                + "'");
      }
      return;
    }
    String option = "source option '" + SourceOptions.DEBEZIUM_PREFIX + fileKey + "'";
    String password = debezium.get(passwordKey);
    // Debezium opens the binlog client's stores as JKS, which reads PKCS12 files as well.
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      KeyStore.getInstance("JKS").load(in, password == null ? null : password.toCharArray());
    } catch (IOException | GeneralSecurityException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new ConfigurationException(
          "Cannot use "
              + option
              + ": cannot read the keystore "
              + file
              + " ("
              + reason
              + "); it must be"
              + " a PKCS12 or JKS file, opened with '"
              + SourceOptions.DEBEZIUM_PREFIX
              + passwordKey
              + "'");
    }
  }

  /**
   * The source options as cdc-sync's own connections take them: the JDBC settings Debezium derives
   * from {@code database.ssl.*} (names both MySQL's and MariaDB's drivers read) in place of the
   * user's TLS settings.
   */
  Configuration forOwnConnections(Configuration options) {
    Map<String, String> debezium = options.withPrefix(SourceOptions.DEBEZIUM_PREFIX);
    String mode = debezium.getOrDefault(MODE, modes.get(0)).trim().toLowerCase(Locale.ROOT);
    String jdbc = SourceOptions.JDBC_PREFIX;
    Map<String, String> values = new LinkedHashMap<>(options.asMap());
    values
        .keySet()
        .removeIf(key -> key.startsWith(jdbc) && isTlsSetting(key.substring(jdbc.length())));
    values.put(jdbc + "sslMode", mode);
    if (!mode.equals("disable") && !mode.equals("disabled")) {
      putFile(values, jdbc + "trustCertificateKeyStoreUrl", debezium.get(TRUSTSTORE));
      putIfGiven(
          values, jdbc + "trustCertificateKeyStorePassword", debezium.get(TRUSTSTORE_PASSWORD));
      putFile(values, jdbc + "clientCertificateKeyStoreUrl", debezium.get(KEYSTORE));
      putIfGiven(
          values, jdbc + "clientCertificateKeyStorePassword", debezium.get(KEYSTORE_PASSWORD));
    }
    return Configuration.of(values);
  }

  private static void putFile(Map<String, String> values, String key, String file) {
    putIfGiven(values, key, file == null ? null : "file:" + file);
  }

  private static void putIfGiven(Map<String, String> values, String key, String value) {
    if (value != null && !value.isBlank()) {
      values.put(key, value);
    }
  }

  /**
   * Warnings for TLS settings among the JDBC settings, {@code jdbc.properties.*} or {@code
   * debezium.driver.*}, which are left out (see {@link #isTlsSetting}).
   */
  static List<String> warnings(Configuration options) {
    List<String> warnings = new ArrayList<>();
    for (String prefix :
        List.of(SourceOptions.JDBC_PREFIX, SourceOptions.DEBEZIUM_PREFIX + "driver.")) {
      for (String key : options.withPrefix(prefix).keySet()) {
        if (isTlsSetting(key)) {
          warnings.add(
              "source option '"
                  + prefix
                  + key
                  + "' has no effect: TLS to MySQL and MariaDB is set with '"
                  + SourceOptions.DEBEZIUM_PREFIX
                  + MODE
                  + "' and the other '"
                  + SourceOptions.DEBEZIUM_PREFIX
                  + "database.ssl.*' options, the only ones the binlog connection takes, and cdc-sync applies"
                  + " them to every connection it opens (README: TLS and secrets)");
        }
      }
    }
    return warnings;
  }

  /**
   * Whether a JDBC setting is about TLS ({@code useSSL}, {@code sslMode}, {@code trustStore},
   * {@code tlsVersions}, {@code verifyServerCertificate}, ...): such settings are left out of every
   * connection, so that all of them, the binlog connection among them, are made with the same TLS
   * settings.
   */
  static boolean isTlsSetting(String jdbcKey) {
    String lower = jdbcKey.toLowerCase(Locale.ROOT);
    return lower.contains("ssl")
        || lower.contains("tls")
        || lower.contains("keystore")
        || lower.contains("truststore")
        || lower.endsWith("servercertificate");
  }
}
