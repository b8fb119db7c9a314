package dev.cdcsync.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.runtime.checkpoint.CheckpointRecord;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How a pipeline stops: it commits at a transaction boundary, waiting for one for up to 10 s,
 * otherwise drops the open transaction; it always closes the source and releases its lease.
 */
class PipelineRunnerStopTest extends PipelineRunnerTestBase {

  @Test
  void commitsAndAcknowledgesWhatWasHandedOverThenClosesTheSource() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .batch("pos-2", insert(2))
            .thenIdleUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, INTERVAL);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "write public.items INSERT [2, item 2]",
            "prepare public.items: 2 changes",
            "record 1 at pos-2",
            "commit 1 at pos-2",
            "acknowledge pos-2",
            "close source");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, 1, "pos-2"));
  }

  @Test
  void commitsOnTheTimerWhenTheSourceIsSilent() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", insert(1)).thenSilentUntilClosed();
    PipelineRunner runner = runner(source, new RecordingSink(journal), INTERVAL);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

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
  }

  @Test
  void waitsForTheEndOfTheSourceTransactionToCommit() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batchInsideTransaction("pos-1", insert(1))
            .then(() -> journal.awaitEntry("stop requested"))
            .batch("pos-2", insert(2))
            .thenSilentUntilClosed();
    PipelineRunner runner = runner(source, new RecordingSink(journal), INTERVAL);
    Future<?> running = runInBackground(runner);
    journal.awaitEntry("write public.items INSERT [1, item 1]");

    journal.add("stop requested");
    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "stop requested",
            "write public.items INSERT [2, item 2]",
            "prepare public.items: 2 changes",
            "record 1 at pos-2",
            "commit 1 at pos-2",
            "acknowledge pos-2",
            "close source");
  }

  /** Takes 10 s: the runner waits that long, in real time, for the transaction to end. */
  @Test
  void abortsTheOpenTransactionWhenItDoesNotEndInTime() throws Exception {
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .batchInsideTransaction("pos-2", insert(2))
            .thenSilentUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, Duration.ZERO);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items INSERT [2, item 2]",
            "abort",
            "close source");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, 1, "pos-1"));
    assertThat(store.latest().map(CheckpointRecord::id)).contains(1L);
    assertThat(signsOfLife()).isEmpty();
  }

  @Test
  void releasesTheLeaseSoThatASuccessorNeedNotWait() throws Exception {
    ScriptedSource source = new ScriptedSource(journal).batch("pos-1").thenSilentUntilClosed();
    PipelineRunner runner = runner(source, new RecordingSink(journal), INTERVAL);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();
    assertThat(signsOfLife()).hasSize(1);

    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(signsOfLife()).isEmpty();
  }

  @Test
  void endsTheRunWithTheFailureOfTheFinalCommitAndStillClosesTheSource() throws Exception {
    IOException failure = new IOException("Cannot commit table public.items: disk full");
    ScriptedSource source =
        new ScriptedSource(journal).batch("pos-1", insert(1)).thenSilentUntilClosed();
    PipelineRunner runner =
        runner(source, new RecordingSink(journal).failingCommitsWith(failure), INTERVAL);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    runner.stop();

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
  void onlyRecordsAndAcknowledgesTheLastBatchWhenNothingIsBuffered() throws Exception {
    ScriptedSource source = new ScriptedSource(journal).batch("pos-1").thenIdleUntilClosed();
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, INTERVAL);
    Future<?> running = runInBackground(runner);
    source.awaitScriptPlayed();

    runner.stop();

    running.get(10, TimeUnit.SECONDS);
    assertThat(journal.entries())
        .containsExactly("record 1 at pos-1", "acknowledge pos-1", "close source");
    assertThat(sink.commits()).isEmpty();
  }

  @Test
  void ignoresBatchesHandedOverAfterStop() throws Exception {
    ScriptedSource source = new ScriptedSource(journal);
    PipelineRunner runner = runner(source, new RecordingSink(journal), INTERVAL);
    source.batch("pos-1", insert(1)).then(runner::stop).batch("pos-2", insert(2));

    runner.run();

    // Neither written nor acknowledged: the source delivers it again after a restart.
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "close source");
  }
}
