package dev.cdcsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.TableId;
import org.junit.jupiter.api.Test;

class TableRouterTest {

  private final TableRouter router = new TableRouter();

  @Test
  void keepsSchemaAndTableOfAPostgresTable() {
    assertThat(router.route(TableId.of("shop", "public", "orders")))
        .isEqualTo(new TableId(null, "public", "orders"));
  }

  @Test
  void keepsDatabaseAndTableOfAMysqlTable() {
    assertThat(router.route(TableId.of("shop", "orders")))
        .isEqualTo(new TableId(null, "shop", "orders"));
  }
}
