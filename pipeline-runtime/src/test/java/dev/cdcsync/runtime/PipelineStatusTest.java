package dev.cdcsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineStatusTest {

  private static final Duration INTERVAL = Duration.ofSeconds(30);
  private static final TableId TABLE = TableId.of("public", "t");
  private final PipelineStatus status = new PipelineStatus();

  @Test
  void isReadyOnlyWhileTheSourceCallsInAndCommitsKeepUp() {
    assertThat(status.notReadyBecause(1_000, INTERVAL))
        .contains("the source has not connected yet");

    status.recordSourceCall(1_000, -1, true, true);
    assertThat(status.notReadyBecause(60_000, INTERVAL)).isEmpty();
    assertThat(status.notReadyBecause(121_000, INTERVAL))
        .contains("the source has not called in for 120 s");

    status.recordSourceCall(130_000, 129_000, false, true);
    // Changes have waited since the first call: 130 s > 2 x 30 s + 60 s.
    assertThat(status.notReadyBecause(131_000, INTERVAL))
        .contains("changes have waited 130 s for their commit");

    status.recordCommitted(5_000_000, 130_000);
    assertThat(status.notReadyBecause(131_000, INTERVAL)).isEmpty();
  }

  @Test
  void isNotReadyWhileItWaitsForAnotherInstance() {
    status.recordWaitingFor("another instance (epoch 3, 7@pod-a) was alive 4 s ago");
    assertThat(status.notReadyBecause(1_000, INTERVAL))
        .contains(
            "waiting for another instance to stop: another instance (epoch 3, 7@pod-a) was alive"
                + " 4 s ago");
    status.recordWaitingFor(null);
    assertThat(status.notReadyBecause(1_000, INTERVAL))
        .contains("the source has not connected yet");
  }

  @Test
  void theSnapshotEndsWithItsCommitOrTheFirstStreamedChange() {
    status.recordSnapshotStarting(Map.of(TABLE, 10L), 1_000);
    status.recordSourceCall(1_500, -1, true, true);
    status.recordSourceCall(2_000, -1, false, true);
    assertThat(status.snapshotting()).isTrue();
    status.recordSnapshotDone();
    assertThat(status.snapshotting()).isFalse();

    status.recordSnapshotStarting(Map.of(TABLE, 10L), 3_000);
    status.recordSourceCall(3_500, 3_400, false, true);
    assertThat(status.snapshotting()).isFalse();
  }

  @Test
  void countsWritesSnapshotRowsLagAndCommitsAcrossRestarts() {
    status.recordWritten(TABLE, true);
    status.recordWritten(TABLE, false);
    status.recordSourceCall(10_000, 9_250, false, true);
    status.recordCheckpoint(
        1, List.of(new TableCommit(TABLE, 2, 9_250)), Instant.ofEpochMilli(10_500));
    status.recordCommitted(2_000_000, 10_000);
    status.recordFailure();

    assertThat(status.changesWritten()).isEqualTo(Map.of(TABLE, 2L));
    assertThat(status.snapshotRows()).isEqualTo(Map.of(TABLE, 1L));
    assertThat(status.sourceLagMillis()).isEqualTo(750);
    assertThat(status.snapshotting()).isFalse();
    assertThat(status.checkpointsCommitted()).isEqualTo(1);
    assertThat(status.commitNanos()).isEqualTo(2_000_000);
    assertThat(status.failures()).isEqualTo(1);
    assertThat(status.tables())
        .containsExactly(
            new PipelineStatus.TableStatus(TABLE, 2, Instant.ofEpochMilli(10_500), 1_250));
  }
}
