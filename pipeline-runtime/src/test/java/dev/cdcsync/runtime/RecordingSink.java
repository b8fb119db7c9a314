package dev.cdcsync.runtime;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An in-memory sink that records its calls in a {@link Journal} shared with the source. A call's
 * entry is added just before it returns; a failing call adds none.
 *
 * <p>What {@link #prepareCommit()} returns for a table is the text {@code "<table>: <n> changes"}
 * in UTF-8; {@link #commit} records the prepared descriptions it was given as text. Files prepared
 * by an earlier sink (an earlier run) are reported as committed with zero changes: this fake cannot
 * count them.
 */
final class RecordingSink implements Sink {

  /** One call of {@link #commit}, with the prepared descriptions decoded as UTF-8. */
  record Commit(Checkpoint checkpoint, Map<TableId, String> prepared) {
    Commit {
      prepared = Map.copyOf(prepared);
    }
  }

  private final Journal journal;
  private final Map<TableId, TableCommit> written = new LinkedHashMap<>();
  private final Map<String, TableCommit> prepared = new HashMap<>();
  private final List<Commit> commits = new ArrayList<>();
  private final List<Long> sequences = new ArrayList<>();
  private volatile Exception writeFailure;
  private volatile Exception commitFailure;
  private volatile InterruptibleAction beforeCommit = () -> {};

  RecordingSink(Journal journal) {
    this.journal = journal;
  }

  @Override
  public void initialLoad(String loadId, Set<TableId> replacing) {
    journal.add(
        "initial load "
            + loadId
            + " replacing "
            + new TreeSet<>(replacing.stream().map(TableId::toString).toList()));
  }

  @Override
  public void insertsMayRepeatKeys(TableId sinkTable) {
    journal.add("inserts may repeat keys in " + sinkTable);
  }

  /** Makes every later write throw {@code failure}. */
  RecordingSink failingWritesWith(Exception failure) {
    this.writeFailure = failure;
    return this;
  }

  /** Runs {@code action} at the start of every later commit, outside the sink's lock. */
  RecordingSink beforeEachCommit(InterruptibleAction action) {
    this.beforeCommit = action;
    return this;
  }

  interface InterruptibleAction {
    void run() throws InterruptedException;
  }

  /** Makes every later commit throw {@code failure}. */
  RecordingSink failingCommitsWith(Exception failure) {
    this.commitFailure = failure;
    return this;
  }

  /** The commits that succeeded, in order. */
  synchronized List<Commit> commits() {
    return List.copyOf(commits);
  }

  /** The checkpoints of the commits that succeeded, in order. */
  synchronized List<Checkpoint> checkpoints() {
    return commits.stream().map(Commit::checkpoint).toList();
  }

  /** The sequences of all writes, in order. */
  synchronized List<Long> sequences() {
    return List.copyOf(sequences);
  }

  @Override
  public synchronized void write(TableId sinkTable, DataChangeEvent event, long sequence)
      throws Exception {
    if (writeFailure != null) {
      throw writeFailure;
    }
    Object[] row = event.after() != null ? event.after() : event.before();
    sequences.add(sequence);
    written.merge(
        sinkTable,
        new TableCommit(sinkTable, 1, event.sourceTimestampMillis()),
        (a, b) ->
            new TableCommit(
                sinkTable,
                a.changes() + b.changes(),
                Math.max(a.maxSourceTimestampMillis(), b.maxSourceTimestampMillis())));
    journal.add("write " + sinkTable + " " + event.operation() + " " + Arrays.toString(row));
  }

  @Override
  public synchronized Map<TableId, byte[]> prepareCommit() {
    Map<TableId, byte[]> result = new LinkedHashMap<>();
    List<String> descriptions = new ArrayList<>();
    written.forEach(
        (table, changes) -> {
          String description = describe(changes);
          prepared.put(description, changes);
          descriptions.add(description);
          result.put(table, description.getBytes(StandardCharsets.UTF_8));
        });
    written.clear();
    journal.add("prepare " + String.join(", ", descriptions));
    return result;
  }

  @Override
  public List<TableCommit> commit(Checkpoint checkpoint, Map<TableId, byte[]> files)
      throws Exception {
    beforeCommit.run();
    return recordCommit(checkpoint, files);
  }

  private synchronized List<TableCommit> recordCommit(
      Checkpoint checkpoint, Map<TableId, byte[]> files) throws Exception {
    if (commitFailure != null) {
      throw commitFailure;
    }
    Map<TableId, String> descriptions = new LinkedHashMap<>();
    List<TableCommit> result = new ArrayList<>();
    files.forEach(
        (table, bytes) -> {
          String description = new String(bytes, StandardCharsets.UTF_8);
          descriptions.put(table, description);
          result.add(prepared.getOrDefault(description, new TableCommit(table, 0, 0)));
        });
    commits.add(new Commit(checkpoint, descriptions));
    journal.add("commit " + checkpoint.id() + " at " + checkpoint.sourcePosition());
    return result;
  }

  @Override
  public synchronized void abort() {
    written.clear();
    journal.add("abort");
  }

  @Override
  public synchronized void close() {
    written.clear();
  }

  /** What {@link #prepareCommit()} says of a table's changes, e.g. {@code public.items: 2 changes}. */
  private static String describe(TableCommit changes) {
    long count = changes.changes();
    return changes.sinkTable() + ": " + count + (count == 1 ? " change" : " changes");
  }

  @Override
  public java.util.Optional<dev.cdcsync.api.Schema> tableSchema(TableId sinkTable) {
    return java.util.Optional.empty();
  }

  @Override
  public void applySchemaChanges(TableId sinkTable, List<dev.cdcsync.api.SchemaChange> changes) {
    throw new UnsupportedOperationException("this sink has no tables");
  }

  /** The layouts asked for, per sink table. */
  final java.util.Map<TableId, dev.cdcsync.api.TableLayout> layouts = new java.util.HashMap<>();

  @Override
  public void configureTable(TableId sinkTable, dev.cdcsync.api.TableLayout layout) {
    layouts.put(sinkTable, layout);
  }

  @Override
  public void truncate(TableId sinkTable) {
    journal.add("truncate " + sinkTable);
  }

  @Override
  public void dropTable(TableId sinkTable) {
    throw new UnsupportedOperationException("this sink has no tables");
  }
}
