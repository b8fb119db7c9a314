package dev.cdcsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.TablePatterns.TablePattern;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TablePatternsTest {

  @Test
  void splitsOnUnescapedDotsAndTurnsEscapedDotsIntoRegexDots() {
    assertThat(TablePatterns.parse("source option 'tables'", "shop.public.\\.*, shop.sales.order_[0-9]+", 3, "db.schema.table"))
        .containsExactly(
            new TablePattern(List.of("shop", "public", ".*")),
            new TablePattern(List.of("shop", "sales", "order_[0-9]+")));
  }

  @Test
  void keepsCommasInsideRegexQuantifiers() {
    assertThat(TablePatterns.parse("source option 'tables'", "app.t_[0-9]{1,3},app.other", 2, "db.table"))
        .containsExactly(new TablePattern(List.of("app", "t_[0-9]{1,3}")), new TablePattern(List.of("app", "other")));
  }

  @Test
  void rejectsAPatternWithTheWrongNumberOfParts() {
    assertThatThrownBy(() -> TablePatterns.parse("source option 'tables'", "shop.orders", 3, "database.schema.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse source option 'tables': expected database.schema.table (write \\. for a regex dot) but got: shop.orders");
  }

  @Test
  void rejectsAnInvalidRegex() {
    assertThatThrownBy(() -> TablePatterns.parse("source option 'tables'", "shop.orders(", 2, "database.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot parse source option 'tables': invalid regular expression 'orders(': Unclosed group");
  }

  @Test
  void rejectsAnEmptyList() {
    assertThatThrownBy(() -> TablePatterns.parse("source option 'tables.exclude'", " , ", 2, "database.table"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot parse source option 'tables.exclude': it is empty");
  }

  @Test
  void foldsExclusionsIntoTheIncludeList() {
    String includeList =
        TablePatterns.debeziumIncludeList(List.of("shop\\..*", "crm\\.contacts"), List.of("shop\\.audit_.*"));
    List<Pattern> patterns = Arrays.stream(includeList.split(",")).map(Pattern::compile).toList();

    assertThat(List.of("shop.orders", "shop.audit", "crm.contacts", "shop.audit_log", "crm.other", "shop.audit_x.y"))
        .filteredOn(name -> patterns.stream().anyMatch(p -> p.matcher(name).matches()))
        .containsExactly("shop.orders", "shop.audit", "crm.contacts");
  }

  @Test
  void leavesTheIncludeListAloneWithoutExclusions() {
    assertThat(TablePatterns.debeziumIncludeList(List.of("a\\.b", "c\\.d"), List.of())).isEqualTo("a\\.b,c\\.d");
  }

  @Test
  void tellsPlainNamesFromRegexes() {
    assertThat(TablePatterns.isLiteral("shop_2024")).isTrue();
    assertThat(TablePatterns.isLiteral("shop.*")).isFalse();
  }
}
