package dev.cdcsync.connectors.binlog;

import io.debezium.connector.binlog.charset.BinlogCharsetRegistry;
import io.debezium.connector.binlog.jdbc.BinlogConnectorConnection;
import io.debezium.connector.mariadb.MariaDbConnectorConfig;
import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.connector.mariadb.jdbc.MariaDbConnection;
import io.debezium.relational.Table;
import io.debezium.relational.Tables;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The definitions of a MariaDB server's tables as Debezium's snapshot reads them ({@code SHOW
 * CREATE TABLE}, parsed by its DDL parser), for the initial load (see {@link MariaDbInitialLoad}).
 */
final class MariaDbTableDefinitions {

  private MariaDbTableDefinitions() {}

  /**
   * The tables' definitions: the DDL Debezium's snapshot records (database name and statement),
   * and the captured tables parsed from it by name ({@code database.table}).
   */
  record Definitions(List<String[]> ddl, Map<String, Table> tables) {}

  /**
   * Reads the definitions of the tables whose schema Debezium keeps ({@code SHOW CREATE TABLE}),
   * as its snapshot reads them, and parses the captured ones with its DDL parser.
   */
  static Definitions read(MariaDbConnection connection, MariaDbConnectorConfig config)
      throws SQLException {
    List<String[]> ddl = new ArrayList<>();
    ddl.add(new String[] {"", connection.setStatementFor(connection.readCharsetSystemVariables())});
    Map<String, List<io.debezium.relational.TableId>> byDatabase = new TreeMap<>();
    for (io.debezium.relational.TableId id : connection.getAllTableIds()) {
      if (config.getTableFilters().eligibleForSchemaDataCollectionFilter().isIncluded(id)) {
        byDatabase.computeIfAbsent(id.catalog(), database -> new ArrayList<>()).add(id);
      }
    }
    Map<String, BinlogConnectorConnection.DatabaseLocales> locales =
        connection.readDatabaseCollations();
    for (Map.Entry<String, List<io.debezium.relational.TableId>> database : byDatabase.entrySet()) {
      String name = database.getKey();
      StringBuilder create =
          new StringBuilder("CREATE DATABASE " + connection.quoteIdentifier(name));
      if (locales.get(name) != null) {
        locales.get(name).appendToDdlStatement(name, create);
      }
      ddl.add(new String[] {name, create.toString()});
      ddl.add(new String[] {name, "USE " + connection.quoteIdentifier(name)});
      for (io.debezium.relational.TableId id : database.getValue()) {
        connection.query(
            "SHOW CREATE TABLE " + connection.quotedTableIdString(id),
            result -> {
              if (result.next()) {
                ddl.add(new String[] {name, result.getString(2)});
              }
            });
      }
    }
    Tables parsed = new Tables();
    MariaDbAntlrDdlParser parser =
        new MariaDbAntlrDdlParser(
            true,
            false,
            config.isSchemaChangesHistoryEnabled(),
            config.getTableFilters().dataCollectionFilter(),
            config.getServiceRegistry().getService(BinlogCharsetRegistry.class));
    for (String[] statement : ddl) {
      parser.setCurrentDatabase(statement[0]);
      parser.parse(statement[1], parsed);
    }
    Map<String, Table> tables = new TreeMap<>();
    for (io.debezium.relational.TableId id : parsed.tableIds()) {
      if (config.getTableFilters().dataCollectionFilter().isIncluded(id)) {
        tables.put(id.catalog() + "." + id.table(), parsed.forTable(id));
      }
    }
    return new Definitions(ddl, tables);
  }

  /** A digest of the columns of every table as they are now: names, types, order. */
  static String columnsDigest(MariaDbConnection connection) throws SQLException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    connection.query(
        "SELECT table_schema, table_name, column_name, column_type FROM information_schema.columns"
            + " ORDER BY table_schema, table_name, ordinal_position",
        result -> {
          while (result.next()) {
            String line =
                String.join(
                        "\t",
                        result.getString(1),
                        result.getString(2),
                        result.getString(3),
                        result.getString(4))
                    + "\n";
            digest.update(line.getBytes(StandardCharsets.UTF_8));
          }
        });
    return HexFormat.of().formatHex(digest.digest(), 0, 16);
  }
}
