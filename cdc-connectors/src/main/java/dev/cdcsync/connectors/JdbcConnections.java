package dev.cdcsync.connectors;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import dev.cdcsync.connectors.SourceFailures.Cause;
import dev.cdcsync.connectors.SourceFailures.Diagnosis;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** Opens JDBC connections for checks, turning driver errors into messages that say what to fix. */
public final class JdbcConnections {

  private JdbcConnections() {}

  /** A connection as the source's {@code username}, with its password and JDBC properties. */
  public static Connection open(String url, Configuration options, String description) {
    return open(
        url,
        options.get(SourceOptions.USERNAME),
        options.get(SourceOptions.PASSWORD),
        options.withPrefix(SourceOptions.JDBC_PREFIX),
        description);
  }

  /**
   * @param description names the server for messages, e.g. {@code PostgreSQL at 127.0.0.1:5432}
   */
  public static Connection open(
      String url, String user, String password, Map<String, String> driverProperties, String description) {
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
        throw new PermanentPipelineException(action + ": authentication failed; check 'username' and 'password'", e);
      }
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (diagnosis.isEmpty()) {
        throw new IllegalStateException(action + ": " + reason, e);
      }
      String said = diagnosis.get().cause().text() + ": " + diagnosis.get().detail();
      String message = action + ": " + said + (reason.contains(diagnosis.get().detail()) ? "" : " (" + reason + ")");
      throw diagnosis.get().cause().isPermanent()
          ? new PermanentPipelineException(message, e)
          : new IllegalStateException(message, e);
    }
  }
}
