package dev.cdcsync.connectors.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debezium's database.ssl.* options checked, and carried over to cdc-sync's own connections. */
class BinlogTlsTest {

  private static final BinlogTls MARIADB =
      new BinlogTls(List.of("disable", "trust", "verify-ca", "verify-full"));
  private static final BinlogTls MYSQL =
      new BinlogTls(List.of("preferred", "disabled", "required", "verify_ca", "verify_identity"));

  @TempDir Path directory;

  @Test
  void refusesAModeOfTheOtherProductNamingTheOptionAndTheValuesItTakes() {
    assertThatThrownBy(
            () -> MARIADB.validate(options("debezium.database.ssl.mode", "verify_identity")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot use source option 'debezium.database.ssl.mode': expected one of disable, trust, verify-ca,"
                + " verify-full but got 'verify_identity'");
    MYSQL.validate(options("debezium.database.ssl.mode", "VERIFY_IDENTITY"));
  }

  @Test
  void refusesAKeystoreThatDoesNotOpenWithItsPasswordWithoutPrintingThePassword() throws Exception {
    Path truststore = emptyStore("right-secret");
    MARIADB.validate(
        options(
            "debezium.database.ssl.truststore",
            truststore.toString(),
            "debezium.database.ssl.truststore.password",
            "right-secret"));
    assertThatThrownBy(
            () ->
                MARIADB.validate(
                    options(
                        "debezium.database.ssl.truststore",
                        truststore.toString(),
                        "debezium.database.ssl.truststore.password",
                        "wrong-secret")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "Cannot use source option 'debezium.database.ssl.truststore': cannot read the keystore "
                + truststore)
        .message()
        .doesNotContain("secret");
    assertThatThrownBy(
            () ->
                MARIADB.validate(
                    options(
                        "debezium.database.ssl.keystore",
                        directory.resolve("missing.p12").toString())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'debezium.database.ssl.keystore'");
    assertThatThrownBy(
            () -> MARIADB.validate(options("debezium.database.ssl.keystore.password", "x")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot use source option 'debezium.database.ssl.keystore.password' without"
                + " 'debezium.database.ssl.keystore'");
  }

  @Test
  void givesOwnConnectionsTheDriverSettingsDebeziumDerivesInPlaceOfTheUsersTlsSettings() {
    Map<String, String> own =
        MARIADB
            .forOwnConnections(
                options(
                    "debezium.database.ssl.mode", "Verify-Full",
                    "debezium.database.ssl.truststore", "/etc/cdc/trust.p12",
                    "debezium.database.ssl.truststore.password", "t",
                    "debezium.database.ssl.keystore", "/etc/cdc/client.p12",
                    "debezium.database.ssl.keystore.password", "k",
                    "jdbc.properties.sslMode", "disable",
                    "jdbc.properties.serverSslCert", "/etc/cdc/ca.crt",
                    "jdbc.properties.useCompression", "true"))
            .withPrefix("jdbc.properties.");
    assertThat(own)
        .containsEntry("sslMode", "verify-full")
        .containsEntry("trustCertificateKeyStoreUrl", "file:/etc/cdc/trust.p12")
        .containsEntry("trustCertificateKeyStorePassword", "t")
        .containsEntry("clientCertificateKeyStoreUrl", "file:/etc/cdc/client.p12")
        .containsEntry("clientCertificateKeyStorePassword", "k")
        .containsEntry("useCompression", "true")
        .hasSize(6);

    // Without options, the connector's default mode, as Debezium's own connection has it.
    assertThat(MYSQL.forOwnConnections(options()).withPrefix("jdbc.properties."))
        .isEqualTo(Map.of("sslMode", "preferred"));
    assertThat(
            MARIADB
                .forOwnConnections(options("debezium.database.ssl.truststore", "/t.p12"))
                .withPrefix("jdbc.properties."))
        .isEqualTo(Map.of("sslMode", "disable"));
  }

  @Test
  void warnsOfTlsSettingsAmongTheJdbcSettings() {
    assertThat(
            BinlogTls.warnings(
                options(
                    "jdbc.properties.enabledTLSProtocols", "TLSv1.3",
                    "debezium.driver.verifyServerCertificate", "false",
                    "jdbc.properties.useCompression", "true")))
        .hasSize(2)
        .allSatisfy(
            warning -> assertThat(warning).contains("has no effect: TLS to MySQL and MariaDB"));
    assertThat(
            BinlogTls.warnings(
                options(
                    "jdbc.properties.useSSL", "false", "jdbc.properties.useCompression", "true")))
        .singleElement()
        .asString()
        .startsWith(
            "source option 'jdbc.properties.useSSL' has no effect: TLS to MySQL and MariaDB is set with"
                + " 'debezium.database.ssl.mode'");
  }

  private Path emptyStore(String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    Path file = directory.resolve("store.p12");
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
    return file;
  }

  private static Configuration options(String... keysAndValues) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      values.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Configuration.of(values);
  }
}
