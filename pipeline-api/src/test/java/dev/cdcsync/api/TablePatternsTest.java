package dev.cdcsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.TablePatterns.TablePattern;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TablePatternsTest {

  @Test
  void splitsOnUnescapedDotsAndTurnsEscapedDotsIntoRegexDots() {
    assertThat(
            TablePatterns.parse(
                "source option 'tables'",
                "shop.public.\\.*, shop.sales.order_[0-9]+",
                3,
                "db.schema.table"))
        .containsExactly(
            new TablePattern(List.of("shop", "public", ".*")),
            new TablePattern(List.of("shop", "sales", "order_[0-9]+")));
  }

  @Test
  void splitsOnEveryUnescapedCommaAsFlinkCdcDoes() {
    assertThatThrownBy(
            () ->
                TablePatterns.parse(
                    "source option 'tables'", "app.t_[0-9]{1,3},app.other", 2, "db.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse source option 'tables': invalid regular expression 't_[0-9]{1': Unclosed counted"
                + " closure (a comma separates patterns, as in Flink CDC: a {n,m} quantifier cannot be written)");
  }

  @Test
  void readsAnEscapedCommaAsAlternativesOfOnePart() {
    List<TablePattern> patterns =
        TablePatterns.parse("source option 'tables'", "app.orders\\,customers", 2, "db.table");

    assertThat(patterns)
        .containsExactly(new TablePattern(List.of("app", "(?:orders)|(?:customers)")));
    assertThat(patterns.get(0).matches(TableId.of("app", "customers"))).isTrue();
    assertThat(patterns.get(0).matches(TableId.of("app", "orders"))).isTrue();
    assertThat(patterns.get(0).matches(TableId.of("app", "orders_2"))).isFalse();
  }

  @Test
  void matchesEachPartInFullAndCaseInsensitively() {
    TablePattern pattern =
        TablePatterns.parse("route rule 1 source-table", "Shop.order_\\.*", 2, "db.table").get(0);

    assertThat(pattern.matches(TableId.of("shop", "ORDER_1"))).isTrue();
    assertThat(pattern.matches(TableId.of("SHOP", "order_"))).isTrue();
    assertThat(pattern.matches(TableId.of("shop2", "order_1"))).isFalse();
    assertThat(pattern.matches(TableId.of("shop", "my_order_1"))).isFalse();
  }

  @Test
  void trimsPartsAndSkipsEmptyItemsAndParts() {
    assertThat(
            TablePatterns.parse(
                "source option 'tables'", " shop . orders ,, shop..items,", 2, "db.table"))
        .containsExactly(
            new TablePattern(List.of("shop", "orders")),
            new TablePattern(List.of("shop", "items")));
  }

  @Test
  void letsABackslashEscapeABackslashBeforeADot() {
    // \\. is an escaped backslash, then a separating dot: a regex matching a name ending in '\'.
    TablePattern pattern =
        TablePatterns.parse("source option 'tables'", "shop.a\\\\.b", 3, "db.schema.table").get(0);

    assertThat(pattern).isEqualTo(new TablePattern(List.of("shop", "a\\\\", "b")));
    assertThat(pattern.matches(TableId.of("shop", "a\\", "b"))).isTrue();
  }

  @Test
  void rejectsAnUnfinishedEscape() {
    assertThatThrownBy(
            () -> TablePatterns.parse("source option 'tables'", "shop.orders\\", 2, "db.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot parse source option 'tables': it ends with an unfinished escape '\\'");
  }

  @Test
  void matchesAShorterPatternAgainstTheLastPartsOfTheId() {
    TablePattern schemaAndTable =
        TablePatterns.parse(
                "route rule 1 source-table",
                "public.orders",
                List.of(3, 2),
                "db.schema.table or schema.table")
            .get(0);

    assertThat(schemaAndTable.matches(TableId.of("shop", "public", "orders"))).isTrue();
    assertThat(schemaAndTable.matches(TableId.of("shop", "sales", "orders"))).isFalse();
  }

  @Test
  void writesDebeziumRegexesWithoutCommas() {
    TablePattern pattern =
        TablePatterns.parse("source option 'tables'", "shop.orders\\,items", 2, "db.table").get(0);

    String regex = pattern.fullNameRegex(0);
    assertThat(regex).doesNotContain(",");
    assertThat(Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher("SHOP.items").matches())
        .isTrue();
    assertThat(Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher("shopXitems").matches())
        .isFalse();
  }

  @Test
  void rejectsAPatternWithTheWrongNumberOfParts() {
    assertThatThrownBy(
            () ->
                TablePatterns.parse(
                    "source option 'tables'", "shop.orders", 3, "database.schema.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse source option 'tables': expected database.schema.table (write \\. for a regex dot) but got: shop.orders");
  }

  @Test
  void rejectsAnInvalidRegex() {
    assertThatThrownBy(
            () ->
                TablePatterns.parse("source option 'tables'", "shop.orders(", 2, "database.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse source option 'tables': invalid regular expression 'orders(': Unclosed group");
  }

  @Test
  void rejectsAnEmptyList() {
    assertThatThrownBy(
            () -> TablePatterns.parse("source option 'tables.exclude'", " , ", 2, "database.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot parse source option 'tables.exclude': it is empty");
  }

  @Test
  void foldsExclusionsIntoTheIncludeList() {
    String includeList =
        TablePatterns.debeziumIncludeList(
            List.of("shop\\..*", "crm\\.contacts"), List.of("shop\\.audit_.*"));
    List<Pattern> patterns = Arrays.stream(includeList.split(",")).map(Pattern::compile).toList();

    assertThat(
            List.of(
                "shop.orders",
                "shop.audit",
                "crm.contacts",
                "shop.audit_log",
                "crm.other",
                "shop.audit_x.y"))
        .filteredOn(name -> patterns.stream().anyMatch(p -> p.matcher(name).matches()))
        .containsExactly("shop.orders", "shop.audit", "crm.contacts");
  }

  @Test
  void leavesTheIncludeListAloneWithoutExclusions() {
    assertThat(TablePatterns.debeziumIncludeList(List.of("a\\.b", "c\\.d"), List.of()))
        .isEqualTo("a\\.b,c\\.d");
  }

  @Test
  void tellsPlainNamesFromRegexes() {
    assertThat(TablePatterns.isLiteral("shop_2024")).isTrue();
    assertThat(TablePatterns.isLiteral("shop.*")).isFalse();
  }
}
