package dev.cdcsync.connectors.binlog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BinlogPositionTest {

  @Test
  void ordersByTheFilesSequenceThenTheOffset() {
    BinlogPosition early = BinlogPosition.parse("mysql-bin.000009:98765");
    BinlogPosition later = BinlogPosition.parse("mysql-bin.000010:4");
    assertThat(early).isLessThan(later);
    assertThat(later).isGreaterThan(new BinlogPosition("mysql-bin.000010", 3));
    assertThat(later).isEqualByComparingTo(new BinlogPosition("mysql-bin.000010", 4));
  }

  @Test
  void survivesItsText() {
    BinlogPosition position = new BinlogPosition("host:3306-bin.000001", 4321);
    assertThat(BinlogPosition.parse(position.toString())).isEqualTo(position);
  }
}
