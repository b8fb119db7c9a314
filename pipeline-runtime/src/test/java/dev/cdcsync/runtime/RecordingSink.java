package dev.cdcsync.runtime;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory sink that records its writes and commits in a {@link Journal} shared with the
 * source. A commit's entry is added just before it returns.
 */
final class RecordingSink implements Sink {

  private final Journal journal;
  private final Map<TableId, TableCommit> pending = new LinkedHashMap<>();
  private final List<Checkpoint> checkpoints = new ArrayList<>();
  private volatile Exception commitFailure;

  RecordingSink(Journal journal) {
    this.journal = journal;
  }

  /** Makes every later commit throw {@code failure}. */
  RecordingSink failingCommitsWith(Exception failure) {
    this.commitFailure = failure;
    return this;
  }

  /** The checkpoints of the commits that succeeded, in order. */
  List<Checkpoint> checkpoints() {
    return List.copyOf(checkpoints);
  }

  @Override
  public void write(TableId sinkTable, DataChangeEvent event) {
    Object[] row = event.after() != null ? event.after() : event.before();
    journal.add("write " + sinkTable + " " + event.operation() + " " + Arrays.toString(row));
    pending.merge(
        sinkTable,
        new TableCommit(sinkTable, 1, event.sourceTimestampMillis()),
        (a, b) ->
            new TableCommit(
                sinkTable,
                a.changes() + b.changes(),
                Math.max(a.maxSourceTimestampMillis(), b.maxSourceTimestampMillis())));
  }

  @Override
  public List<TableCommit> commit(Checkpoint checkpoint) throws Exception {
    if (commitFailure != null) {
      throw commitFailure;
    }
    List<TableCommit> commits = List.copyOf(pending.values());
    pending.clear();
    checkpoints.add(checkpoint);
    journal.add("commit " + checkpoint.id() + " at " + checkpoint.sourcePosition());
    return commits;
  }

  @Override
  public void close() {
    pending.clear();
  }
}
