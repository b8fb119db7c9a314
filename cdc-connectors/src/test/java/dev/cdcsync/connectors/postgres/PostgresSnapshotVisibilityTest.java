package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PostgresSnapshotVisibilityTest {

  @Test
  void showsTransactionsBeforeXminAndFinishedOnesBeforeXmax() {
    PostgresSnapshotVisibility snapshot = PostgresSnapshotVisibility.parse("748:752:748,750");
    assertThat(snapshot.shows(747)).isTrue();
    assertThat(snapshot.shows(748)).as("in progress").isFalse();
    assertThat(snapshot.shows(749)).isTrue();
    assertThat(snapshot.shows(750)).as("in progress").isFalse();
    assertThat(snapshot.shows(751)).isTrue();
    assertThat(snapshot.shows(752)).as("started after").isFalse();
  }

  @Test
  void readsThirtyTwoBitIdsInTheSnapshotsEpoch() {
    long epoch = 3L << 32;
    PostgresSnapshotVisibility snapshot =
        PostgresSnapshotVisibility.parse((epoch + 100) + ":" + (epoch + 105) + ":");
    assertThat(snapshot.shows(99)).isTrue();
    assertThat(snapshot.shows(104)).isTrue();
    assertThat(snapshot.shows(105)).isFalse();
    // Just before the epoch turned: the epoch before, so long before xmin.
    assertThat(snapshot.shows(0xFFFF_FFF0L)).isTrue();
  }

  @Test
  void anEmptyListOfRunningTransactionsParses() {
    assertThat(PostgresSnapshotVisibility.parse("5:5:").shows(4)).isTrue();
  }

  @Test
  void readsLogPositions() {
    assertThat(PostgresInitialLoad.lsn("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
  }
}
