package dev.cdcsync.cli;

import dev.cdcsync.testing.TestDatabaseServer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A real Iceberg REST catalog server for tests: Iceberg's own {@link RESTCatalogServlet} (the
 * servlet behind Iceberg's REST catalog fixture) on Jetty, on 127.0.0.1 and a free port, in front
 * of a backend catalog the test chooses. Clients talk to it over HTTP like to any REST catalog.
 */
public final class IcebergRestServer implements AutoCloseable {

  private final Server server;
  private final Catalog backend;
  private final List<String> requests;

  private IcebergRestServer(Server server, Catalog backend, List<String> requests) {
    this.server = server;
    this.backend = backend;
    this.requests = requests;
  }

  /** Starts serving {@code backend}; the server closes it when it stops. */
  public static IcebergRestServer start(Catalog backend) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    List<String> requests = new CopyOnWriteArrayList<>();
    context.addFilter(
        new FilterHolder(
            (Filter)
                (request, response, chain) -> {
                  HttpServletRequest http = (HttpServletRequest) request;
                  requests.add(http.getMethod() + " " + http.getRequestURI());
                  chain.doFilter(request, response);
                }),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(
        new ServletHolder(new RESTCatalogServlet(new RESTCatalogAdapter(backend))), "/*");
    server.setHandler(context);
    server.start();
    return new IcebergRestServer(server, backend, requests);
  }

  /**
   * Starts serving a fresh JDBC catalog kept in {@code database} (created anew) of {@code server},
   * with table files under {@code warehouse}: Iceberg's REST fixture's default backend, on PostgreSQL.
   */
  public static IcebergRestServer startWithJdbcBackend(
      TestDatabaseServer server, String database, Path warehouse) throws Exception {
    server.createDatabase(database);
    JdbcCatalog backend = new JdbcCatalog();
    backend.setConf(new org.apache.hadoop.conf.Configuration());
    backend.initialize(
        "rest_backend",
        Map.of(
            CatalogProperties.URI,
            "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database,
            "jdbc.user",
            server.username(),
            "jdbc.password",
            server.password(),
            "jdbc.schema-version",
            "V1",
            CatalogProperties.WAREHOUSE_LOCATION,
            warehouse.toUri().toString()));
    return start(backend);
  }

  /**
   * How many requests the server has had so far whose method and path ({@code "POST
   * /v1/transactions/commit"}) match {@code pattern}.
   */
  public long requests(String pattern) {
    return requests.stream().filter(request -> request.matches(pattern)).count();
  }

  /** The catalog's base URI, e.g. {@code http://127.0.0.1:43121}. */
  public String uri() {
    return "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** A REST catalog client as another engine would open one, named as the sink names its catalog. */
  public RESTCatalog client() {
    RESTCatalog client = new RESTCatalog();
    client.setConf(new org.apache.hadoop.conf.Configuration());
    client.initialize("cdc_sync", Map.of(CatalogProperties.URI, uri()));
    return client;
  }

  @Override
  public void close() throws Exception {
    server.stop();
    if (backend instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
