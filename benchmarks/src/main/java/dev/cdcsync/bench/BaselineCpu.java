package dev.cdcsync.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;

/**
 * The CPU time the in-process baseline uses while it streams: the benchmark JVM's CPU time less
 * the calling thread's, which generates the source's changes and waits for the consumer. What
 * remains is the Debezium engine's threads (and the JVM's own, GC and JIT, working for them).
 */
final class BaselineCpu {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final Duration processAtStart;
  private final long callerNanosAtStart;

  private BaselineCpu(Duration processAtStart, long callerNanosAtStart) {
    this.processAtStart = processAtStart;
    this.callerNanosAtStart = callerNanosAtStart;
  }

  /** Starts measuring; the same thread must call {@link #microsPerEvent}. */
  static BaselineCpu begin() {
    return new BaselineCpu(
        ResourceWindow.cpu(ProcessHandle.current()), THREADS.getCurrentThreadCpuTime());
  }

  /** CPU microseconds per event since {@link #begin}, the calling thread's left out. */
  double microsPerEvent(long events) {
    long process = ResourceWindow.cpu(ProcessHandle.current()).minus(processAtStart).toNanos();
    long caller = THREADS.getCurrentThreadCpuTime() - callerNanosAtStart;
    return (process - caller) / 1000.0 / Math.max(events, 1);
  }
}
