package dev.cdcsync.connectors.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.binlog.ColumnRenames.Renames;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ColumnRenamesTest {

  @Test
  void findsRenameColumnAndChangeWithOrWithoutQuotesAndDatabase() {
    assertThat(ColumnRenames.parse("shop", "ALTER TABLE t RENAME COLUMN c TO d"))
        .contains(new Renames(TableId.of("shop", "t"), Map.of("d", "c")));
    assertThat(
            ColumnRenames.parse(
                "shop",
                "alter table `crm`.`people` change column `full name` `name` varchar(20) not null, rename column a to b"))
        .contains(new Renames(TableId.of("crm", "people"), Map.of("name", "full name", "b", "a")));
  }

  @Test
  void ignoresStatementsThatRenameNothing() {
    assertThat(ColumnRenames.parse("shop", "ALTER TABLE t CHANGE a a BIGINT")).isEmpty();
    assertThat(ColumnRenames.parse("shop", "ALTER TABLE t ADD COLUMN c INT")).isEmpty();
    assertThat(ColumnRenames.parse("shop", "CREATE TABLE t (id INT)")).isEmpty();
    assertThat(ColumnRenames.parse("shop", "ALTER TABLE t RENAME TO u")).isEmpty();
  }
}
