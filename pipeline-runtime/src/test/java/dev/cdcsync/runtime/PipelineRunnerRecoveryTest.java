package dev.cdcsync.runtime;

import static dev.cdcsync.runtime.OtherProcesses.LIVE_PROCESS_ON_THIS_HOST;
import static dev.cdcsync.runtime.OtherProcesses.THIS_PROCESS;
import static dev.cdcsync.runtime.OtherProcesses.claimNewestEpoch;
import static dev.cdcsync.runtime.ScriptedSource.position;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.runtime.RecordingSink.Commit;
import dev.cdcsync.runtime.checkpoint.CheckpointRecord;
import dev.cdcsync.runtime.checkpoint.CheckpointStore;
import dev.cdcsync.runtime.checkpoint.InstanceLease;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a pipeline resumes after an earlier run, and how it keeps a second instance out. */
class PipelineRunnerRecoveryTest extends PipelineRunnerTestBase {

  private static final SourcePosition LSN_7 =
      new SourcePosition(
          Map.of("{\"server\":\"shop\"}", "{\"lsn\":23808840,\"txId\":771}"), "lsn=0/16B3748");

  @Test
  void commitsTheNewestRecordAgainThenResumesTheSourceAfterItsPosition() throws Exception {
    givenAnEarlierInstanceThatDied();
    store.write(record(6, 1, position("pos-6"), Map.of(SINK_ITEMS, "public.items: 4 changes")));
    store.write(
        record(
            7,
            1,
            LSN_7,
            Map.of(SINK_ITEMS, "public.items: 2 changes", SINK_ORDERS, "public.orders: 1 change")));
    ScriptedSource source = new ScriptedSource(journal).batch("pos-8", insert(1));
    RecordingSink sink = new RecordingSink(journal);
    PipelineRunner runner = runner(source, sink, Duration.ZERO);

    runner.run();

    assertThat(source.startAfter()).contains(LSN_7);
    assertThat(journal.entries())
        .containsExactly(
            "commit 7 at lsn=0/16B3748",
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 8 at pos-8",
            "commit 8 at pos-8",
            "acknowledge pos-8");
    assertThat(sink.commits())
        .containsExactly(
            new Commit(
                new Checkpoint(7, PIPELINE, 2, "lsn=0/16B3748"),
                Map.of(
                    SINK_ITEMS, "public.items: 2 changes", SINK_ORDERS, "public.orders: 1 change")),
            new Commit(
                new Checkpoint(8, PIPELINE, 2, "pos-8"),
                Map.of(SINK_ITEMS, "public.items: 1 change")));
    assertThat(sink.sequences()).containsExactly(sequence(8, 0));
    assertThat(runner.status().lastCheckpointId()).isEqualTo(8);
  }

  @Test
  void ignoresATornRecordAndWritesItsIdAgain() throws Exception {
    givenAnEarlierInstanceThatDied();
    store.write(record(6, 1, position("pos-6"), Map.of(SINK_ITEMS, "public.items: 4 changes")));
    byte[] complete =
        CheckpointStore.encode(
            record(7, 1, position("pos-7-lost"), Map.of(SINK_ITEMS, "public.items: 9 changes")));
    storage.create(CheckpointStore.name(7), Arrays.copyOf(complete, complete.length / 2));
    ScriptedSource source = new ScriptedSource(journal).batch("pos-7", insert(1));

    runner(source, new RecordingSink(journal), Duration.ZERO).run();

    assertThat(source.startAfter()).contains(position("pos-6"));
    assertThat(journal.entries())
        .containsExactly(
            "commit 6 at pos-6",
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 7 at pos-7",
            "commit 7 at pos-7",
            "acknowledge pos-7");
    CheckpointRecord latest = store.latest().orElseThrow();
    assertThat(latest.position()).isEqualTo(position("pos-7"));
    assertThat(preparedText(latest))
        .containsExactly(Map.entry(SINK_ITEMS, "public.items: 1 change"));
  }

  @Test
  void continuesCheckpointIdsAndSequencesAcrossRuns() throws Exception {
    ScriptedSource firstSource =
        new ScriptedSource(journal).batch("pos-1", insert(1), insert(2)).batch("pos-2", update(2));
    RecordingSink firstSink = new RecordingSink(journal);
    PipelineRunner first = runner(firstSource, firstSink, Duration.ZERO);
    first.run();
    first.stop();

    clock.advance(Duration.ofMinutes(1));
    ScriptedSource secondSource = new ScriptedSource(journal).batch("pos-3", insert(3), delete(1));
    RecordingSink secondSink = new RecordingSink(journal);
    PipelineRunner second = runner(secondSource, secondSink, Duration.ZERO);
    second.run();

    assertThat(firstSink.checkpoints())
        .containsExactly(
            new Checkpoint(1, PIPELINE, 1, "pos-1"), new Checkpoint(2, PIPELINE, 1, "pos-2"));
    // The second instance takes epoch 2 and first makes sure checkpoint 2 is committed.
    assertThat(secondSource.startAfter()).contains(position("pos-2"));
    assertThat(secondSink.checkpoints())
        .containsExactly(
            new Checkpoint(2, PIPELINE, 2, "pos-2"), new Checkpoint(3, PIPELINE, 2, "pos-3"));
    assertThat(store.latest().map(CheckpointRecord::id)).contains(3L);
    assertThat(second.status().lastCheckpointId()).isEqualTo(3);
    assertThat(firstSink.sequences())
        .containsExactly(sequence(1, 0), sequence(1, 1), sequence(2, 0));
    assertThat(secondSink.sequences()).containsExactly(sequence(3, 0), sequence(3, 1));
  }

  @Test
  void endsTheRunBeforeReadingWhenTheRecoveryCommitFails() throws Exception {
    store.write(record(7, 1, LSN_7, Map.of(SINK_ITEMS, "public.items: 2 changes")));
    IOException failure = new IOException("Cannot commit table public.items: catalog unreachable");
    ScriptedSource source = new ScriptedSource(journal).batch("pos-8", insert(1));

    assertThatThrownBy(
            runner(source, new RecordingSink(journal).failingCommitsWith(failure), Duration.ZERO)
                ::run)
        .isInstanceOf(IOException.class)
        .hasMessage("Cannot commit table public.items: catalog unreachable")
        .isSameAs(failure);
    assertThat(journal.entries()).isEmpty();
  }

  // one instance at a time

  @Test
  void stopsWithoutCommittingOnceANewerInstanceHasStarted() throws Exception {
    // Another machine, to which this instance has seemed silent long enough.
    InstanceLease newer = lease(new MutableClock(START.plus(STALE_AFTER)));
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .then(newer::acquire)
            .batch("pos-2", insert(2));
    RecordingSink sink = new RecordingSink(journal);

    assertThatThrownBy(runner(source, sink, Duration.ZERO)::run)
        .isInstanceOf(FencedException.class)
        .hasMessage(
            "Pipeline 'shop-sync' was taken over by another instance (epoch 2, "
                + THIS_PROCESS
                + " started 2025-03-01T12:01:00Z); this instance (epoch 1) stops without"
                + " committing");
    assertThat(journal.entries())
        .containsExactly(
            "write public.items INSERT [1, item 1]",
            "prepare public.items: 1 change",
            "record 1 at pos-1",
            "commit 1 at pos-1",
            "acknowledge pos-1",
            "write public.items INSERT [2, item 2]");
    assertThat(sink.checkpoints()).containsExactly(new Checkpoint(1, PIPELINE, 1, "pos-1"));
    assertThat(store.latest().map(CheckpointRecord::id)).contains(1L);
  }

  @Test
  void refusesToRunBesideALiveInstanceWithoutTouchingSourceOrSink() throws Exception {
    store.write(record(7, 1, LSN_7, Map.of(SINK_ITEMS, "public.items: 2 changes")));
    lease(clock).acquire();
    claimNewestEpoch(storage, LIVE_PROCESS_ON_THIS_HOST, START);
    clock.advance(Duration.ofSeconds(20));
    ScriptedSource source = new ScriptedSource(journal).batch("pos-8", insert(1));
    RecordingSink sink = new RecordingSink(journal);

    assertThatThrownBy(runner(source, sink, Duration.ZERO)::run)
        .isExactlyInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot start pipeline 'shop-sync': another instance (epoch 1, "
                + LIVE_PROCESS_ON_THIS_HOST
                + " started 2025-03-01T12:00:00Z) was alive 20 s ago; stop it first, or wait 60 s"
                + " if it has died (state in memory:/state/shop-sync/)");
    assertThat(journal.entries()).isEmpty();
    assertThat(sink.commits()).isEmpty();
  }

  @Test
  void releasesTheLeaseWhenTheSourceFails() throws Exception {
    IOException failure = new IOException("Cannot read the binlog: connection reset");
    ScriptedSource source =
        new ScriptedSource(journal)
            .batch("pos-1", insert(1))
            .then(
                () -> {
                  throw failure;
                });

    assertThatThrownBy(runner(source, new RecordingSink(journal), INTERVAL)::run)
        .isInstanceOf(IOException.class)
        .hasMessage("Cannot read the binlog: connection reset")
        .isSameAs(failure);
    assertThat(signsOfLife()).isEmpty();
  }
}
