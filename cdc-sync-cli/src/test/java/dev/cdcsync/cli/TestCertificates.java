package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made with openssl in one directory: a CA ({@code ca.crt}), a server
 * certificate for 127.0.0.1 and localhost ({@code server.crt}, {@code server.key}) and a client certificate
 * ({@code client.crt}, {@code client.pem}) for a user name, all PEM.
 */
final class TestCertificates {

  private final Path directory;

  private TestCertificates(Path directory) {
    this.directory = directory;
  }

  static TestCertificates create(Path directory, String clientName) throws Exception {
    TestCertificates certificates = new TestCertificates(directory);
    certificates.authority("ca", "cdc-sync test CA");
    certificates.openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr");
    // localhost too: MySQL's binlog client checks the name 127.0.0.1 resolves back to.
    Files.writeString(
        directory.resolve("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    certificates.openssl(
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "server.ext",
        "-out",
        "server.crt");
    certificates.openssl(
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=" + clientName,
        "-keyout",
        "client.pem",
        "-out",
        "client.csr");
    // A version 3 certificate: MariaDB built with WolfSSL drops a client that shows version 1.
    Files.writeString(
        directory.resolve("client.ext"),
        "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");
    certificates.openssl(
        "x509",
        "-req",
        "-in",
        "client.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "client.ext",
        "-out",
        "client.crt");
    for (String key : List.of("server.key", "client.pem")) {
      Files.setPosixFilePermissions(
          directory.resolve(key), PosixFilePermissions.fromString("rw-------"));
    }
    return certificates;
  }

  /** A CA of its own, {@code name.crt} with {@code name.key}, that signed nothing here. */
  Path authority(String name, String commonName) throws Exception {
    openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=" + commonName,
        "-keyout",
        name + ".key",
        "-out",
        name + ".crt");
    return file(name + ".crt");
  }

  Path file(String name) {
    return directory.resolve(name);
  }

  /** A PKCS12 truststore holding the certificate {@code name.crt}, as {@code keytool -importcert} makes it. */
  Path truststore(String name, String password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (var in = Files.newInputStream(file(name + ".crt"))) {
      store.setCertificateEntry(
          name, CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    Path truststore = file(name + "-truststore.p12");
    try (OutputStream out = Files.newOutputStream(truststore)) {
      store.store(out, password.toCharArray());
    }
    return truststore;
  }

  /** The client certificate and key as a PKCS12 keystore, as {@code openssl pkcs12 -export} makes it. */
  Path clientKeystore(String password) throws Exception {
    openssl(
        "pkcs12",
        "-export",
        "-in",
        "client.crt",
        "-inkey",
        "client.pem",
        "-name",
        "client",
        "-passout",
        "pass:" + password,
        "-out",
        "client.p12");
    return file("client.p12");
  }

  void openssl(String... arguments) throws Exception {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(arguments));
    Process process =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue())
        .as("openssl %s: %s", String.join(" ", arguments), output)
        .isZero();
  }
}
