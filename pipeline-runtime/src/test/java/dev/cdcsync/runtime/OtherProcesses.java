package dev.cdcsync.runtime;

import dev.cdcsync.api.StateStorage;
import dev.cdcsync.runtime.checkpoint.InstanceLease;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Comparator;

/**
 * Processes other than this one, for instances that must not count as this process's own: an
 * {@link InstanceLease} treats an instance of its own process as gone, so tests of a running
 * instance make its epoch file name another process.
 */
public final class OtherProcesses {

  /** This process as instances name it in their epoch files: {@code <pid>@<host>}. */
  public static final String THIS_PROCESS = ManagementFactory.getRuntimeMXBean().getName();

  private static final String HOST = THIS_PROCESS.substring(THIS_PROCESS.indexOf('@') + 1);

  /** A process on this host that outlives the test: the one that started this JVM. */
  public static final String LIVE_PROCESS_ON_THIS_HOST =
      ProcessHandle.current().parent().orElseThrow().pid() + "@" + HOST;

  /** A process id above every operating system's largest, so no process on this host has it. */
  public static final long FREE_PID = 2_000_000_000L;

  public static final String DEAD_PROCESS_ON_THIS_HOST = FREE_PID + "@" + HOST;

  /** A process elsewhere; its id is free here, so only the host tells it from a dead local one. */
  public static final String PROCESS_ON_ANOTHER_HOST = FREE_PID + "@elsewhere.example";

  private OtherProcesses() {}

  /** Rewrites the newest epoch file as if {@code process} had taken that epoch at {@code at}. */
  public static void claimNewestEpoch(StateStorage storage, String process, Instant at)
      throws IOException {
    String newest =
        storage.list().stream()
            .filter(name -> name.startsWith("epoch-"))
            .max(Comparator.naturalOrder())
            .orElseThrow(() -> new AssertionError("No epoch was taken in " + storage.location()));
    storage.delete(newest);
    storage.create(newest, (process + " started " + at).getBytes(StandardCharsets.UTF_8));
  }
}
