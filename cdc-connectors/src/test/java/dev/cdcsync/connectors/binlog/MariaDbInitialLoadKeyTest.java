package dev.cdcsync.connectors.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.load.LoadState;
import dev.cdcsync.connectors.load.LoadState.KeyType;
import io.debezium.connector.mariadb.antlr.MariaDbAntlrDdlParser;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import io.debezium.relational.Tables;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Which column the MariaDB initial load splits a table by, from the table as Debezium parses it. */
class MariaDbInitialLoadKeyTest {

  private static Table parse(String ddl) {
    Tables tables = new Tables();
    MariaDbAntlrDdlParser parser = new MariaDbAntlrDdlParser();
    parser.setCurrentDatabase("shop");
    parser.parse(ddl, tables);
    return tables.forTable(new TableId("shop", null, "t"));
  }

  private static MariaDbInitialLoad load(Map<String, String> keyColumns) {
    return new MariaDbInitialLoad(
        "test",
        new Properties(),
        null,
        1,
        100,
        100,
        keyColumns,
        SourceOptions.StartupMode.INITIAL,
        null,
        List.of());
  }

  private static LoadState.Key key(String ddl) {
    return load(Map.of()).key("shop.t", parse(ddl));
  }

  @Test
  void splitsByAnIntegerDecimalOrBinaryFirstPrimaryKeyColumn() {
    assertThat(key("CREATE TABLE t (id BIGINT PRIMARY KEY, v TEXT)"))
        .isEqualTo(new LoadState.Key("id", KeyType.INTEGER));
    assertThat(key("CREATE TABLE t (id INT UNSIGNED NOT NULL, PRIMARY KEY (id))"))
        .isEqualTo(new LoadState.Key("id", KeyType.INTEGER));
    assertThat(key("CREATE TABLE t (a MEDIUMINT, b INT, PRIMARY KEY (a, b))"))
        .isEqualTo(new LoadState.Key("a", KeyType.INTEGER));
    assertThat(key("CREATE TABLE t (id BIGINT UNSIGNED PRIMARY KEY)"))
        .as("beyond a long: ordered as a decimal")
        .isEqualTo(new LoadState.Key("id", KeyType.DECIMAL));
    assertThat(key("CREATE TABLE t (price DECIMAL(10, 2), id INT, PRIMARY KEY (price, id))"))
        .isEqualTo(new LoadState.Key("price", KeyType.DECIMAL));
    assertThat(key("CREATE TABLE t (id BINARY(16) PRIMARY KEY)"))
        .isEqualTo(new LoadState.Key("id", KeyType.BYTES));
    assertThat(key("CREATE TABLE t (id VARBINARY(32), n INT, PRIMARY KEY (id, n))"))
        .isEqualTo(new LoadState.Key("id", KeyType.BYTES));
  }

  @Test
  void readsWholeATableWithoutSuchAKey() {
    assertThat(key("CREATE TABLE t (code VARCHAR(10) PRIMARY KEY)"))
        .as("text orders by its collation")
        .isEqualTo(LoadState.Key.NONE);
    assertThat(key("CREATE TABLE t (flag TINYINT(1) PRIMARY KEY)"))
        .as("may arrive as a boolean")
        .isEqualTo(LoadState.Key.NONE);
    assertThat(key("CREATE TABLE t (x DOUBLE PRIMARY KEY)")).isEqualTo(LoadState.Key.NONE);
    assertThat(key("CREATE TABLE t (id INT, v TEXT)")).isEqualTo(LoadState.Key.NONE);
  }

  @Test
  void splitsByTheConfiguredColumnAndRefusesOneItCannotSplitBy() {
    Table table = parse("CREATE TABLE t (code VARCHAR(10) PRIMARY KEY, n INT NOT NULL, m INT)");
    assertThat(load(Map.of("shop.t", "n")).key("shop.t", table))
        .isEqualTo(new LoadState.Key("n", KeyType.INTEGER));
    for (String column : List.of("code", "m", "absent")) {
      assertThatThrownBy(() -> load(Map.of("shop.t", column)).key("shop.t", table))
          .isInstanceOf(PermanentPipelineException.class)
          .hasMessage(
              "Cannot split table shop.t by column '"
                  + column
                  + "' (option scan.incremental.snapshot.chunk.key-column): it needs a NOT NULL"
                  + " SMALLINT, MEDIUMINT, INT, BIGINT, DECIMAL, BINARY or VARBINARY column of"
                  + " the table");
    }
  }
}
