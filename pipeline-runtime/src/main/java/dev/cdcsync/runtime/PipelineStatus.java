package dev.cdcsync.runtime;

import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live counters of a running pipeline, safe to read from any thread; the runner records into it. One instance lives as long as
 * the process, across restarts of the pipeline after failures, so its counters only grow.
 */
public final class PipelineStatus {

  /**
   * Where a sink table's chunked initial load stands (summed over the source tables routed to it).
   *
   * @param rowsBefore rows loaded by earlier runs of the load, not counted in {@link
   *     #snapshotProgress()}
   * @param chunksLoaded chunks read so far, earlier runs' included
   * @param chunksExpected about how many chunks there are in all
   */
  public record LoadChunks(long rowsBefore, long chunksLoaded, long chunksExpected) {}

  private record SourceTableChunks(List<TableId> sinkTables, LoadChunks chunks) {}

  /** What is known of one sink table. */
  public record TableStatus(
      TableId sinkTable, long changesCommitted, Instant lastCommit, long lagMillis) {}

  private final Map<String, TableStatus> tables = new TreeMap<>();
  private final Map<TableId, LongAdder> written = new ConcurrentHashMap<>();
  private final Map<TableId, LongAdder> snapshotRows = new ConcurrentHashMap<>();
  private final Map<TableId, Long> snapshotEstimates = new ConcurrentHashMap<>();
  private final Map<TableId, Long> snapshotBaseline = new ConcurrentHashMap<>();
  private final Map<TableId, SourceTableChunks> loadChunks = new ConcurrentHashMap<>();
  private volatile long snapshotStartedMillis;
  private final AtomicLong changesRead = new AtomicLong();
  private final AtomicLong checkpointsCommitted = new AtomicLong();
  private final AtomicLong commitNanos = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile long lastCheckpointId;
  private volatile Instant lastCheckpointAt;
  private volatile long lastSourceCallMillis;
  private volatile long sourceLagMillis = -1;
  private volatile long pendingSinceMillis;
  private volatile boolean snapshotting;
  private volatile String waitingFor;

  void recordRead(int changes) {
    changesRead.addAndGet(changes);
  }

  /** A change handed to the sink table; {@code snapshot} for a snapshot row. */
  public void recordWritten(TableId sinkTable, boolean snapshot) {
    written.computeIfAbsent(sinkTable, table -> new LongAdder()).increment();
    if (snapshot) {
      snapshotRows.computeIfAbsent(sinkTable, table -> new LongAdder()).increment();
    }
  }

  /**
   * The source called in at {@code nowMillis}.
   *
   * @param newestChangeMillis the source commit time of the batch's last streamed change, or -1
   * @param snapshot whether the batch's last change was a snapshot row
   */
  void recordSourceCall(
      long nowMillis, long newestChangeMillis, boolean snapshot, boolean pending) {
    lastSourceCallMillis = nowMillis;
    if (newestChangeMillis >= 0) {
      sourceLagMillis = Math.max(0, nowMillis - newestChangeMillis);
    }
    if (snapshot) {
      snapshotting = true;
    } else if (newestChangeMillis >= 0) {
      snapshotting = false;
    }
    if (pending && pendingSinceMillis == 0) {
      pendingSinceMillis = nowMillis;
    }
  }

  /** A snapshot starts: the estimated rows per sink table (summed over the tables routed to it). */
  public void recordSnapshotStarting(Map<TableId, Long> estimatedRowsPerSinkTable, long nowMillis) {
    snapshotEstimates.clear();
    snapshotEstimates.putAll(estimatedRowsPerSinkTable);
    snapshotBaseline.clear();
    snapshotBaseline.putAll(counts(snapshotRows));
    loadChunks.clear();
    snapshotStartedMillis = nowMillis;
    snapshotting = true;
  }

  /** Where a source table's chunked initial load stands; it is routed to {@code sinkTables}. */
  public void recordSnapshotChunks(
      TableId sourceTable, List<TableId> sinkTables, LoadChunks chunks) {
    loadChunks.put(sourceTable, new SourceTableChunks(List.copyOf(sinkTables), chunks));
  }

  /** Where each sink table's chunked initial load stands; empty for a snapshot not in chunks. */
  public Map<TableId, LoadChunks> snapshotChunks() {
    Map<TableId, LoadChunks> sums = new TreeMap<>(Comparator.comparing(TableId::toString));
    for (SourceTableChunks source : loadChunks.values()) {
      for (TableId sinkTable : source.sinkTables()) {
        sums.merge(
            sinkTable,
            source.chunks(),
            (a, b) ->
                new LoadChunks(
                    a.rowsBefore() + b.rowsBefore(),
                    a.chunksLoaded() + b.chunksLoaded(),
                    a.chunksExpected() + b.chunksExpected()));
      }
    }
    return sums;
  }

  /** The snapshot's rows were handed over whole (a checkpoint cut after them). */
  void recordSnapshotDone() {
    snapshotting = false;
  }

  /** The source failed; the pipeline restarts or ends. */
  public void recordFailure() {
    failures.incrementAndGet();
  }

  synchronized void recordCheckpoint(long checkpointId, List<TableCommit> commits, Instant at) {
    lastCheckpointId = checkpointId;
    lastCheckpointAt = at;
    for (TableCommit commit : commits) {
      TableStatus previous = tables.get(commit.sinkTable().toString());
      long total = (previous == null ? 0 : previous.changesCommitted()) + commit.changes();
      long lag = Math.max(0, at.toEpochMilli() - commit.maxSourceTimestampMillis());
      tables.put(
          commit.sinkTable().toString(), new TableStatus(commit.sinkTable(), total, at, lag));
    }
  }

  /** A checkpoint's commit took {@code nanos}; {@code preparedAtMillis}: when its changes were cut. */
  void recordCommitted(long nanos, long preparedAtMillis) {
    checkpointsCommitted.incrementAndGet();
    commitNanos.addAndGet(nanos);
    if (pendingSinceMillis != 0 && pendingSinceMillis <= preparedAtMillis) {
      pendingSinceMillis = 0;
    }
  }

  public synchronized List<TableStatus> tables() {
    return List.copyOf(tables.values());
  }

  public long changesRead() {
    return changesRead.get();
  }

  /** Changes handed to each sink table since the process started. */
  public Map<TableId, Long> changesWritten() {
    return counts(written);
  }

  /** Changes handed to one sink table since the process started. */
  public long changesWritten(TableId sinkTable) {
    LongAdder adder = written.get(sinkTable);
    return adder == null ? 0 : adder.sum();
  }

  /** Snapshot rows handed to one sink table since the process started. */
  public long snapshotRows(TableId sinkTable) {
    LongAdder adder = snapshotRows.get(sinkTable);
    return adder == null ? 0 : adder.sum();
  }

  /** Snapshot rows handed to each sink table since the process started (a retried snapshot counts again). */
  public Map<TableId, Long> snapshotRows() {
    return counts(snapshotRows);
  }

  /** Rows handed to each sink table in the current (or last) snapshot. */
  public Map<TableId, Long> snapshotProgress() {
    Map<TableId, Long> progress = counts(snapshotRows);
    progress.replaceAll((table, rows) -> rows - snapshotBaseline.getOrDefault(table, 0L));
    return progress;
  }

  private static Map<TableId, Long> counts(Map<TableId, LongAdder> adders) {
    Map<TableId, Long> counts = new TreeMap<>(Comparator.comparing(TableId::toString));
    adders.forEach((table, adder) -> counts.put(table, adder.sum()));
    return counts;
  }

  /** The database's estimate of each sink table's snapshot rows, where it has one. */
  public Map<TableId, Long> snapshotEstimates() {
    Map<TableId, Long> estimates = new TreeMap<>(Comparator.comparing(TableId::toString));
    estimates.putAll(snapshotEstimates);
    return estimates;
  }

  /** When the current or last snapshot started (epoch ms), or 0. */
  public long snapshotStartedMillis() {
    return snapshotStartedMillis;
  }

  public long checkpointsCommitted() {
    return checkpointsCommitted.get();
  }

  /** The time spent committing checkpoints, in nanoseconds. */
  public long commitNanos() {
    return commitNanos.get();
  }

  public long failures() {
    return failures.get();
  }

  public long lastCheckpointId() {
    return lastCheckpointId;
  }

  /** When the last checkpoint committed, or null before the first. */
  public Instant lastCheckpointAt() {
    return lastCheckpointAt;
  }

  /** When the source last called in (epoch ms), or 0 before it first did. */
  public long lastSourceCallMillis() {
    return lastSourceCallMillis;
  }

  /** How far the last streamed change was behind its commit in the source, in ms; -1 before one. */
  public long sourceLagMillis() {
    return sourceLagMillis;
  }

  /**
   * Records that the pipeline waits for another instance to stop before it starts, {@code other}
   * saying which (see {@code InstanceLease.aliveInstance}); null once it no longer waits.
   */
  public void recordWaitingFor(String other) {
    waitingFor = other;
  }

  /** Since when (epoch ms) changes wait for a commit, or 0 when none does. */
  public long pendingSinceMillis() {
    return pendingSinceMillis;
  }

  /**
   * Why the pipeline is not ready at {@code nowMillis}, if it is not: ready means the source calls
   * in (it does every few seconds even when the database is idle) and no change has waited for
   * its commit much longer than the checkpoint interval.
   */
  public Optional<String> notReadyBecause(long nowMillis, Duration checkpointInterval) {
    String other = waitingFor;
    if (other != null) {
      return Optional.of("waiting for another instance to stop: " + other);
    }
    long grace = 60_000;
    long lastCall = lastSourceCallMillis;
    if (lastCall == 0) {
      return Optional.of("the source has not connected yet");
    }
    if (nowMillis - lastCall > Math.max(grace, 3 * checkpointInterval.toMillis())) {
      return Optional.of(
          "the source has not called in for " + (nowMillis - lastCall) / 1000 + " s");
    }
    long pendingSince = pendingSinceMillis;
    if (pendingSince != 0 && nowMillis - pendingSince > 2 * checkpointInterval.toMillis() + grace) {
      return Optional.of(
          "changes have waited " + (nowMillis - pendingSince) / 1000 + " s for their commit");
    }
    return Optional.empty();
  }

  /** Whether the source is reading its snapshot. */
  public boolean snapshotting() {
    return snapshotting;
  }
}
