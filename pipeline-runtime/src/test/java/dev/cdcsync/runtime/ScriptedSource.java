package dev.cdcsync.runtime;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory source that plays a script on the thread calling {@link #run}: batches of changes,
 * actions between them, then either returns or waits to be closed. Acknowledgements and the close
 * go to a {@link Journal} shared with the sink, so a test sees their order against the sink's
 * writes and commits.
 *
 * <p>An acknowledger throws once a later batch was handled, as {@link ChangeHandler} allows using
 * it only until the next call.
 */
final class ScriptedSource implements Source {

  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  @FunctionalInterface
  private interface Step {
    void play(ChangeHandler handler) throws Exception;
  }

  private final Journal journal;
  private final List<Step> steps = new ArrayList<>();
  private final CountDownLatch scriptPlayed = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private final AtomicLong handledBatches = new AtomicLong();
  private volatile String position = "start";

  ScriptedSource(Journal journal) {
    this.journal = journal;
  }

  /** Hands over one batch; {@code position} is the source position after it. */
  ScriptedSource batch(String position, DataChangeEvent... events) {
    steps.add(handler -> deliver(handler, position, List.of(events)));
    return this;
  }

  /** Runs an action between batches, e.g. advancing the clock. */
  ScriptedSource then(Action action) {
    steps.add(handler -> action.run());
    return this;
  }

  /**
   * Ends the script by calling in with empty batches every 10 ms until closed, as the source of an
   * idle PostgreSQL database does.
   */
  ScriptedSource thenIdleUntilClosed() {
    steps.add(
        handler -> {
          scriptPlayed.countDown();
          while (!closed.await(10, TimeUnit.MILLISECONDS)) {
            deliver(handler, position, List.of());
          }
        });
    return this;
  }

  /**
   * Ends the script by waiting, without calling in, until closed (an idle binlog sends nothing).
   */
  ScriptedSource thenSilentUntilClosed() {
    steps.add(
        handler -> {
          scriptPlayed.countDown();
          closed.await();
        });
    return this;
  }

  /** Waits up to 10 s until every batch of the script was handed over. */
  void awaitScriptPlayed() throws InterruptedException {
    if (!scriptPlayed.await(10, TimeUnit.SECONDS)) {
      throw new AssertionError("The source did not play its script within 10 s");
    }
  }

  @Override
  public void run(ChangeHandler handler) throws Exception {
    for (Step step : steps) {
      step.play(handler);
    }
    scriptPlayed.countDown();
  }

  @Override
  public void close() {
    synchronized (closed) {
      if (closed.getCount() > 0) {
        journal.add("close source");
        closed.countDown();
      }
    }
  }

  private void deliver(ChangeHandler handler, String position, List<DataChangeEvent> events)
      throws InterruptedException {
    this.position = position;
    BatchAcknowledger acknowledger = new BatchAcknowledger(handledBatches.get(), position);
    try {
      handler.handle(events, acknowledger);
    } finally {
      handledBatches.incrementAndGet();
    }
  }

  private final class BatchAcknowledger implements SourceAcknowledger {

    private final long batch;
    private final String position;

    BatchAcknowledger(long batch, String position) {
      this.batch = batch;
      this.position = position;
    }

    @Override
    public void acknowledge() {
      if (handledBatches.get() > batch + 1) {
        throw new IllegalStateException(
            "Cannot acknowledge " + position + ": a later batch was handled already");
      }
      journal.add("acknowledge " + position);
    }

    @Override
    public String position() {
      return position;
    }
  }
}
