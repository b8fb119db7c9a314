package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.connectors.load.LoadState;
import dev.cdcsync.connectors.load.LoadState.KeyType;
import io.debezium.relational.Column;
import io.debezium.relational.Table;
import io.debezium.relational.TableId;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Which column the initial load splits a table by. */
class PostgresInitialLoadKeyTest {

  private static Table table(String name, List<String> key, Column... columns) {
    return Table.editor()
        .tableId(new TableId("shop", "public", name))
        .setColumns(columns)
        .setPrimaryKeyNames(key)
        .create();
  }

  private static Column column(String name, String type, int jdbcType, boolean optional) {
    return Column.editor().name(name).type(type).jdbcType(jdbcType).optional(optional).create();
  }

  private static PostgresInitialLoad load(Map<String, String> keyColumns) {
    return new PostgresInitialLoad(
        "jdbc:postgresql://unused/shop",
        "shop",
        "test",
        Configuration.of(Map.of()),
        new Properties(),
        1,
        100,
        100,
        keyColumns,
        false,
        List.of());
  }

  @Test
  void splitsByTheFirstPrimaryKeyColumnWhenItIsAnIntegerANumericAUuidOrOfATemporalType() {
    Column id = column("id", "int8", Types.BIGINT, false);
    Column token = column("token", "uuid", Types.OTHER, false);
    Column code = column("code", "text", Types.VARCHAR, false);
    assertThat(
            load(Map.of())
                .key("public.a", table("a", List.of("id", "code"), id, code), column -> true))
        .isEqualTo(new LoadState.Key("id", KeyType.INTEGER));
    assertThat(
            load(Map.of())
                .key("public.b", table("b", List.of("token"), token, code), column -> true))
        .isEqualTo(new LoadState.Key("token", KeyType.UUID));
    assertThat(
            load(Map.of())
                .key("public.c", table("c", List.of("code", "id"), code, id), column -> false))
        .as("a text key under a collation Java cannot repeat: read whole")
        .isEqualTo(LoadState.Key.NONE);
    assertThat(
            load(Map.of())
                .key("public.c", table("c", List.of("code", "id"), code, id), column -> true))
        .as("a text key under the C collation")
        .isEqualTo(new LoadState.Key("code", KeyType.TEXT));
    Column price = column("price", "numeric", Types.NUMERIC, false);
    assertThat(
            load(Map.of())
                .key("public.f", table("f", List.of("price", "id"), price, id), column -> false))
        .isEqualTo(new LoadState.Key("price", KeyType.DECIMAL));
    Column day = column("day", "date", Types.DATE, false);
    assertThat(load(Map.of()).key("public.g", table("g", List.of("day", "id"), day, id), c -> true))
        .isEqualTo(new LoadState.Key("day", KeyType.DATE));
    Column at = column("at", "timestamp", Types.TIMESTAMP, false);
    assertThat(load(Map.of()).key("public.h", table("h", List.of("at"), at), c -> true))
        .isEqualTo(new LoadState.Key("at", KeyType.TIMESTAMP));
    Column zoned = column("zoned", "timestamptz", Types.TIMESTAMP_WITH_TIMEZONE, false);
    assertThat(load(Map.of()).key("public.i", table("i", List.of("zoned"), zoned), c -> true))
        .isEqualTo(new LoadState.Key("zoned", KeyType.TIMESTAMPTZ));
    Column digest = column("digest", "bytea", Types.BINARY, false);
    assertThat(load(Map.of()).key("public.j", table("j", List.of("digest"), digest), c -> true))
        .isEqualTo(new LoadState.Key("digest", KeyType.BYTES));
    Column fixed = column("fixed", "bpchar", Types.CHAR, false);
    assertThat(load(Map.of()).key("public.e", table("e", List.of("fixed"), fixed), column -> true))
        .as("char(n) compares ignoring trailing blanks: read whole")
        .isEqualTo(LoadState.Key.NONE);
    assertThat(load(Map.of()).key("public.d", table("d", List.of(), id), column -> true))
        .isEqualTo(LoadState.Key.NONE);
  }

  @Test
  void splitsByTheConfiguredColumnAndRefusesOneItCannotSplitBy() {
    Column code = column("code", "text", Types.VARCHAR, false);
    Column token = column("token", "uuid", Types.OTHER, false);
    Column maybe = column("maybe", "int4", Types.INTEGER, true);
    Table notes = table("notes", List.of("code"), code, token, maybe);
    assertThat(load(Map.of("public.notes", "token")).key("public.notes", notes, column -> false))
        .isEqualTo(new LoadState.Key("token", KeyType.UUID));
    for (String column : List.of("code", "maybe", "absent")) {
      assertThatThrownBy(
              () -> load(Map.of("public.notes", column)).key("public.notes", notes, c -> false))
          .isInstanceOf(PermanentPipelineException.class)
          .hasMessage(
              "Cannot split table public.notes by column '"
                  + column
                  + "' (option scan.incremental.snapshot.chunk.key-column): it needs a NOT NULL"
                  + " smallint, integer, bigint, numeric, uuid, date, timestamp, timestamptz or"
                  + " bytea column of the table, or a text or varchar one under the C collation");
    }
  }
}
