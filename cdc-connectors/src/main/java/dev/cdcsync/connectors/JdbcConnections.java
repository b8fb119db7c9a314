package dev.cdcsync.connectors;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.SourceFailures.Cause;
import dev.cdcsync.connectors.SourceFailures.Diagnosis;
import dev.cdcsync.util.Retry;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Opens JDBC connections for checks, turning driver errors into messages that say what to fix. */
public final class JdbcConnections {

  private JdbcConnections() {}

  /** How long between tries of a connection ({@code connect.max-retries}). */
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  /**
   * A connection as the source's {@code username}, with its password and JDBC properties, within
   * {@code connect.timeout}, tried again {@code connect.max-retries} times unless the credentials
   * are refused.
   */
  public static Connection open(String url, Configuration options, String description) {
    Map<String, String> driverProperties =
        new LinkedHashMap<>(options.withPrefix(SourceOptions.JDBC_PREFIX));
    options
        .optional(SourceOptions.CONNECT_TIMEOUT)
        .ifPresent(
            timeout ->
                driverProperties.putIfAbsent(
                    "connectTimeout",
                    Long.toString(
                        url.startsWith("jdbc:postgresql:")
                            ? postgresSeconds(timeout)
                            : timeout.toMillis())));
    // Refused credentials and other permanent failures are PermanentPipelineException: not retried.
    return Retry.attempts(Math.max(0, options.get(SourceOptions.CONNECT_MAX_RETRIES)) + 1)
        .pausing(RETRY_PAUSE, RETRY_PAUSE)
        .onlyIf(failure -> failure instanceof IllegalStateException)
        .run(
            () ->
                open(
                    url,
                    options.get(SourceOptions.USERNAME),
                    options.get(SourceOptions.PASSWORD),
                    driverProperties,
                    description));
  }

  /** PostgreSQL's driver takes its connect timeout in whole seconds. */
  public static long postgresSeconds(Duration timeout) {
    return Math.max(1, (timeout.toMillis() + 999) / 1000);
  }

  /**
   * @param description names the server for messages, e.g. {@code PostgreSQL at 127.0.0.1:5432}
   */
  public static Connection open(
      String url,
      String user,
      String password,
      Map<String, String> driverProperties,
      String description) {
    Properties properties = new Properties();
    properties.putAll(driverProperties);
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    try {
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      String action = "Cannot connect to " + description + " as user '" + user + "'";
      Optional<Diagnosis> diagnosis = SourceFailures.diagnose(e);
      if (diagnosis.isPresent() && diagnosis.get().cause() == Cause.AUTHENTICATION_FAILED) {
        throw new PermanentPipelineException(
            action + ": authentication failed; check 'username' and 'password'", e);
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (diagnosis.isEmpty()) {
        throw new IllegalStateException(action + ": " + reason, e);
      }
      String said = diagnosis.get().cause().text() + ": " + diagnosis.get().detail();
      String message =
          action
              + ": "
              + said
              + (reason.contains(diagnosis.get().detail()) ? "" : " (" + reason + ")");
      throw diagnosis.get().cause().isPermanent()
          ? new PermanentPipelineException(message, e)
          : new IllegalStateException(message, e);
    }
  }
}
