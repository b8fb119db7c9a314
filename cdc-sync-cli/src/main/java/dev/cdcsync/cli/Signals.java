package dev.cdcsync.cli;

import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT into a graceful stop: the first signal runs {@code onStop} on a new
 * thread; a second one ends the process at once.
 */
final class Signals {

  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  static void onTerminate(Runnable onStop) {
    AtomicInteger received = new AtomicInteger();
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(name),
          signal -> {
            if (received.incrementAndGet() == 1) {
              LOG.info(
                  "Received SIG{}: committing buffered changes, then stopping (send it again to stop at once)",
                  name);
              Thread stopper = new Thread(onStop, "cdc-sync-stop");
              stopper.start();
            } else {
              LOG.warn("Received SIG{} again: stopping now without a final commit", name);
              Runtime.getRuntime().halt(128 + signal.getNumber());
            }
          });
    }
  }
}
