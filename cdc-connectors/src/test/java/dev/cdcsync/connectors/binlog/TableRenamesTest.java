package dev.cdcsync.connectors.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.binlog.TableRenames.Rename;
import org.junit.jupiter.api.Test;

class TableRenamesTest {

  @Test
  void findsEveryPairOfARenameTableStatement() {
    assertThat(TableRenames.parse("shop", "RENAME TABLE staging TO orders"))
        .containsExactly(rename("shop", "staging", "shop", "orders"));
    assertThat(
            TableRenames.parse(
                "shop",
                "rename tables if exists `old``name` to `shop`.`new`, other.a WAIT 5 TO shop.b"))
        .containsExactly(
            rename("shop", "old`name", "shop", "new"), rename("other", "a", "shop", "b"));
  }

  @Test
  void findsTheRenameOfAnAlterTableStatement() {
    assertThat(TableRenames.parse("shop", "ALTER TABLE staging RENAME TO orders"))
        .containsExactly(rename("shop", "staging", "shop", "orders"));
    assertThat(
            TableRenames.parse(
                "shop", "alter table `x`.`staging` ADD COLUMN c INT, RENAME AS shop.orders"))
        .containsExactly(rename("x", "staging", "shop", "orders"));
    assertThat(TableRenames.parse("shop", "ALTER TABLE t RENAME other")).hasSize(1);
  }

  @Test
  void findsNoneWhereNoTableIsRenamed() {
    assertThat(TableRenames.parse("shop", "ALTER TABLE t RENAME COLUMN a TO b")).isEmpty();
    assertThat(TableRenames.parse("shop", "ALTER TABLE t RENAME INDEX i TO j")).isEmpty();
    assertThat(TableRenames.parse("shop", "ALTER TABLE t ADD COLUMN renamed INT")).isEmpty();
    assertThat(TableRenames.parse("shop", "CREATE TABLE rename_me (id INT)")).isEmpty();
  }

  private static Rename rename(String fromDb, String from, String toDb, String to) {
    return new Rename(TableId.of(fromDb, from), TableId.of(toDb, to));
  }
}
