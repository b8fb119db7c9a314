package dev.cdcsync.connectors.binlog;

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
}
