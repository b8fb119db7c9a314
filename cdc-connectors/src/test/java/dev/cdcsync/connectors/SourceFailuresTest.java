package dev.cdcsync.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.shyiko.mysql.binlog.network.IdentityVerificationException;
import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.SourceFailures.Cause;
import dev.cdcsync.connectors.SourceFailures.Diagnosis;
import java.io.IOException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** The causes drivers and Debezium bury in their exceptions, found and named (no database needed). */
class SourceFailuresTest {

  private static final String PRODUCER_FAILURE =
      "An exception occurred in the change event producer. This connector will be stopped.";

  @Test
  void namesAMissingBinlogRightBuriedInDebeziumsProducerFailureAsPermanent() {
    ServerException refused =
        new ServerException(
            "Access denied; you need (at least one of) the REPLICATION SLAVE privilege(s) for this operation",
            1227,
            "42000");
    Exception failure =
        new RuntimeException(
            new ConnectException(PRODUCER_FAILURE, new IllegalStateException("wrapped", refused)));

    assertThat(SourceFailures.named("Cannot read changes from MariaDB at db:3306", failure))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot read changes from MariaDB at db:3306: access denied: Access denied; you need (at least one of)"
                + " the REPLICATION SLAVE privilege(s) for this operation")
        .hasCause(failure);
  }

  @Test
  void prefersTheInnermostCauseOverAConnectionFailureAroundIt() {
    SQLException attempt =
        new SQLException(
            "The connection attempt failed.",
            "08001",
            new UnknownHostException("db.example.invalid"));
    assertThat(SourceFailures.diagnose(attempt))
        .contains(new Diagnosis(Cause.HOST_NOT_FOUND, "db.example.invalid"));

    SQLException refused =
        new SQLException(
            "Connection to 127.0.0.1:1 refused.",
            "08001",
            new java.net.ConnectException("Connection refused"));
    assertThat(SourceFailures.diagnose(refused))
        .contains(new Diagnosis(Cause.CONNECTION_REFUSED, "Connection refused"));
  }

  @Test
  void treatsAConnectionLostAsRetriable() {
    Exception failure =
        new RuntimeException(
            new SQLException(
                "An I/O error occurred while sending to the backend.",
                "08006",
                new IOException("Connection reset")));
    Exception named =
        SourceFailures.named("Cannot read changes from PostgreSQL at db:5432/shop", failure);
    assertThat(named)
        .isNotInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot read changes from PostgreSQL at db:5432/shop: connection lost: An I/O error occurred while sending to the backend.");
  }

  @Test
  void namesACertificateThatIsNotTrustedAsPermanent() {
    Exception failure =
        new RuntimeException(
            new SQLException(
                "SSL error: PKIX path building failed",
                "08006",
                new javax.net.ssl.SSLHandshakeException(
                    "PKIX path building failed: unable to find valid certification path")));
    assertThat(SourceFailures.named("Cannot connect to PostgreSQL at db:5432/shop", failure))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot connect to PostgreSQL at db:5432/shop: the TLS handshake failed (a certificate was not accepted):"
                + " PKIX path building failed: unable to find valid certification path");
  }

  @Test
  void namesACertificateThatDoesNotNameTheBinlogHostAsPermanent() {
    Exception failure =
        new RuntimeException(
            new ConnectException(
                PRODUCER_FAILURE,
                new IllegalStateException(
                    "Unable to connect",
                    new IdentityVerificationException(
                        "\"localhost\" identity was not confirmed"))));
    assertThat(SourceFailures.named("Cannot read changes from MariaDB at 127.0.0.1:3306", failure))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageStartingWith(
            "Cannot read changes from MariaDB at 127.0.0.1:3306: the TLS handshake failed (a certificate was not"
                + " accepted): \"localhost\" identity was not confirmed; the binlog connection checks");
  }

  @Test
  void namesPostgresRefusalsAndUnreadableValuesAsPermanent() {
    assertThat(
            SourceFailures.named(
                "Cannot read",
                new SQLException("ERROR: permission denied for table orders", "42501")))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage("Cannot read: access denied: ERROR: permission denied for table orders");
    assertThat(
            SourceFailures.named(
                "Cannot read",
                new SQLException("Bad format for DATE '0000-00-00'\n in column 2", "22007")))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot read: value cannot be read: Bad format for DATE '0000-00-00' in column 2");
  }

  @Test
  void namesAValueTheDriverCannotReadInTheSnapshotAsPermanent() {
    // As MariaDB's driver fails on YEAR 0000, under Debezium's snapshot: no message, only the
    // stack.
    IllegalArgumentException driver = new IllegalArgumentException();
    driver.setStackTrace(
        new StackTraceElement[] {
          new StackTraceElement("java.sql.Date", "valueOf", "Date.java", 141),
          new StackTraceElement(
              "org.mariadb.jdbc.client.column.YearColumn", "getDefaultText", "YearColumn.java", 83),
          new StackTraceElement(
              "org.mariadb.jdbc.client.result.Result", "getObject", "Result.java", 802),
          new StackTraceElement(
              "io.debezium.jdbc.JdbcConnection", "rowToArray", "JdbcConnection.java", 1776),
        });
    Exception failure =
        new ConnectException(
            PRODUCER_FAILURE,
            new RuntimeException(new java.util.concurrent.ExecutionException(driver)));

    assertThat(SourceFailures.named("Cannot read changes from MariaDB at db:3306", failure))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot read changes from MariaDB at db:3306: value cannot be read: the JDBC driver cannot read a value of"
                + " the snapshot (IllegalArgumentException at org.mariadb.jdbc.client.column.YearColumn.getDefaultText);"
                + " leave the table out with 'tables.exclude' or its column with debezium.column.exclude.list");
  }

  @Test
  void leavesAnUnknownFailureAsItIs() {
    IllegalStateException unknown = new IllegalStateException("something else");
    assertThat(SourceFailures.diagnose(unknown)).isEmpty();
    assertThat(SourceFailures.named("Cannot read", unknown)).isSameAs(unknown);
  }
}
