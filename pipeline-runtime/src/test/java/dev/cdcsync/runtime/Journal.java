package dev.cdcsync.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the fake source and sink did, in order. Shared between the source's thread, the runner's
 * timer and the test.
 */
final class Journal {

  private final List<String> entries = new ArrayList<>();

  synchronized void add(String entry) {
    entries.add(entry);
    notifyAll();
  }

  synchronized List<String> entries() {
    return List.copyOf(entries);
  }

  /** Waits up to 10 s until {@code entry} was added. */
  synchronized void awaitEntry(String entry) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!entries.contains(entry)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("No '" + entry + "' within 10 s; journal: " + entries);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }
}
