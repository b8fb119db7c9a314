package dev.cdcsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.bench.IcebergVisibility.Appearance;
import dev.cdcsync.bench.ScenarioResult.Latency;
import dev.cdcsync.bench.UpdateLoad.CommittedTransaction;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessLatencyTest {

  private static final long MS = 1_000_000;

  @Test
  void eachTransactionIsVisibleAtTheFirstSnapshotCoveringItsChanges() {
    // 1,000 rows visible before the load; the load had made 500 changes before (streaming).
    List<Appearance> appearances =
        List.of(
            new Appearance(1, 0, 1_000),
            new Appearance(2, 1_300 * MS, 1_200),
            new Appearance(3, 2_250 * MS, 1_300));
    List<CommittedTransaction> transactions =
        List.of(
            new CommittedTransaction(1_000 * MS, 600),
            new CommittedTransaction(1_100 * MS, 700),
            new CommittedTransaction(1_400 * MS, 800));

    Latency latency = FreshnessScenario.latency(transactions, appearances, 1_000, 500);

    // delays: 300 ms, 200 ms, 850 ms
    assertThat(latency).isEqualTo(new Latency(300, 850, 3));
  }

  @Test
  void aCommitSeenBeforeItsRecordedCommitTimeCountsAsNoDelay() {
    Latency latency =
        FreshnessScenario.latency(
            List.of(new CommittedTransaction(2_000 * MS, 100)),
            List.of(new Appearance(1, 1_990 * MS, 100)),
            0,
            0);

    assertThat(latency).isEqualTo(new Latency(0, 0, 1));
  }

  @Test
  void aTransactionNoSnapshotHoldsFails() {
    assertThatThrownBy(
            () ->
                FreshnessScenario.latency(
                    List.of(new CommittedTransaction(MS, 100)),
                    List.of(new Appearance(1, 2 * MS, 50)),
                    0,
                    0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot find the snapshot holding transaction 1 of the steady load");
  }
}
