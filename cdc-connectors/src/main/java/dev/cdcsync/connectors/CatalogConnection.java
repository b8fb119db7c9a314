package dev.cdcsync.connectors;

import dev.cdcsync.api.Configuration;
import java.sql.Connection;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection of a source's small catalog lookups made while it streams (column numbers,
 * defaults, comments): opened when first needed, opened again after a failure, none once closed.
 * Not thread-safe: its users synchronize.
 */
public final class CatalogConnection implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CatalogConnection.class);

  private final String url;
  private final Configuration options;
  private final String description;
  private Connection connection;
  private boolean closed;

  public CatalogConnection(String url, Configuration options, String description) {
    this.url = url;
    this.options = options;
    this.description = description;
  }

  /** The connection, opened if it is not; null once {@link #close() closed}. */
  public Connection get() throws SQLException {
    if (closed) {
      return null;
    }
    if (connection == null || connection.isClosed()) {
      connection = JdbcConnections.open(url, options, description);
    }
    return connection;
  }

  /** Lets go of the connection after a failure: the next {@link #get()} opens another. */
  public void reset() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        LOG.debug("Cannot close a catalog connection to {}: {}", description, e.getMessage());
      }
      connection = null;
    }
  }

  @Override
  public void close() {
    closed = true;
    reset();
  }
}
