package dev.cdcsync.connectors.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.binlog.TableRenames.Rename;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The statements as gh-ost and pt-online-schema-change write them to the binlog. */
class OnlineSchemaChangesTest {

  @Test
  void aCopyRenamedToItsTableIsACutOver() {
    assertThat(
            TableRenames.parse(
                "shop", "rename /* gh-ost */ table `shop`.`_orders_gho` to `shop`.`orders`"))
        .singleElement()
        .matches(OnlineSchemaChanges::isCutOver);
    assertThat(TableRenames.parse("shop", "RENAME TABLE `shop`.`_orders_new` TO `shop`.`orders`"))
        .singleElement()
        .matches(OnlineSchemaChanges::isCutOver);
    assertThat(OnlineSchemaChanges.isCutOver(rename("orders", "_orders_del"))).isFalse();
    assertThat(OnlineSchemaChanges.isCutOver(rename("_orders_gho", "invoices"))).isFalse();
    assertThat(OnlineSchemaChanges.isCutOver(rename("staging", "orders"))).isFalse();
    assertThat(OnlineSchemaChanges.copied(TableId.of("shop", "_order_lines_gho")))
        .contains(TableId.of("shop", "order_lines"));
    assertThat(OnlineSchemaChanges.copied(TableId.of("shop", "_orders_ghc"))).isEmpty();
  }

  @Test
  void theToolsTablesMatchTheirPatternAndNoOther() {
    Pattern tools = Pattern.compile(OnlineSchemaChanges.TOOL_TABLES);
    for (String name :
        new String[] {
          "shop._orders_gho",
          "shop._orders_ghc",
          "shop._orders_del",
          "shop._orders_new",
          "shop._orders_old",
          "shop._order_lines_gho"
        }) {
      assertThat(tools.matcher(name).matches()).as(name).isTrue();
    }
    for (String name :
        new String[] {
          "shop.orders", "shop.orders_new", "shop._orders", "shop._new", "x.y._a_new"
        }) {
      assertThat(tools.matcher(name).matches()).as(name).isFalse();
    }
  }

  @Test
  void columnRenamesOfACommentedAlterAreFound() {
    assertThat(
            ColumnRenames.parse(
                "shop",
                "alter /* gh-ost */ table `shop`.`_orders_gho` change column note remark"
                    + " varchar(40), add column weight int not null default 7"))
        .contains(
            new ColumnRenames.Renames(TableId.of("shop", "_orders_gho"), Map.of("remark", "note")));
  }

  @Test
  void commentsAreRemovedButExecutableCommentsAndQuotedTextKept() {
    assertThat(DdlComments.strip("rename /* gh-ost */ table a to b"))
        .isEqualTo("rename   table a to b");
    assertThat(DdlComments.strip("ALTER TABLE t /*!50100 RENAME COLUMN a TO b */"))
        .isEqualTo("ALTER TABLE t   RENAME COLUMN a TO b  ");
    assertThat(DdlComments.strip("ALTER TABLE `a/*b` COMMENT 'x -- /* y */' -- end\n, ADD c INT"))
        .isEqualTo("ALTER TABLE `a/*b` COMMENT 'x -- /* y */'  \n, ADD c INT");
    assertThat(DdlComments.strip("ALTER TABLE t COMMENT 'it''s # here' # tail"))
        .isEqualTo("ALTER TABLE t COMMENT 'it''s # here'  ");
    assertThat(DdlComments.strip("SELECT 1--1")).isEqualTo("SELECT 1--1");
  }

  private static Rename rename(String from, String to) {
    return new Rename(TableId.of("shop", from), TableId.of("shop", to));
  }
}
