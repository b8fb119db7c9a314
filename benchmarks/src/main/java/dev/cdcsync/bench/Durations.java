package dev.cdcsync.bench;

import java.time.Duration;

/** Time arithmetic on the {@link System#nanoTime()} scale, and how long the benchmark waits. */
final class Durations {

  private Durations() {}

  static double secondsBetween(long startNanos, long endNanos) {
    return (endNanos - startNanos) / 1e9;
  }

  static double millisBetween(long startNanos, long endNanos) {
    return (endNanos - startNanos) / 1e6;
  }

  /**
   * How long to wait for {@code events} to become visible before calling it a failure: two
   * minutes plus a millisecond per event, far beyond any healthy run on a small machine.
   */
  static Duration timeoutFor(long events) {
    return Duration.ofSeconds(120).plusMillis(events);
  }
}
