package dev.cdcsync.runtime.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import dev.cdcsync.runtime.definition.PipelineOptions;
import dev.cdcsync.runtime.definition.RuleDefinition;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableRouterTest {

  private final TableRouter router = new TableRouter();

  @Test
  void keepsSchemaAndTableOfAPostgresTable() {
    assertThat(router.route(TableId.of("shop", "public", "orders")))
        .containsExactly(new TableId(null, "public", "orders"));
  }

  @Test
  void keepsDatabaseAndTableOfAMysqlTable() {
    assertThat(router.route(TableId.of("shop", "orders")))
        .containsExactly(new TableId(null, "shop", "orders"));
  }

  @Test
  void mergesShardsRenamesWithTheReplaceSymbolAndKeepsUnmatchedTables() {
    TableRouter routes =
        routes(
            """
              - source-table: shop.order_\\.*
                sink-table: lake.orders
              - source-table: shop.customers, shop.addresses
                sink-table: ods.<>_v1
                replace-symbol: <>
            """);

    assertThat(routes.route(TableId.of("shop", "order_2024")))
        .containsExactly(TableId.of("lake", "orders"));
    assertThat(routes.route(TableId.of("shop", "order_2025")))
        .containsExactly(TableId.of("lake", "orders"));
    assertThat(routes.route(TableId.of("shop", "customers")))
        .containsExactly(TableId.of("ods", "customers_v1"));
    assertThat(routes.route(TableId.of("shop", "items")))
        .containsExactly(TableId.of("shop", "items"));
    assertThat(routes.merges(TableId.of("lake", "orders"))).isTrue();
    assertThat(routes.merges(TableId.of("ods", "customers_v1"))).isFalse();
    assertThat(routes.merges(TableId.of("shop", "items"))).isFalse();
  }

  @Test
  void sendsATableToEveryRuleThatMatchesIt() {
    TableRouter routes =
        routes(
            """
              - source-table: shop.orders
                sink-table: lake.orders
              - source-table: shop.orders
                sink-table: backup.orders
            """);

    assertThat(routes.route(TableId.of("shop", "orders")))
        .containsExactly(TableId.of("lake", "orders"), TableId.of("backup", "orders"));
    assertThat(routes.merges(TableId.of("lake", "orders"))).isFalse();
  }

  @Test
  void aSinkTableNamedByTwoRulesMergesThem() {
    TableRouter routes =
        routes(
            """
              - source-table: eu.orders
                sink-table: lake.orders
              - source-table: us.orders
                sink-table: lake.orders
            """);

    assertThat(routes.merges(TableId.of("lake", "orders"))).isTrue();
  }

  @Test
  void rejectsAPatternOfTheWrongShapeNamingTheRule() {
    assertThatThrownBy(() -> routes("  - source-table: orders\n    sink-table: lake.orders\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse route rule 1 (line 6) source-table: expected database.table (write \\. for a"
                + " regex dot) but got: orders");
  }

  @Test
  void rejectsASinkTableWithAnEmptyPart() {
    assertThatThrownBy(
            () -> routes("  - source-table: shop.orders\n    sink-table: lake..orders\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot use route rule 1 (line 6): sink-table has an empty part: lake..orders");
  }

  @Test
  void appliesOnlyTheFirstMatchingRuleInFirstMatchMode() {
    String rules =
        """
          - source-table: shop.orders
            sink-table: lake.orders
          - source-table: shop.\\.*
            sink-table: lake.other_<>
            replace-symbol: <>
        """;
    TableRouter firstMatch =
        TableRouter.of(definitions(rules), "database.table", PipelineOptions.RouteMode.FIRST_MATCH);

    assertThat(firstMatch.route(TableId.of("shop", "orders")))
        .containsExactly(TableId.of("lake", "orders"));
    assertThat(firstMatch.route(TableId.of("shop", "items")))
        .containsExactly(TableId.of("lake", "other_items"));
    assertThat(routes(rules).route(TableId.of("shop", "orders")))
        .containsExactly(TableId.of("lake", "orders"), TableId.of("lake", "other_orders"));
  }

  @Test
  void takesPostgresPatternsWithOrWithoutTheDatabase() {
    TableRouter routes =
        TableRouter.of(
            definitions(
                """
                  - source-table: public.orders
                    sink-table: lake.orders
                  - source-table: shop.sales.\\.*
                    sink-table: lake.sales
                """),
            "database.schema.table");

    assertThat(routes.route(TableId.of("shop", "public", "orders")))
        .containsExactly(TableId.of("lake", "orders"));
    assertThat(routes.route(TableId.of("shop", "sales", "leads")))
        .containsExactly(TableId.of("lake", "sales"));
    assertThat(routes.route(TableId.of("shop", "other", "orders")))
        .containsExactly(TableId.of("other", "orders"));
  }

  /** Flink CDC's "RegExp capturing and replacement": $n in sink-table is source-table's group n. */
  @Test
  void aSinkTableTakesTheSourceTablePatternsCapturingGroups() {
    TableRouter routes =
        routes(
            """
              - source-table: db_(\\.*).(\\.*)_tbl
                sink-table: sink_db_$1.sink_table_$2
              - source-table: shop.(order|invoice)_\\d+
                sink-table: lake.$1s
            """);

    assertThat(routes.route(TableId.of("db_foo", "bar_tbl")))
        .containsExactly(TableId.of("sink_db_foo", "sink_table_bar"));
    assertThat(routes.route(TableId.of("shop", "invoice_7")))
        .containsExactly(TableId.of("lake", "invoices"));
    assertThat(routes.route(TableId.of("shop", "refund_7")))
        .containsExactly(TableId.of("shop", "refund_7"));
    assertThat(routes.merges(TableId.of("sink_db_foo", "sink_table_bar"))).isFalse();
  }

  /** A PostgreSQL id has a database part that a schema.table pattern leaves out. */
  @Test
  void groupsAreTakenFromTheIdsLastPartsAsThePatternMatchesThem() {
    TableRouter routes =
        TableRouter.of(
            definitions(
                """
                  - source-table: public.order_(\\d+)
                    sink-table: lake.orders_$1
                """),
            "database.schema.table");

    assertThat(routes.route(TableId.of("shop", "public", "order_2024")))
        .containsExactly(TableId.of("lake", "orders_2024"));
  }

  /**
   * Shards whose names differ where no group captures may share a sink table: it is merged from
   * the first shard's first change on (a column one drops must not go from the others' rows).
   */
  @Test
  void aRuleWhoseGroupsMayNameOneTableForSeveralMergesFromTheStart() {
    TableRouter routes =
        routes(
            """
              - source-table: shop_\\d+.(\\.*)
                sink-table: lake.$1
              - source-table: db_(\\.*).(\\.*)_tbl
                sink-table: sink_db_$1.sink_table_$2
              - source-table: x_(\\.*).(\\.*)
                sink-table: lake.$1$2
            """);

    assertThat(routes.route(TableId.of("shop_1", "orders")))
        .containsExactly(TableId.of("lake", "orders"));
    assertThat(routes.merges(TableId.of("lake", "orders"))).isTrue();
    assertThat(routes.route(TableId.of("db_a", "b_tbl")))
        .containsExactly(TableId.of("sink_db_a", "sink_table_b"));
    assertThat(routes.merges(TableId.of("sink_db_a", "sink_table_b"))).isFalse();
    assertThat(routes.route(TableId.of("x_a", "bc"))).containsExactly(TableId.of("lake", "abc"));
    assertThat(routes.merges(TableId.of("lake", "abc"))).as("x_ab.c names it too").isTrue();
  }

  @Test
  void rejectsAReferenceToAGroupThePatternLacks() {
    assertThatThrownBy(
            () -> routes("  - source-table: shop.order_(\\d+)\n    sink-table: lake.o_$2\n"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("route rule")
        .hasMessageContaining("sink-table refers to group $2")
        .hasMessageContaining("it has 1 group)");
  }

  private static TableRouter routes(String rules) {
    return TableRouter.of(definitions(rules), "database.table");
  }

  private static List<RuleDefinition> definitions(String rules) {
    return new PipelineDefinitionParser(Map.<String, String>of()::get)
        .parse("source:\n  type: mysql\nsink:\n  type: iceberg\nroute:\n" + rules, "p.yaml")
        .routes();
  }
}
