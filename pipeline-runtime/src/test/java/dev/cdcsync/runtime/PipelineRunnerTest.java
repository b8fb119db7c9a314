package dev.cdcsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.CheckpointStore.CommittedCheckpoint;
import dev.cdcsync.runtime.PipelineRunner.PipelineFailure;
import dev.cdcsync.runtime.PipelineStatus.TableStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's timer commits when the interval has passed on {@link #clock}, or a second after
 * snapshot rows, so the clock moves only while nothing is buffered, except in tests of the timer.
 */
class PipelineRunnerTest {

  private static final String PIPELINE = "shop-sync";
  private static final Instant START = Instant.parse("2025-03-01T12:00:00Z");
  private static final TableId ITEMS = TableId.of("shop", "public", "items");
  private static final TableId ORDERS = TableId.of("shop", "public", "orders");
  private static final Schema SCHEMA =
      Schema.of(
          List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("name", DataTypeRoot.STRING)),
          List.of("id"));
  private static final Duration ONE_HOUR = Duration.ofHours(1);

  @TempDir Path stateDirectory;

  private final Journal journal = new Journal();
  private final MutableClock clock = new MutableClock(START);
  private final ExecutorService background = Executors.newSingleThreadExecutor();

  @AfterEach
  void stopBackgroundThread() {
    background.shutdownNow();
  }

  // (a) acknowledgements follow commits

  @Test
  void leavesBufferedChangesUncommittedAndUnacknowledgedUntilTheIntervalPasses() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .batch("pos-2", delete(1))
            .batch("pos-3");
    CheckpointStore store = new CheckpointStore(stateDirectory);

    runner(source, new RecordingSink(journal), ONE_HOUR, store).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]", "write public.items DELETE [1, item 1]");
    assertThat(store.load()).isEmpty();
  }

  @Test
  void commitsThenAcknowledgesTheBatchThatFindsTheIntervalPassed() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .then(() -> clock.advance(ONE_HOUR))
            .batch("pos-1", insert(1), insert(2))
            .batch("pos-2", insert(3));
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, ONE_HOUR).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "write public.items INSERT [2, item 2]",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items INSERT [3, item 3]");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, "pos-1"));
  }

  @Test
  void commitsAndAcknowledgesEveryBatchWithAZeroInterval() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1), insert(2))
            .batch("pos-2", update(2));

    runner(source, new RecordingSink(journal), Duration.ZERO).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "write public.items INSERT [2, item 2]",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items UPDATE [2, item 2 renamed]",
            "commit 2 at pos-2",
            "acknowledge pos-2");
  }

  @Test
  void acknowledgesAnEmptyBatchWithoutCommittingWhenNothingIsBuffered() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal).then(() -> clock.advance(ONE_HOUR)).batch("pos-1");
    RecordingSink sink = new RecordingSink(journal);
    CheckpointStore store = new CheckpointStore(stateDirectory);

    runner(source, sink, ONE_HOUR, store).run();

    assertThat(journal.entries()).containsExactly("acknowledge pos-1");
    assertThat(sink.checkpoints()).isEmpty();
    assertThat(store.load()).isEmpty();
  }

  @Test
  void commitsThenAcknowledgesOnTheTimerWhileTheSourceIsSilent() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .then(() -> clock.advance(ONE_HOUR))
            .thenSilentUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, ONE_HOUR);
    Future<?> running = runInBackground(runner);

    journal.awaitEntry("acknowledge pos-1");
    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "close source");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, "pos-1"));
  }

  @Test
  void acknowledgesAnEmptyBatchOnTheTimerWithoutCommitting() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1")
            .then(() -> clock.advance(ONE_HOUR))
            .thenSilentUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, ONE_HOUR);
    Future<?> running = runInBackground(runner);

    journal.awaitEntry("acknowledge pos-1");
    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries()).containsExactly("acknowledge pos-1", "close source");
    assertThat(sink.checkpoints()).isEmpty();
  }

  // (b) snapshot rows are committed before the first streamed change

  @Test
  void forcesACheckpointBetweenSnapshotRowsAndTheFirstStreamedChange() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", read(1), read(2))
            .batch("pos-2", read(3), insert(4), update(4));
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, ONE_HOUR).run();

    // Not acknowledged: the acknowledger covers the whole batch, whose end is not committed. The
    // commit records the last position known before the batch.
    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "write public.items READ [2, item 2]",
            "write public.items READ [3, item 3]",
            "commit 1 at pos-1",
            "write public.items INSERT [4, item 4]",
            "write public.items UPDATE [4, item 4 renamed]");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, "pos-1"));
  }

  @Test
  void forcesTheCheckpointBeforeADeleteAsBeforeAnyStreamedChange() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", read(1)).batch("pos-2", delete(1));

    runner(source, new RecordingSink(journal), ONE_HOUR).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "commit 1 at pos-1",
            "write public.items DELETE [1, item 1]");
  }

  @Test
  void doesNotCommitSnapshotRowsEarlyWhileTheSnapshotGoesOn() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", read(1), read(2))
            .batch("pos-2", read(3))
            .batch("pos-3", readOrder(1));

    runner(source, new RecordingSink(journal), ONE_HOUR).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "write public.items READ [2, item 2]",
            "write public.items READ [3, item 3]",
            "write public.orders READ [1, item 1]");
  }

  @Test
  void commitsAndAcknowledgesSnapshotRowsWhenAnEmptyBatchFollowsThem() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", read(1), read(2))
            .batch("pos-2")
            .batch("pos-3", insert(3));

    runner(source, new RecordingSink(journal), ONE_HOUR).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "write public.items READ [2, item 2]",
            "commit 1 at pos-2",
            "acknowledge pos-2",
            "write public.items INSERT [3, item 3]");
  }

  @Test
  void commitsAndAcknowledgesSnapshotRowsOnTheTimerOnceTheSourceIsQuietForASecond()
      throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", read(1), read(2))
            .then(() -> clock.advance(Duration.ofSeconds(1)))
            .thenSilentUntilClosed();
    PipelineRunner runner = runner(source, new RecordingSink(journal), ONE_HOUR);
    Future<?> running = runInBackground(runner);

    journal.awaitEntry("acknowledge pos-1");
    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "write public.items READ [2, item 2]",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "close source");
  }

  @Test
  void needsNoExtraCheckpointWhenTheSnapshotRowsAreCommittedAlready() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .then(() -> clock.advance(ONE_HOUR))
            .batch("pos-1", read(1))
            .batch("pos-2", insert(2));

    runner(source, new RecordingSink(journal), ONE_HOUR).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items INSERT [2, item 2]");
  }

  // (c) stop commits what was buffered

  @Test
  void stopCommitsAndAcknowledgesWhatWasBufferedThenClosesTheSource() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .batch("pos-2", insert(2))
            .thenIdleUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, ONE_HOUR);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "write public.items INSERT [2, item 2]",
            "commit 1 at pos-2",
            "acknowledge pos-2",
            "close source");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, "pos-2"));
  }

  @Test
  void stopCommitsFromItsOwnThreadWhenTheSourceIsSilent() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", insert(1)).thenSilentUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, ONE_HOUR);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "close source");
  }

  @Test
  void stopClosesTheSourceEvenWhenTheFinalCommitFails() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", insert(1)).thenSilentUntilClosed();
    IOException failure = new IOException("Cannot commit table public.items: disk full");
    PipelineRunner runner =
        runner(source, new RecordingSink(journal).failingCommitsWith(failure), ONE_HOUR);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    assertThatThrownBy(runner::stop)
        .isInstanceOf(IOException.class)
        .hasMessage("Cannot commit table public.items: disk full")
        .isSameAs(failure);

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly("write public.items INSERT [1, item 1]", "close source");
  }

  @Test
  void stopWithNothingBufferedOnlyAcknowledgesTheLastBatch() throws Exception {
    ScriptedSource source = new ScriptedSource(journal).batch("pos-1").thenIdleUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, ONE_HOUR);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries()).containsExactly("acknowledge pos-1", "close source");
    assertThat(sink.checkpoints()).isEmpty();
  }

  @Test
  void ignoresBatchesHandedOverAfterStop() throws Exception {
    ScriptedSource source = new ScriptedSource(journal);
    PipelineRunner runner = runner(source, new RecordingSink(journal), ONE_HOUR);
    source.batch("pos-1", insert(1)).then(runner::stop).batch("pos-2", insert(2));

    runner.run();

    // Neither written nor acknowledged: the source delivers it again after a restart.
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "close source");
  }

  // (d) checkpoint ids survive restarts

  @Test
  void continuesCheckpointIdsFromTheCheckpointStoreAcrossRuns() throws Exception {
    CheckpointStore store = new CheckpointStore(stateDirectory);
    ScriptedSource firstSource =
        new ScriptedSource(journal).batch("pos-1", insert(1)).batch("pos-2", insert(2));
    RecordingSink firstSink = new RecordingSink(journal);
    runner(firstSource, firstSink, Duration.ZERO, store).run();

    clock.advance(Duration.ofMinutes(1));
    ScriptedSource secondSource = new ScriptedSource(journal).batch("pos-3", insert(3));
    RecordingSink secondSink = new RecordingSink(journal);
    PipelineRunner second = runner(secondSource, secondSink, Duration.ZERO, store);
    second.run();

    assertThat(firstSink.checkpoints())
        .containsExactly(
            new Checkpoint(1, PIPELINE, "pos-1"), new Checkpoint(2, PIPELINE, "pos-2"));
    assertThat(secondSink.checkpoints()).containsExactly(new Checkpoint(3, PIPELINE, "pos-3"));
    assertThat(store.load())
        .contains(new CommittedCheckpoint(3, "pos-3", START.plus(Duration.ofMinutes(1))));
    assertThat(second.status().lastCheckpointId()).isEqualTo(3);
  }

  @Test
  void startsAfterTheCheckpointIdOfAnEarlierRun() throws Exception {
    CheckpointStore store = new CheckpointStore(stateDirectory);
    store.save(new CommittedCheckpoint(41, "lsn=0/16B3748", START.minus(ONE_HOUR)));
    ScriptedSource source = new ScriptedSource(journal).batch("lsn=0/16B3800", insert(1));
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, Duration.ZERO, store).run();

    assertThat(sink.checkpoints())
        .containsExactly(new Checkpoint(42, PIPELINE, "lsn=0/16B3800"));
    assertThat(store.load()).contains(new CommittedCheckpoint(42, "lsn=0/16B3800", START));
  }

  // (e) failures end the run

  @Test
  void propagatesACommitFailureOutOfRunWithoutAcknowledging() throws Exception {
    IOException failure = new IOException("Cannot commit table public.items: disk full");
    CheckpointStore store = new CheckpointStore(stateDirectory);
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", read(1)).batch("pos-2", insert(2));
    PipelineRunner runner =
        runner(source, new RecordingSink(journal).failingCommitsWith(failure), ONE_HOUR, store);

    assertThatThrownBy(runner::run)
        .isInstanceOf(PipelineFailure.class)
        .hasMessage("Cannot commit table public.items: disk full")
        .hasCause(failure);
    assertThat(journal.entries()).containsExactly("write public.items READ [1, item 1]");
    assertThat(store.load()).isEmpty();
  }

  @Test
  void endsTheRunWithACommitFailureOnTheTimer() throws Exception {
    IOException failure = new IOException("Cannot commit table public.items: disk full");
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .then(() -> clock.advance(ONE_HOUR))
            .thenSilentUntilClosed();
    PipelineRunner runner =
        runner(source, new RecordingSink(journal).failingCommitsWith(failure), ONE_HOUR);

    Future<?> running = runInBackground(runner);

    assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessage("Cannot commit table public.items: disk full")
        .isSameAs(failure);
    assertThat(journal.entries())
        .containsExactly("write public.items INSERT [1, item 1]", "close source");
  }

  @Test
  void propagatesAWriteFailureUnwrapped() throws Exception {
    PermanentPipelineException failure =
        new PermanentPipelineException("Cannot write to public.items: value too long: name");
    Sink failingSink =
        new Sink() {
          @Override
          public void write(TableId sinkTable, DataChangeEvent event) {
            throw failure;
          }

          @Override
          public List<TableCommit> commit(Checkpoint checkpoint) {
            throw new AssertionError("nothing was written, so nothing may be committed");
          }

          @Override
          public void close() {}
        };
    ScriptedSource source = new ScriptedSource(journal).batch("pos-1", insert(1));

    assertThatThrownBy(runner(source, failingSink, ONE_HOUR)::run)
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage("Cannot write to public.items: value too long: name")
        .isSameAs(failure);
    assertThat(journal.entries()).isEmpty();
  }

  // status

  @Test
  void reportsChangesReadAndCommittedPerSinkTable() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1), insert(2), insertOrder(7))
            .then(() -> clock.advance(Duration.ofSeconds(30)))
            .batch("pos-2", update(2));
    PipelineRunner runner = runner(source, new RecordingSink(journal), Duration.ZERO);

    runner.run();

    Instant secondCommit = START.plus(Duration.ofSeconds(30));
    assertThat(runner.status().changesRead()).isEqualTo(4);
    assertThat(runner.status().lastCheckpointId()).isEqualTo(2);
    assertThat(runner.status().lastCheckpointAt()).isEqualTo(secondCommit);
    assertThat(runner.status().tables())
        .containsExactly(
            new TableStatus(TableId.of("public", "items"), 3, secondCommit, 30_000),
            new TableStatus(TableId.of("public", "orders"), 1, START, 0));
  }

  private PipelineRunner runner(ScriptedSource source, Sink sink, Duration interval) {
    return runner(source, sink, interval, new CheckpointStore(stateDirectory));
  }

  private PipelineRunner runner(
      ScriptedSource source, Sink sink, Duration interval, CheckpointStore store) {
    return new PipelineRunner(PIPELINE, source, sink, new TableRouter(), interval, store, clock);
  }

  private Future<?> runInBackground(PipelineRunner runner) {
    return background.submit(
        () -> {
          runner.run();
          return null;
        });
  }

  private static Object[] row(long id) {
    return new Object[] {id, "item " + id};
  }

  private static DataChangeEvent read(long id) {
    return DataChangeEvent.read(ITEMS, SCHEMA, row(id), START.toEpochMilli());
  }

  private static DataChangeEvent readOrder(long id) {
    return DataChangeEvent.read(ORDERS, SCHEMA, row(id), START.toEpochMilli());
  }

  private static DataChangeEvent insert(long id) {
    return DataChangeEvent.insert(ITEMS, SCHEMA, row(id), START.toEpochMilli());
  }

  private static DataChangeEvent insertOrder(long id) {
    return DataChangeEvent.insert(ORDERS, SCHEMA, row(id), START.toEpochMilli());
  }

  private static DataChangeEvent update(long id) {
    return DataChangeEvent.update(
        ITEMS, SCHEMA, row(id), new Object[] {id, "item " + id + " renamed"}, START.toEpochMilli());
  }

  private static DataChangeEvent delete(long id) {
    return DataChangeEvent.delete(ITEMS, SCHEMA, row(id), START.toEpochMilli());
  }
}
