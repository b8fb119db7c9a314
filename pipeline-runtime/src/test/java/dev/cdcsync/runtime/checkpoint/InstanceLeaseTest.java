package dev.cdcsync.runtime.checkpoint;

import static dev.cdcsync.runtime.OtherProcesses.DEAD_PROCESS_ON_THIS_HOST;
import static dev.cdcsync.runtime.OtherProcesses.FREE_PID;
import static dev.cdcsync.runtime.OtherProcesses.LIVE_PROCESS_ON_THIS_HOST;
import static dev.cdcsync.runtime.OtherProcesses.PROCESS_ON_ANOTHER_HOST;
import static dev.cdcsync.runtime.OtherProcesses.THIS_PROCESS;
import static dev.cdcsync.runtime.OtherProcesses.claimNewestEpoch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.InMemoryStateStorage;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.runtime.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceLeaseTest {

  private static final String PIPELINE = "shop-sync";
  private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  private static final Duration STALE_AFTER = Duration.ofMinutes(1);

  private final InMemoryStateStorage storage = new InMemoryStateStorage("memory:/state/shop-sync/");
  private final MutableClock clock = new MutableClock(START);

  @Test
  void takesTheNextEpochEachTimeAnInstanceStarts() throws Exception {
    InstanceLease first = lease();
    assertThat(first.acquire()).isEqualTo(1);
    first.release();

    InstanceLease second = lease();
    assertThat(second.acquire()).isEqualTo(2);
    second.release();

    InstanceLease third = lease();
    assertThat(third.acquire()).isEqualTo(3);
    assertThat(third.epoch()).isEqualTo(3);
  }

  @Test
  void refusesToStartWhileAnInstanceOfAnotherLiveProcessIsAlive() throws Exception {
    InstanceLease running = runningIn(LIVE_PROCESS_ON_THIS_HOST);
    clock.advance(Duration.ofSeconds(30));

    assertThatThrownBy(lease()::acquire)
        .isExactlyInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot start pipeline 'shop-sync': another instance (epoch 1, "
                + LIVE_PROCESS_ON_THIS_HOST
                + " started 2025-03-01T12:00:00Z) was alive 30 s ago; stop it first, or wait 60 s"
                + " if it has died (state in memory:/state/shop-sync/)");
    // The refused instance took no epoch, so the running one goes on.
    assertThatCode(running::checkNotFenced).doesNotThrowAnyException();
  }

  @Test
  void refusesToStartWhileAnInstanceOnAnotherHostIsAliveThoughItsProcessIdIsFreeHere()
      throws Exception {
    assertThat(ProcessHandle.of(FREE_PID)).isEmpty();
    runningIn(PROCESS_ON_ANOTHER_HOST);

    assertThatThrownBy(lease()::acquire)
        .isExactlyInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot start pipeline 'shop-sync': another instance (epoch 1, "
                + PROCESS_ON_ANOTHER_HOST
                + " started 2025-03-01T12:00:00Z) was alive 0 s ago; stop it first, or wait 60 s"
                + " if it has died (state in memory:/state/shop-sync/)");
  }

  @Test
  void countsSilenceFromTheLastHeartbeat() throws Exception {
    InstanceLease running = runningIn(PROCESS_ON_ANOTHER_HOST);
    clock.advance(Duration.ofSeconds(50));
    running.heartbeat();
    clock.advance(Duration.ofSeconds(50));

    assertThatThrownBy(lease()::acquire)
        .isExactlyInstanceOf(PermanentPipelineException.class)
        .hasMessageContaining(") was alive 50 s ago; stop it first");
  }

  @Test
  void keepsOneSignOfLifePerInstanceAndRemovesItOnRelease() throws Exception {
    InstanceLease running = lease();
    running.acquire();
    clock.advance(Duration.ofSeconds(10));
    running.heartbeat();
    clock.advance(Duration.ofSeconds(10));
    running.heartbeat();

    assertThat(filesStartingWith("alive-")).hasSize(1);

    running.release();

    assertThat(filesStartingWith("alive-")).isEmpty();
  }

  @Test
  void takesOverFromAnInstanceSilentForTooLongAndFencesIt() throws Exception {
    InstanceLease silent = runningIn(PROCESS_ON_ANOTHER_HOST);
    clock.advance(STALE_AFTER.minusSeconds(1));
    assertThatThrownBy(lease()::acquire).isExactlyInstanceOf(PermanentPipelineException.class);
    clock.advance(Duration.ofSeconds(1));

    InstanceLease successor = lease();
    assertThat(successor.acquire()).isEqualTo(2);

    assertThatThrownBy(silent::checkNotFenced)
        .isInstanceOf(FencedException.class)
        .hasMessage(
            "Pipeline 'shop-sync' was taken over by another instance (epoch 2, "
                + THIS_PROCESS
                + " started 2025-03-01T12:01:00Z); this instance (epoch 1) stops without"
                + " committing");
    assertThatCode(successor::checkNotFenced).doesNotThrowAnyException();
  }

  @Test
  void takesOverAtOnceFromAnInstanceThatReleasedItsLease() throws Exception {
    InstanceLease stopped = runningIn(PROCESS_ON_ANOTHER_HOST);
    stopped.release();

    assertThat(lease().acquire()).isEqualTo(2);
  }

  @Test
  void takesOverAtOnceFromAnInstanceWhoseProcessDiedOnThisHost() throws Exception {
    assertThat(ProcessHandle.of(FREE_PID)).isEmpty();
    runningIn(DEAD_PROCESS_ON_THIS_HOST);

    assertThat(lease().acquire()).isEqualTo(2);
  }

  /**
   * A process killed on this host whose parent has not reaped it (a zombie) is gone, though Java
   * still gives it a live handle: a scheduler's restart must not wait for its lease to lapse.
   */
  @Test
  void takesOverAtOnceFromAnInstanceWhoseProcessWasKilledButNotReaped(@TempDir Path directory)
      throws Exception {
    // The shell starts a child that exits a second later, then becomes a sleep that never reaps
    // it. (A child that exited at once could be reaped by the shell before its exec: CI saw it.)
    Path pidFile = directory.resolve("child.pid");
    Process parent =
        new ProcessBuilder("sh", "-c", "sleep 1 & echo $! > child.pid; exec sleep 60")
            .directory(directory.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.exists(pidFile) && Files.readString(pidFile).endsWith("\n"));
      long zombie = Long.parseLong(Files.readString(pidFile).strip());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(Path.of("/proc/" + zombie + "/stat")).contains(") Z"));
      assertThat(ProcessHandle.of(zombie)).get().matches(ProcessHandle::isAlive);
      assertThat(InstanceLease.isRunning(zombie)).isFalse();
      assertThat(InstanceLease.isRunning(ProcessHandle.current().pid())).isTrue();

      runningIn(zombie + "@" + THIS_PROCESS.substring(THIS_PROCESS.indexOf('@') + 1));
      assertThat(lease().acquire()).isEqualTo(2);
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void takesOverAtOnceFromAnEarlierInstanceOfThisProcess() throws Exception {
    lease().acquire();

    assertThat(lease().acquire()).isEqualTo(2);
  }

  private InstanceLease lease() {
    return new InstanceLease(storage, PIPELINE, clock, STALE_AFTER);
  }

  /** An instance that took its epoch now, in {@code process}, and never released it. */
  private InstanceLease runningIn(String process) throws Exception {
    InstanceLease lease = lease();
    lease.acquire();
    claimNewestEpoch(storage, process, clock.instant());
    return lease;
  }

  private List<String> filesStartingWith(String prefix) {
    return storage.list().stream().filter(name -> name.startsWith(prefix)).toList();
  }
}
