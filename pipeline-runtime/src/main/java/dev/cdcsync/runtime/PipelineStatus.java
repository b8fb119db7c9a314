package dev.cdcsync.runtime;

import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/** Live counters of a running pipeline, safe to read from any thread. */
public final class PipelineStatus {

  /** What is known of one sink table. */
  public record TableStatus(
      TableId sinkTable, long changesCommitted, Instant lastCommit, long lagMillis) {}

  private final Map<String, TableStatus> tables = new TreeMap<>();
  private final AtomicLong changesRead = new AtomicLong();
  private volatile long lastCheckpointId;
  private volatile Instant lastCheckpointAt;

  void recordRead(int changes) {
    changesRead.addAndGet(changes);
  }

  synchronized void recordCheckpoint(long checkpointId, List<TableCommit> commits, Instant at) {
    lastCheckpointId = checkpointId;
    lastCheckpointAt = at;
    for (TableCommit commit : commits) {
      TableStatus previous = tables.get(commit.sinkTable().toString());
      long total = (previous == null ? 0 : previous.changesCommitted()) + commit.changes();
      long lag = Math.max(0, at.toEpochMilli() - commit.maxSourceTimestampMillis());
      tables.put(commit.sinkTable().toString(), new TableStatus(commit.sinkTable(), total, at, lag));
    }
  }

  public synchronized List<TableStatus> tables() {
    return List.copyOf(tables.values());
  }

  public long changesRead() {
    return changesRead.get();
  }

  public long lastCheckpointId() {
    return lastCheckpointId;
  }

  /** When the last checkpoint committed, or null before the first. */
  public Instant lastCheckpointAt() {
    return lastCheckpointAt;
  }
}
