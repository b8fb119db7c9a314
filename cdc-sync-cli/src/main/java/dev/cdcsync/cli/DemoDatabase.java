package dev.cdcsync.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The demo's PostgreSQL: an embedded server (binaries from Maven, no install) listening on
 * 127.0.0.1, with a small shop schema and a stream of changes.
 */
final class DemoDatabase implements AutoCloseable {

  static final String DATABASE = "shop";
  static final String USER = "cdc";
  static final String PASSWORD = "demo";
  static final String[] TABLES = {"customers", "products", "orders"};

  private final EmbeddedPostgres server;

  private DemoDatabase(EmbeddedPostgres server) {
    this.server = server;
  }

  static DemoDatabase start(Path dataDirectory) throws IOException, SQLException {
    EmbeddedPostgres server =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(true)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("wal_level", "logical")
            .setServerConfig("max_replication_slots", "4")
            .setServerConfig("max_wal_senders", "4")
            .start();
    DemoDatabase database = new DemoDatabase(server);
    database.createSchema();
    return database;
  }

  int port() {
    return server.getPort();
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE, USER, PASSWORD);
  }

  private void createSchema() throws SQLException {
    try (Connection admin =
            DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + port() + "/postgres", "postgres", "");
        Statement statement = admin.createStatement()) {
      statement.execute(
          "CREATE ROLE " + USER + " WITH LOGIN REPLICATION PASSWORD '" + PASSWORD + "'");
      statement.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER);
    }
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email varchar(200),"
              + " country char(2), vip boolean, created_at timestamptz)");
      statement.execute(
          "CREATE TABLE products (id int PRIMARY KEY, sku uuid, title text, price numeric(10,2),"
              + " weight_kg double precision, attributes jsonb)");
      statement.execute(
          "CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id bigint, product_id int,"
              + " quantity smallint, status varchar(20), ordered_on date, ordered_at timestamp, note text)");
      statement.execute(
          "INSERT INTO customers SELECT i, 'Customer ' || i, 'customer' || i || '@example.com',"
              + " (ARRAY['DE','FR','US','JP','BR'])[1 + i % 5], i % 10 = 0,"
              + " now() - (i || ' hours')::interval FROM generate_series(1, 1000) i");
      statement.execute(
          "INSERT INTO products SELECT i, md5(i::text)::uuid, 'Product ' || i, (i % 97) + 0.99,"
              + " i / 10.0, jsonb_build_object('color', (ARRAY['red','green','blue'])[1 + i % 3])"
              + " FROM generate_series(1, 200) i");
      statement.execute(
          "INSERT INTO orders (customer_id, product_id, quantity, status, ordered_on, ordered_at, note)"
              + " SELECT 1 + i % 1000, 1 + i % 200, 1 + i % 5, 'shipped', current_date - i % 365,"
              + " localtimestamp - (i || ' minutes')::interval, CASE WHEN i % 7 = 0 THEN 'gift 🎁' END"
              + " FROM generate_series(1, 10000) i");
    }
  }

  /** One transaction of changes: new orders, status updates, a cancellation, a customer edit. */
  void applyChanges(Connection connection) throws SQLException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      for (int i = 0; i < 5; i++) {
        statement.addBatch(
            "INSERT INTO orders (customer_id, product_id, quantity, status, ordered_on, ordered_at)"
                + " VALUES ("
                + random.nextInt(1, 1001)
                + ", "
                + random.nextInt(1, 201)
                + ", "
                + random.nextInt(1, 6)
                + ", 'new', current_date, localtimestamp)");
      }
      statement.addBatch(
          "UPDATE orders SET status = 'shipped' WHERE id IN"
              + " (SELECT id FROM orders WHERE status = 'new' ORDER BY id LIMIT 3)");
      statement.addBatch(
          "DELETE FROM orders WHERE id = (SELECT id FROM orders WHERE status = 'new' ORDER BY id DESC LIMIT 1)"
              + " AND "
              + random.nextInt(4)
              + " = 0");
      statement.addBatch(
          "UPDATE customers SET vip = NOT vip WHERE id = " + random.nextInt(1, 1001));
      statement.addBatch(
          "UPDATE products SET price = price + 1 WHERE id = " + random.nextInt(1, 201));
      statement.executeBatch();
      connection.commit();
    } catch (SQLException e) {
      connection.rollback();
      throw e;
    }
  }

  /** Row count of each demo table. */
  Map<String, Long> rowCounts() throws SQLException {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      for (String table : TABLES) {
        try (ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
          result.next();
          counts.put(table, result.getLong(1));
        }
      }
    }
    return counts;
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
