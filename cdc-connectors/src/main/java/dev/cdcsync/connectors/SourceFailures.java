package dev.cdcsync.connectors;

import com.github.shyiko.mysql.binlog.network.IdentityVerificationException;
import com.github.shyiko.mysql.binlog.network.ServerException;
import dev.cdcsync.api.PermanentPipelineException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Names why reading a database failed, from the causes the drivers and Debezium bury in their
 * exceptions: access denied, authentication and a value the driver cannot read (permanent:
 * retrying cannot help); host not found, connection refused and connection lost (worth retrying:
 * a server or a name may come back).
 */
public final class SourceFailures {

  /** What went wrong, as the one-line summary says it. */
  public enum Cause {
    AUTHENTICATION_FAILED("authentication failed"),
    ACCESS_DENIED("access denied"),
    HOST_NOT_FOUND("host not found"),
    CONNECTION_REFUSED("connection refused"),
    CONNECTION_LOST("connection lost"),
    TLS_NOT_TRUSTED("the TLS handshake failed (a certificate was not accepted)"),
    VALUE_UNREADABLE("value cannot be read");

    private final String text;

    Cause(String text) {
      this.text = text;
    }

    public String text() {
      return text;
    }

    /** Whether retrying cannot help. */
    public boolean isPermanent() {
      return switch (this) {
        case AUTHENTICATION_FAILED, ACCESS_DENIED, TLS_NOT_TRUSTED, VALUE_UNREADABLE -> true;
        case HOST_NOT_FOUND, CONNECTION_REFUSED, CONNECTION_LOST -> false;
      };
    }
  }

  /** A cause and the message of the exception that shows it. */
  public record Diagnosis(Cause cause, String detail) {}

  // MySQL / MariaDB error codes: access denied (for user, to database, for a command, for a
  // privilege such as REPLICATION SLAVE) and a wrong password.
  private static final int ER_ACCESS_DENIED = 1045;
  private static final int ER_DBACCESS_DENIED = 1044;
  private static final int ER_TABLEACCESS_DENIED = 1142;
  private static final int ER_COLUMNACCESS_DENIED = 1143;
  private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

  private SourceFailures() {}

  /**
   * The innermost cause recognized along {@code failure}'s causes (the most specific: a driver's
   * "connection attempt failed" wraps the unknown host), or empty when none is.
   */
  public static Optional<Diagnosis> diagnose(Throwable failure) {
    Optional<Diagnosis> found = Optional.empty();
    int depth = 0;
    for (Throwable current = failure;
        current != null && depth < 50;
        current = current.getCause(), depth++) {
      Optional<Cause> cause = causeOf(current);
      if (cause.isPresent()) {
        found = Optional.of(new Diagnosis(cause.get(), detail(current)));
      }
    }
    return found;
  }

  /**
   * {@code failure} with its cause named after {@code action} (e.g. {@code Cannot read changes
   * from MariaDB at db:3306}): a {@link PermanentPipelineException} when retrying cannot help;
   * {@code failure} itself when no cause is recognized or it already is permanent.
   */
  public static Exception named(String action, Throwable failure) {
    if (failure instanceof PermanentPipelineException permanent) {
      return permanent;
    }
    Optional<Diagnosis> diagnosis = diagnose(failure);
    if (diagnosis.isEmpty()) {
      return failure instanceof Exception exception
          ? exception
          : new IllegalStateException(action, failure);
    }
    Cause cause = diagnosis.get().cause();
    String message = action + ": " + cause.text() + ": " + diagnosis.get().detail();
    return cause.isPermanent()
        ? new PermanentPipelineException(message, failure)
        : new IllegalStateException(message, failure);
  }

  /**
   * Whether a JDBC driver threw while Debezium's snapshot read a row's values (e.g. MariaDB's
   * driver on YEAR 0000): the exception is a bare IllegalArgumentException or the like, its stack
   * the only sign of where it came from.
   */
  private static boolean thrownReadingSnapshotValue(Throwable failure) {
    boolean inDriver = false;
    for (StackTraceElement frame : failure.getStackTrace()) {
      String type = frame.getClassName();
      if (type.startsWith("org.mariadb.jdbc.")
          || type.startsWith("com.mysql.cj.")
          || type.startsWith("org.postgresql.")) {
        inDriver = true;
      } else if (inDriver
          && type.equals("io.debezium.jdbc.JdbcConnection")
          && frame.getMethodName().equals("rowToArray")) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Cause> causeOf(Throwable failure) {
    if (failure instanceof RuntimeException && thrownReadingSnapshotValue(failure)) {
      return Optional.of(Cause.VALUE_UNREADABLE);
    }
    if (failure instanceof SSLHandshakeException
        || failure instanceof SSLPeerUnverifiedException
        || failure instanceof IdentityVerificationException
        || failure instanceof CertificateException
        || failure instanceof CertPathValidatorException) {
      return Optional.of(Cause.TLS_NOT_TRUSTED);
    }
    if (failure instanceof UnknownHostException) {
      return Optional.of(Cause.HOST_NOT_FOUND);
    }
    if (failure instanceof ConnectException || failure instanceof NoRouteToHostException) {
      return Optional.of(Cause.CONNECTION_REFUSED);
    }
    if (failure instanceof SocketException
        || failure instanceof SocketTimeoutException
        || failure instanceof EOFException) {
      return Optional.of(Cause.CONNECTION_LOST);
    }
    if (failure instanceof ServerException server) {
      return ofMySqlError(server.getErrorCode());
    }
    if (failure instanceof SQLException sql) {
      String state = sql.getSQLState() == null ? "" : sql.getSQLState();
      Optional<Cause> mysql = ofMySqlError(sql.getErrorCode());
      if (mysql.isPresent()) {
        return mysql;
      }
      if (state.equals("28P01") || state.equals("28000")) {
        return Optional.of(Cause.AUTHENTICATION_FAILED);
      }
      if (state.equals("42501")) {
        return Optional.of(Cause.ACCESS_DENIED);
      }
      if (state.startsWith("08") || state.equals("57P01")) {
        return Optional.of(Cause.CONNECTION_LOST);
      }
      if (state.startsWith("22")) {
        return Optional.of(Cause.VALUE_UNREADABLE);
      }
    }
    return Optional.empty();
  }

  private static Optional<Cause> ofMySqlError(int code) {
    return switch (code) {
      case ER_ACCESS_DENIED -> Optional.of(Cause.AUTHENTICATION_FAILED);
      case ER_DBACCESS_DENIED,
          ER_TABLEACCESS_DENIED,
          ER_COLUMNACCESS_DENIED,
          ER_SPECIFIC_ACCESS_DENIED ->
          Optional.of(Cause.ACCESS_DENIED);
      default -> Optional.empty();
    };
  }

  private static String detail(Throwable failure) {
    String message = failure.getMessage();
    String text =
        message == null || message.isBlank()
            ? failure.getClass().getSimpleName()
            : message.strip().replaceAll("\\s*\\R\\s*", " ");
    if (thrownReadingSnapshotValue(failure)) {
      StackTraceElement top = failure.getStackTrace()[0];
      StackTraceElement driver =
          Arrays.stream(failure.getStackTrace())
              .filter(frame -> !frame.getClassName().startsWith("java."))
              .findFirst()
              .orElse(top);
      return "the JDBC driver cannot read a value of the snapshot ("
          + text
          + " at "
          + driver.getClassName()
          + "."
          + driver.getMethodName()
          + "); leave the table out with 'tables.exclude' or its column with"
          + " debezium.column.exclude.list";
    }
    if (failure instanceof IdentityVerificationException) {
      // The binlog client checks the certificate's DNS names and common name only, against the
      // name the connection's address has: for an IP address, the name it resolves back to.
      return text
          + "; the binlog connection checks the server certificate's DNS names against the"
          + " host name, and a 'hostname' given as an IP address against the name it resolves back to";
    }
    return text;
  }
}
