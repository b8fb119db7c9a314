package dev.cdcsync.runtime;

import static dev.cdcsync.runtime.ScriptedSource.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.PipelineRunner.PipelineFailure;
import dev.cdcsync.runtime.PipelineStatus.TableStatus;
import dev.cdcsync.runtime.RecordingSink.Commit;
import dev.cdcsync.runtime.checkpoint.CheckpointRecord;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import dev.cdcsync.runtime.routing.TableRouter;
import dev.cdcsync.runtime.schema.SchemaChangeBehavior;
import dev.cdcsync.runtime.schema.SchemaEvolver;
import dev.cdcsync.runtime.transform.Transformer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** How a running pipeline checkpoints: when, in which order, and what it acknowledges. */
class PipelineRunnerTest extends PipelineRunnerTestBase {

  // order of a checkpoint

  @Test
  void preparesThenWritesTheRecordThenCommitsThenAcknowledges() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .then(() -> clock.advance(INTERVAL))
            .batch("pos-1", insert(1), insertOrder(2), insert(3))
            .batch("pos-2", insert(4));
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, INTERVAL).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "write public.orders INSERT [2, item 2]",
            "write public.items INSERT [3, item 3]",
            "prepare public.items: 2 changes, public.orders: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items INSERT [4, item 4]");
    Map<TableId, String> prepared =
        Map.of(SINK_ITEMS, "public.items: 2 changes", SINK_ORDERS, "public.orders: 1 change");
    assertThat(sink.commits())
        .containsExactly(new Commit(new Checkpoint(1, PIPELINE, 1, "pos-1"), prepared));
    CheckpointRecord record = store.latest().orElseThrow();
    assertThat(record)
        .usingRecursiveComparison()
        .ignoringFields("tables")
        .isEqualTo(
            new CheckpointRecord(
                1, PIPELINE, 1, START.plus(INTERVAL), position("pos-1"), Map.of()));
    assertThat(preparedText(record)).isEqualTo(prepared);
  }

  @Test
  void startsTheSourceFromTheBeginningWithoutACheckpointRecord() throws Exception {
    ScriptedSource source = new ScriptedSource(journal).batch("pos-1", insert(1));

    runner(source, new RecordingSink(journal), Duration.ZERO).run();

    assertThat(source.startAfter()).isEmpty();
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1");
  }

  // when to checkpoint

  @Test
  void leavesChangesUncommittedAndUnacknowledgedUntilTheIntervalPasses() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .batch("pos-2", delete(1))
            .batch("pos-3");
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, INTERVAL).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]", "write public.items DELETE [1, item 1]");
    assertThat(sink.commits()).isEmpty();
    assertThat(store.latest()).isEmpty();
  }

  @Test
  void checkpointsAtEveryBoundaryWithAZeroInterval() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", insert(1), insert(2)).batch("pos-2", update(2));
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, Duration.ZERO).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "write public.items INSERT [2, item 2]",
            "prepare public.items: 2 changes",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items UPDATE [2, item 2 renamed]",
            "prepare public.items: 1 change",
            "record 2 at pos-2",
            "commit 2 at pos-2",
            "acknowledge pos-2");
    assertThat(sink.checkpoints())
        .containsExactly(
            new Checkpoint(1, PIPELINE, 1, "pos-1"), new Checkpoint(2, PIPELINE, 1, "pos-2"));
  }

  @Test
  void checkpointsOnlyAtTheEndOfASourceTransaction() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batchInsideTransaction("pos-1", insert(1))
            .batchInsideTransaction("pos-2", insert(2))
            .batch("pos-3", insert(3));
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, Duration.ZERO).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "write public.items INSERT [2, item 2]",
            "write public.items INSERT [3, item 3]",
            "prepare public.items: 3 changes",
            "record 1 at pos-3",
            "commit 1 at pos-3",
            "acknowledge pos-3");
  }

  /**
   * A load replacing source tables replaces their sink tables, except one that merges several
   * source tables: the others' rows are in it too.
   */
  @Test
  void aLoadReplacesTheSinkTablesOfItsTablesButNotAMergedOne() throws Exception {
    TableRouter routes =
        routes(
            """
              - source-table: shop.public.order\\.*
                sink-table: lake.orders
            """);
    PipelineRunner runner =
        evolvingRunner(
            new ScriptedSource(journal), new RecordingSink(journal), routes, Duration.ZERO);

    runner.initialLoad("load-1", Set.of(ITEMS, ORDERS));

    assertThat(journal.entries()).containsExactly("initial load load-1 replacing [public.items]");
  }

  /** The sink hears that a table merging several source tables may get inserts of one key. */
  @Test
  void tellsTheSinkThatInsertsIntoAMergedTableMayRepeatKeys() throws Exception {
    TableRouter routes =
        routes(
            """
              - source-table: shop.public.items
                sink-table: lake.items
              - source-table: shop.public.order\\.*
                sink-table: lake.orders
            """);
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1), insertOrder(1))
            .thenSilentUntilClosed();
    PipelineRunner runner =
        evolvingRunner(source, new RecordingSink(journal), routes, Duration.ofHours(1));
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();
    source.close();
    running.get(10, TimeUnit.SECONDS);

    assertThat(journal.entries())
        .containsSubsequence(
            "inserts may repeat keys in lake.orders", "write lake.orders INSERT [1, item 1]")
        .doesNotContain("inserts may repeat keys in lake.items");
  }

  @Test
  void aTableLoadedAgainWhileRunningHasItsChangesCommittedBeforeTheLoadReplacesIt()
      throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .loading("load-2", Set.of(ITEMS))
            .thenSilentUntilClosed();
    PipelineRunner runner =
        evolvingRunner(source, new RecordingSink(journal), new TableRouter(), Duration.ofHours(1));
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    source.close();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsSubsequence(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "commit 1 at pos-1",
            "initial load load-2 replacing [public.items]");
  }

  @Test
  void countsEventsFromTheNewestCheckpointAlsoWhenItRecordsOnlyThePosition() throws Exception {
    // A truncate of an empty table is handed over but writes nothing: checkpoint 1 records only
    // pos-1. The transaction after it starts right at checkpoint 1, so a run restarted there
    // (CommitPoint) could do no better: its part before the truncate is committed alone.
    ScriptedSource source =
        new ScriptedSource(journal)
            .allowingSplits()
            .batch("pos-1", DataChangeEvent.truncate(ORDERS, SCHEMA, START.toEpochMilli()))
            .batchInsideTransaction("pos-2", insert(1))
            .batch("pos-3", DataChangeEvent.truncate(ITEMS, SCHEMA, START.toEpochMilli()));
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = evolvingRunner(source, sink, new TableRouter(), Duration.ZERO);

    runner.run();

    assertThat(journal.entries())
        .containsSubsequence(
            "truncate public.orders",
            "acknowledge pos-1",
            "prepare public.items: 1 change",
            "commit 2 at pos-2",
            "acknowledge pos-2",
            "truncate public.items",
            "acknowledge pos-3");
  }

  /** A truncate the behavior does not apply leaves rows the source lost: the sink hears it. */
  @Test
  void aTruncateNotAppliedTellsTheSinkThatInsertsMayRepeatKeys() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .batch("pos-2", DataChangeEvent.truncate(ITEMS, SCHEMA, START.toEpochMilli()));
    PipelineRunner runner =
        runner(
            source,
            new RecordingSink(journal),
            new TableRouter(),
            Duration.ZERO,
            SchemaChangeBehavior.IGNORE);

    runner.run();

    assertThat(journal.entries())
        .contains("inserts may repeat keys in public.items")
        .doesNotContain("truncate public.items");
  }

  @Test
  void countsEventsFromWhereItSplitATransaction() throws Exception {
    // Checkpoint 1 at pos-1; a transaction from there truncates items after writing it: its first
    // part is checkpoint 2, at pos-2. The next transaction truncates items after writing it too,
    // and did not start at checkpoint 2: the run must restart from checkpoint 2 and commit after
    // the 2 events that follow it (the truncate at pos-3 and the insert ending at pos-4).
    ScriptedSource source =
        new ScriptedSource(journal)
            .allowingSplits()
            .then(() -> clock.advance(Duration.ofMinutes(2)))
            .batch("pos-1", insert(1))
            .batchInsideTransaction("pos-2", insert(2))
            .batch("pos-3", DataChangeEvent.truncate(ITEMS, SCHEMA, START.toEpochMilli()))
            .batch("pos-4", insert(3))
            .batchInsideTransaction("pos-5", insert(4))
            .batch("pos-6", DataChangeEvent.truncate(ITEMS, SCHEMA, START.toEpochMilli()));
    PipelineRunner runner =
        evolvingRunner(
            source, new RecordingSink(journal), new TableRouter(), Duration.ofMinutes(1));

    assertThat(runner.run())
        .hasValueSatisfying(
            point -> {
              assertThat(List.of(point.checkpointId(), point.events())).containsExactly(2L, 2L);
              assertThat(point.reason())
                  .isEqualTo(
                      "Cannot truncate table public.items in the middle of a source transaction"
                          + " whose earlier changes are not committed");
            });
  }

  @Test
  void doesNotCheckpointOnTheTimerWhileTheSourceIsInsideATransaction() throws Exception {
    storage.onCreate(
        (name, content) -> {
          if (name.startsWith("alive-")) {
            journal.add("alive at " + clock.instant());
          }
        });
    // The timer signs of life once 10 s have passed on the clock. The next batch gets in only
    // once that tick, which found the interval passed and a change pending, is over.
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .batchInsideTransaction("pos-2", insert(2))
            .then(
                () -> {
                  clock.advance(Duration.ofSeconds(10));
                  journal.awaitEntry("alive at 2025-03-01T12:00:10Z");
                })
            .batchInsideTransaction("pos-3", insert(3))
            .thenSilentUntilClosed();
    PipelineRunner runner = runner(source, new RecordingSink(journal), Duration.ZERO);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    source.close();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "alive at 2025-03-01T12:00:00Z",
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items INSERT [2, item 2]",
            "alive at 2025-03-01T12:00:10Z",
            "write public.items INSERT [3, item 3]",
            "close source");
  }

  @Test
  void checkpointsOnTheTimerWhileTheSourceIsSilentAtABoundary() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .then(() -> clock.advance(INTERVAL))
            .thenSilentUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, INTERVAL);
    Future<?> running = runInBackground(runner);

    journal.awaitEntry("acknowledge pos-1");
    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "close source");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, 1, "pos-1"));
  }

  @Test
  void recordsAndAcknowledgesTheSourcePositionWhenNothingIsBuffered() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal).then(() -> clock.advance(INTERVAL)).batch("pos-1");
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, INTERVAL).run();

    // Quiet tables, a busy database: a restart resumes from the newest position, not an old one.
    assertThat(journal.entries()).containsExactly("record 1 at pos-1", "acknowledge pos-1");
    assertThat(sink.commits()).isEmpty();
    assertThat(store.latest()).map(CheckpointRecord::tables).contains(Map.of());
  }

  @Test
  void recordsAndAcknowledgesAnEmptyBatchOnTheTimer() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1")
            .then(() -> clock.advance(INTERVAL))
            .thenSilentUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, INTERVAL);
    Future<?> running = runInBackground(runner);

    journal.awaitEntry("acknowledge pos-1");
    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly("record 1 at pos-1", "acknowledge pos-1", "close source");
    assertThat(sink.commits()).isEmpty();
    assertThat(store.latest().map(record -> record.position().description())).contains("pos-1");
  }

  // snapshot rows

  @Test
  void commitsSnapshotRowsAtTheFirstBoundaryThatEndsThem() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batchInsideTransaction("pos-1", read(1), read(2))
            .batchInsideTransaction("pos-2", read(3))
            .batch("pos-3", readOrder(1))
            .batch("pos-4", insert(4));

    runner(source, new RecordingSink(journal), INTERVAL).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "write public.items READ [2, item 2]",
            "write public.items READ [3, item 3]",
            "write public.orders READ [1, item 1]",
            "prepare public.items: 3 changes, public.orders: 1 change",
            "record 1 at pos-3",
            "commit 1 at pos-3",
            "acknowledge pos-3",
            "write public.items INSERT [4, item 4]");
  }

  @Test
  void commitsSnapshotRowsWhenAnEmptyBoundaryBatchFollowsThem() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batchInsideTransaction("pos-1", read(1), read(2))
            .batch("pos-2")
            .batch("pos-3", insert(3));

    runner(source, new RecordingSink(journal), INTERVAL).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "write public.items READ [2, item 2]",
            "prepare public.items: 2 changes",
            "record 1 at pos-2",
            "commit 1 at pos-2",
            "acknowledge pos-2",
            "write public.items INSERT [3, item 3]");
  }

  @Test
  void doesNotCommitSnapshotRowsWhileTheSnapshotGoesOn() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batchInsideTransaction("pos-1", read(1), read(2))
            .batchInsideTransaction("pos-2", read(3))
            .batchInsideTransaction("pos-3", readOrder(1));

    runner(source, new RecordingSink(journal), Duration.ZERO).run();

    assertThat(journal.entries())
        .containsExactly(
            "write public.items READ [1, item 1]",
            "write public.items READ [2, item 2]",
            "write public.items READ [3, item 3]",
            "write public.orders READ [1, item 1]");
  }

  @Test
  void refusesAStreamedChangeAfterSnapshotRowsWithoutABoundaryBetween() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batchInsideTransaction("pos-1", read(1))
            .batch("pos-2", insert(2));

    assertThatThrownBy(runner(source, new RecordingSink(journal), INTERVAL)::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "Cannot apply a streamed change before the snapshot rows are committed: the source"
                + " did not end its snapshot at a transaction boundary");
    assertThat(journal.entries()).containsExactly("write public.items READ [1, item 1]");
  }

  // sequences

  @Test
  void numbersChangesByCheckpointAndOrdinalAcrossTransactionsAndCheckpoints() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batchInsideTransaction("pos-1", insert(1), insert(2))
            .batch("pos-2", insertOrder(3))
            .batch("pos-3", update(2), delete(1));
    RecordingSink sink = new RecordingSink(journal);

    runner(source, sink, Duration.ZERO).run();

    assertThat(sink.sequences())
        .containsExactly(
            sequence(1, 0), sequence(1, 1), sequence(1, 2), sequence(2, 0), sequence(2, 1))
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      10) // a runner that commits on the source's thread never gets past the commit
  void keepsWritingWhileACheckpointCommitsAndAcknowledgesOnlyAfterItsCommit() throws Exception {
    java.util.concurrent.CountDownLatch releaseCommit = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch commitStarted = new java.util.concurrent.CountDownLatch(1);
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .then(commitStarted::await)
            .batchInsideTransaction("pos-2", insert(2))
            .then(releaseCommit::countDown)
            .batch("pos-3", insert(3));
    RecordingSink sink =
        new RecordingSink(journal)
            .beforeEachCommit(
                () -> {
                  commitStarted.countDown();
                  releaseCommit.await();
                });
    java.util.concurrent.ExecutorService committer =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      runner(source, sink, Duration.ZERO, committer).run();
    } finally {
      committer.shutdownNow();
    }

    java.util.List<String> entries = journal.entries();
    // Row 2 was written while checkpoint 1 was committing; position 1 was acknowledged only after.
    assertThat(entries.indexOf("write public.items INSERT [2, item 2]"))
        .isLessThan(entries.indexOf("commit 1 at pos-1"));
    // Checkpoint 2 was prepared only once checkpoint 1 was committed and acknowledged.
    assertThat(entries)
        .containsSubsequence(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "prepare public.items: 2 changes",
            "record 2 at pos-3",
            "commit 2 at pos-3",
            "acknowledge pos-3")
        .containsSubsequence(
            "write public.items INSERT [3, item 3]", "prepare public.items: 2 changes");
    assertThat(sink.checkpoints())
        .containsExactly(
            new Checkpoint(1, PIPELINE, 1, "pos-1"), new Checkpoint(2, PIPELINE, 1, "pos-3"));
  }

  @Test
  void commitsEarlyOnceManyTablesHaveChangesWaiting() throws Exception {
    for (int tables :
        new int[] {
          PipelineRunner.MAX_TABLES_PER_CHECKPOINT - 1, PipelineRunner.MAX_TABLES_PER_CHECKPOINT
        }) {
      Journal journal = new Journal();
      DataChangeEvent[] events = new DataChangeEvent[tables];
      for (int t = 0; t < tables; t++) {
        events[t] =
            DataChangeEvent.insert(
                TableId.of("shop", "public", "t" + t), SCHEMA, new Object[] {1L, "x"}, 0);
      }
      ScriptedSource source = new ScriptedSource(journal).batch("pos-" + tables, events);
      runner(source, new RecordingSink(journal), Duration.ofHours(1)).run();

      assertThat(journal.entries().contains("acknowledge pos-" + tables))
          .as("committed after a boundary with %d tables waiting", tables)
          .isEqualTo(tables >= PipelineRunner.MAX_TABLES_PER_CHECKPOINT);
    }
  }

  // failures

  @Test
  void endsTheRunWithACommitFailureWithoutAcknowledgingButKeepsTheRecord() throws Exception {
    IOException failure = new IOException("Cannot commit table public.items: disk full");
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", read(1)).batch("pos-2", insert(2));
    PipelineRunner runner =
        runner(source, new RecordingSink(journal).failingCommitsWith(failure), INTERVAL);

    // The commit fails once the batch was handed over; the run ends with it before the next batch.
    assertThatThrownBy(runner::run)
        .satisfies(
            thrown ->
                assertThat(thrown instanceof PipelineFailure ? thrown.getCause() : thrown)
                    .isSameAs(failure));
    // The record stays: the next start commits it. (The checkpoint timer may see the failure
    // first and close the source; either way nothing is acknowledged.)
    assertThat(journal.entries())
        .startsWith(
            "write public.items READ [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1")
        .hasSizeLessThanOrEqualTo(4)
        .noneMatch(
            entry ->
                entry.startsWith("acknowledge") || entry.startsWith("write public.items INSERT"));
    assertThat(store.latest().map(CheckpointRecord::id)).contains(1L);
  }

  @Test
  void endsTheRunWithACommitFailureOnTheTimer() throws Exception {
    IOException failure = new IOException("Cannot commit table public.items: disk full");
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .then(() -> clock.advance(INTERVAL))
            .thenSilentUntilClosed();
    PipelineRunner runner =
        runner(source, new RecordingSink(journal).failingCommitsWith(failure), INTERVAL);

    Future<?> running = runInBackground(runner);

    assertThatThrownBy(() -> running.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(IOException.class)
        .hasMessage("Cannot commit table public.items: disk full")
        .isSameAs(failure);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "close source");
  }

  @Test
  void propagatesAWriteFailureUnwrapped() {
    PermanentPipelineException failure =
        new PermanentPipelineException("Cannot write to public.items: value too long: name");
    ScriptedSource source = new ScriptedSource(journal).batch("pos-1", insert(1));
    RecordingSink sink = new RecordingSink(journal).failingWritesWith(failure);

    assertThatThrownBy(runner(source, sink, Duration.ZERO)::run)
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
            new TableStatus(SINK_ITEMS, 3, secondCommit, 30_000),
            new TableStatus(SINK_ORDERS, 1, START, 0));
  }

  /** The routes of a PostgreSQL pipeline file whose {@code route:} section is {@code rules}. */
  private static TableRouter routes(String rules) {
    return TableRouter.of(
        new PipelineDefinitionParser(Map.<String, String>of()::get)
            .parse(
                "source:\n  type: postgres\nsink:\n  type: iceberg\nroute:\n"
                    + rules.stripIndent().indent(2),
                "p.yaml")
            .routes(),
        "database.schema.table");
  }

  /** A runner that evolves schemas as the events' schemas change and commits at once. */
  private PipelineRunner evolvingRunner(
      ScriptedSource source, Sink sink, TableRouter router, Duration interval) {
    return runner(source, sink, router, interval, SchemaChangeBehavior.EVOLVE);
  }

  private PipelineRunner runner(
      ScriptedSource source,
      Sink sink,
      TableRouter router,
      Duration interval,
      SchemaChangeBehavior behavior) {
    return new PipelineRunner(
        PIPELINE,
        source,
        sink,
        router,
        Transformer.NONE,
        interval,
        store,
        lease(clock),
        new SchemaEvolver(behavior),
        clock,
        new PipelineStatus());
  }
}
