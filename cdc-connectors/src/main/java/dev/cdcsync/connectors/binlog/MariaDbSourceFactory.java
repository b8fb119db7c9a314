package dev.cdcsync.connectors.binlog;

import java.util.List;

/** {@code type: mariadb}: MariaDB 10.6+ through the binlog. */
public final class MariaDbSourceFactory extends BinlogSourceFactory {

  @Override
  public String type() {
    return "mariadb";
  }

  @Override
  protected String connectorClass() {
    return "io.debezium.connector.mariadb.MariaDbConnector";
  }

  @Override
  protected String productName() {
    return "MariaDB";
  }

  @Override
  protected String jdbcUrlPrefix() {
    return "jdbc:mariadb://";
  }

  @Override
  protected List<String> tlsModes() {
    return List.of("disable", "trust", "verify-ca", "verify-full");
  }
}
