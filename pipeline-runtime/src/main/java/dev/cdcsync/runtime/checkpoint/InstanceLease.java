package dev.cdcsync.runtime.checkpoint;

import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.StateStorage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Makes sure only one instance of a pipeline commits. Each instance takes a new epoch (a file
 * {@code epoch-N}), refuses to start while an instance of an older epoch shows signs of life
 * (a fresh {@code alive-N-<millis>} file), and checks before every commit that no newer epoch
 * exists, stopping itself if one does.
 */
public final class InstanceLease {

  private static final String EPOCH = "epoch-";
  private static final String ALIVE = "alive-";

  private final StateStorage storage;
  private final String pipeline;
  private final Clock clock;
  private final Duration staleAfter;
  private long epoch;
  private String aliveFile;

  /**
   * @param staleAfter how long an instance may stay silent before another may take over
   */
  public InstanceLease(StateStorage storage, String pipeline, Clock clock, Duration staleAfter) {
    this.storage = storage;
    this.pipeline = pipeline;
    this.clock = clock;
    this.staleAfter = staleAfter;
  }

  /** Takes a new epoch, or fails if another instance seems to be running. */
  public long acquire() throws IOException {
    Optional<String> alive = aliveInstance();
    if (alive.isPresent()) {
      throw new PermanentPipelineException(
          "Cannot start pipeline '"
              + pipeline
              + "': "
              + alive.get()
              + "; stop it first, or wait "
              + staleAfter.toSeconds()
              + " s if it has died (state in "
              + storage.location()
              + ")");
    }
    epoch = latestEpoch() + 1;
    String who = ManagementFactory.getRuntimeMXBean().getName() + " started " + clock.instant();
    storage.create(String.format("%s%020d", EPOCH, epoch), who.getBytes(StandardCharsets.UTF_8));
    heartbeat();
    return epoch;
  }

  /**
   * The other instance that seems to be running, if any, said as {@code another instance (epoch
   * 3, 1234@host started …) was alive 4 s ago}.
   */
  public Optional<String> aliveInstance() throws IOException {
    long latest = latestEpoch();
    Instant lastSign = lastSignOfLife(latest);
    if (latest > 0 && lastSign != null && !diedOnThisHost(latest)) {
      Duration silence = Duration.between(lastSign, clock.instant());
      if (silence.compareTo(staleAfter) < 0) {
        return Optional.of(
            "another instance ("
                + describe(latest)
                + ") was alive "
                + Math.max(0, silence.toSeconds())
                + " s ago");
      }
    }
    return Optional.empty();
  }

  public long epoch() {
    return epoch;
  }

  /** Records a sign of life. */
  public void heartbeat() throws IOException {
    String previous = aliveFile;
    aliveFile = String.format("%s%020d-%020d", ALIVE, epoch, clock.millis());
    if (!aliveFile.equals(previous)) {
      storage.create(aliveFile, new byte[0]);
      if (previous != null) {
        storage.delete(previous);
      }
    }
  }

  /** Fails if a newer instance has started. */
  public void checkNotFenced() throws IOException {
    long latest = latestEpoch();
    if (latest > epoch) {
      throw new FencedException(
          "Pipeline '"
              + pipeline
              + "' was taken over by another instance ("
              + describe(latest)
              + "); this instance (epoch "
              + epoch
              + ") stops without committing");
    }
  }

  /** Removes this instance's sign of life, so a successor need not wait. */
  public void release() throws IOException {
    if (aliveFile != null) {
      storage.delete(aliveFile);
      aliveFile = null;
    }
  }

  /** Whether the instance of an epoch ran on this host in a process that no longer exists. */
  private boolean diedOnThisHost(long otherEpoch) throws IOException {
    String owner =
        storage
            .read(String.format("%s%020d", EPOCH, otherEpoch))
            .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
            .orElse("");
    String me = ManagementFactory.getRuntimeMXBean().getName();
    int at = owner.indexOf('@');
    int space = owner.indexOf(' ');
    if (at < 0 || space < at || !me.contains("@")) {
      return false;
    }
    String host = owner.substring(at + 1, space);
    if (!host.equals(me.substring(me.indexOf('@') + 1))) {
      return false;
    }
    try {
      long pid = Long.parseLong(owner.substring(0, at));
      // This very process restarting its pipeline after a failure counts as gone too.
      return pid == ProcessHandle.current().pid() || !isRunning(pid);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether process {@code pid} runs. A process that was killed but that its parent has not reaped
   * yet (a zombie: a container whose first process reaps nothing, a killed supervisor) still has a
   * handle that Java calls alive; {@code /proc/<pid>/stat} tells it apart.
   */
  static boolean isRunning(long pid) {
    if (ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isEmpty()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // "pid (command) state ...": the command may hold spaces and parentheses.
      String state = stat.substring(stat.lastIndexOf(')') + 1).strip();
      return !state.startsWith("Z") && !state.startsWith("X");
    } catch (IOException | RuntimeException e) {
      return true; // no /proc here: as Java sees it
    }
  }

  private String describe(long otherEpoch) throws IOException {
    return "epoch "
        + otherEpoch
        + ", "
        + storage
            .read(String.format("%s%020d", EPOCH, otherEpoch))
            .map(bytes -> new String(bytes, StandardCharsets.UTF_8))
            .orElse("unknown");
  }

  private long latestEpoch() throws IOException {
    long latest = 0;
    for (String name : storage.list()) {
      if (name.startsWith(EPOCH)) {
        latest = Math.max(latest, Long.parseLong(name.substring(EPOCH.length())));
      }
    }
    return latest;
  }

  private Instant lastSignOfLife(long ofEpoch) throws IOException {
    List<Long> times = new ArrayList<>();
    String prefix = String.format("%s%020d-", ALIVE, ofEpoch);
    for (String name : storage.list()) {
      if (name.startsWith(prefix)) {
        times.add(Long.parseLong(name.substring(prefix.length())));
      }
    }
    return times.stream().max(Long::compare).map(Instant::ofEpochMilli).orElse(null);
  }
}
