package dev.cdcsync.runtime;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-memory source that plays a script on the thread calling {@link #run}: batches of changes,
 * each ending at a transaction boundary or inside a transaction, actions between them, then either
 * returns or waits to be closed. Acknowledgements and the close go to a {@link Journal} shared with
 * the sink, so a test sees their order against the sink's writes and commits.
 *
 * <p>An acknowledger throws once a later batch was acknowledged, as {@link ChangeHandler} wants
 * acknowledgements in batch order, and when its batch ended inside a transaction, as {@link
 * SourceAcknowledger#acknowledge()} forbids.
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
  private final AtomicReference<Optional<SourcePosition>> startAfter = new AtomicReference<>();
  private volatile String lastPosition = "start";
  private volatile boolean lastAtBoundary = true;
  private volatile boolean splitsAllowed;

  ScriptedSource(Journal journal) {
    this.journal = journal;
  }

  /** The position a batch reports: {@code description}, which is also its only offset. */
  static SourcePosition position(String description) {
    return new SourcePosition(Map.of("offset", description), description);
  }

  /**
   * Lets the runner acknowledge a batch that ended inside a transaction, where it splits the
   * transaction (a column change, truncate or drop of a table the transaction wrote before).
   */
  ScriptedSource allowingSplits() {
    splitsAllowed = true;
    return this;
  }

  /** Hands over one batch that ends at a transaction boundary, at {@code position}. */
  ScriptedSource batch(String position, DataChangeEvent... events) {
    steps.add(handler -> deliver(handler, position, true, List.of(events)));
    return this;
  }

  /**
   * Hands over one batch that ends inside a source transaction (or inside the initial snapshot),
   * at {@code position}: no commit may cut after it.
   */
  ScriptedSource batchInsideTransaction(String position, DataChangeEvent... events) {
    steps.add(handler -> deliver(handler, position, false, List.of(events)));
    return this;
  }

  /** Tells the handler that a chunked load starts ({@link ChangeHandler#initialLoad}). */
  ScriptedSource loading(String loadId, java.util.Set<dev.cdcsync.api.TableId> replacing) {
    steps.add(handler -> handler.initialLoad(loadId, replacing));
    return this;
  }

  /** Runs an action between batches, e.g. advancing the clock. */
  ScriptedSource then(Action action) {
    steps.add(handler -> action.run());
    return this;
  }

  /**
   * Ends the script by calling in with empty batches every 10 ms until closed, as the source of an
   * idle PostgreSQL database does; they repeat the last batch's position and boundary.
   */
  ScriptedSource thenIdleUntilClosed() {
    steps.add(
        handler -> {
          scriptPlayed.countDown();
          while (!closed.await(10, TimeUnit.MILLISECONDS)) {
            deliver(handler, lastPosition, lastAtBoundary, List.of());
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

  /** The position {@link #run} was told to start after. */
  Optional<SourcePosition> startAfter() {
    Optional<SourcePosition> value = startAfter.get();
    if (value == null) {
      throw new AssertionError("The source was not run");
    }
    return value;
  }

  @Override
  public void run(ChangeHandler handler, Optional<SourcePosition> startAfter) throws Exception {
    this.startAfter.set(startAfter);
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

  private final java.util.concurrent.atomic.AtomicLong lastAcknowledgedBatch =
      new java.util.concurrent.atomic.AtomicLong(-1);

  private void deliver(
      ChangeHandler handler, String position, boolean atBoundary, List<DataChangeEvent> events)
      throws InterruptedException {
    lastPosition = position;
    lastAtBoundary = atBoundary;
    BatchAcknowledger acknowledger =
        new BatchAcknowledger(handledBatches.get(), position, atBoundary);
    try {
      handler.handle(events, acknowledger);
    } finally {
      handledBatches.incrementAndGet();
    }
  }

  private final class BatchAcknowledger implements SourceAcknowledger {

    private final long batch;
    private final String position;
    private final boolean atBoundary;

    BatchAcknowledger(long batch, String position, boolean atBoundary) {
      this.batch = batch;
      this.position = position;
      this.atBoundary = atBoundary;
    }

    @Override
    public void acknowledge() {
      if (!atBoundary && !splitsAllowed) {
        throw new IllegalStateException(
            "Cannot acknowledge " + position + ": the batch ended inside a transaction");
      }
      if (lastAcknowledgedBatch.getAndAccumulate(batch, Math::max) > batch) {
        throw new IllegalStateException(
            "Cannot acknowledge " + position + ": a later batch was acknowledged already");
      }
      journal.add("acknowledge " + position);
    }

    @Override
    public SourcePosition position() {
      return ScriptedSource.position(position);
    }

    @Override
    public boolean isTransactionBoundary() {
      return atBoundary;
    }
  }
}
