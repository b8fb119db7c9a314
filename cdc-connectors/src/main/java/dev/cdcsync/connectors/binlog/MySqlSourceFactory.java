package dev.cdcsync.connectors.binlog;

import java.util.List;

/** {@code type: mysql}: MySQL 8.0+ through the binlog. */
public final class MySqlSourceFactory extends BinlogSourceFactory {

  @Override
  public String type() {
    return "mysql";
  }

  @Override
  protected String connectorClass() {
    return "io.debezium.connector.mysql.MySqlConnector";
  }

  @Override
  protected String productName() {
    return "MySQL";
  }

  @Override
  protected String jdbcUrlPrefix() {
    return "jdbc:mysql://";
  }

  @Override
  protected List<String> tlsModes() {
    return List.of("preferred", "disabled", "required", "verify_ca", "verify_identity");
  }
}
