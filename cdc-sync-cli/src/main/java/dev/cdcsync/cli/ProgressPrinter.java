package dev.cdcsync.cli;

import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.PipelineStatus;
import dev.cdcsync.runtime.PipelineStatus.LoadChunks;
import dev.cdcsync.runtime.PipelineStatus.TableStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Prints a line per table at a fixed interval: changes committed, last commit, lag. */
final class ProgressPrinter {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private final PipelineStatus status;
  private final PrintStream out;
  private final Duration interval;
  private ScheduledExecutorService scheduler;
  private long lastPrintedCheckpoint = -1;
  private long lastPrintedRead = -1;

  ProgressPrinter(PipelineStatus status, PrintStream out, Duration interval) {
    this.status = status;
    this.out = out;
    this.interval = interval;
  }

  void start() {
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cdc-sync-progress");
              thread.setDaemon(true);
              return thread;
            });
    scheduler.scheduleAtFixedRate(
        this::printIfChanged, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  void stop() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  synchronized void printIfChanged() {
    if (status.lastCheckpointId() != lastPrintedCheckpoint
        || status.changesRead() != lastPrintedRead) {
      printNow();
    }
  }

  synchronized void printNow() {
    lastPrintedCheckpoint = status.lastCheckpointId();
    lastPrintedRead = status.changesRead();
    if (status.snapshotting()) {
      printSnapshot();
      return;
    }
    List<TableStatus> tables = status.tables();
    if (tables.isEmpty()) {
      out.printf(
          "[%s] %,d changes read, nothing committed yet%n",
          LocalTime.now().format(TIME), status.changesRead());
      return;
    }
    out.printf(
        "[%s] checkpoint %d, %,d changes read%n",
        LocalTime.now().format(TIME), status.lastCheckpointId(), status.changesRead());
    int width =
        tables.stream().mapToInt(table -> table.sinkTable().toString().length()).max().orElse(10);
    for (TableStatus table : tables) {
      out.printf(
          "  %-" + width + "s  %,12d changes  last commit %s  lag %s%n",
          table.sinkTable(),
          table.changesCommitted(),
          table.lastCommit().atZone(ZoneId.systemDefault()).toLocalTime().format(TIME),
          lag(table.lagMillis()));
    }
    out.flush();
  }

  /**
   * A line per table while the snapshot is read: rows (with those a resumed load read before),
   * against the database's estimate, % and ETA, and the chunks of a chunked load.
   */
  private void printSnapshot() {
    Map<TableId, Long> rows = status.snapshotProgress();
    Map<TableId, Long> estimates = status.snapshotEstimates();
    Map<TableId, LoadChunks> chunks = status.snapshotChunks();
    Set<TableId> tables = new TreeSet<>(Comparator.comparing(TableId::toString));
    tables.addAll(estimates.keySet());
    tables.addAll(rows.keySet());
    tables.addAll(chunks.keySet());
    long elapsed = Math.max(1, System.currentTimeMillis() - status.snapshotStartedMillis());
    long done = rows.values().stream().mapToLong(Long::longValue).sum();
    long before = chunks.values().stream().mapToLong(LoadChunks::rowsBefore).sum();
    long perSecond = done * 1000 / elapsed;
    out.printf(
        "[%s] snapshot: %,d rows%s in %ds (%,d rows/s)%n",
        LocalTime.now().format(TIME),
        before + done,
        before > 0 ? String.format(" (%,d of them loaded before a restart)", before) : "",
        elapsed / 1000,
        perSecond);
    int width = tables.stream().mapToInt(table -> table.toString().length()).max().orElse(10);
    for (TableId table : tables) {
      LoadChunks tableChunks = chunks.get(table);
      long read =
          rows.getOrDefault(table, 0L) + (tableChunks == null ? 0 : tableChunks.rowsBefore());
      long estimate = estimates.getOrDefault(table, 0L);
      String progress = "";
      if (estimate > 0 && read < estimate) {
        String eta = perSecond > 0 ? ", ETA " + lag((estimate - read) * 1000 / perSecond) : "";
        progress = String.format(" of ~%,d (%d %%%s)", estimate, read * 100 / estimate, eta);
      } else if (estimate > 0) {
        progress = String.format(" (estimate was ~%,d)", estimate);
      }
      if (tableChunks != null) {
        progress +=
            String.format(
                ", %,d of %s%,d chunks",
                tableChunks.chunksLoaded(),
                tableChunks.chunksLoaded() < tableChunks.chunksExpected() ? "~" : "",
                tableChunks.chunksExpected());
      }
      out.printf("  %-" + width + "s  %,12d rows%s%n", table, read, progress);
    }
    out.flush();
  }

  private static String lag(long millis) {
    return millis < 60_000
        ? String.format("%.1fs", millis / 1000.0)
        : String.format("%dm%02ds", millis / 60_000, millis / 1000 % 60);
  }
}
