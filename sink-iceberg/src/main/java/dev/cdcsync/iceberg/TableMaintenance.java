package dev.cdcsync.iceberg;

import dev.cdcsync.api.TableId;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.RewriteManifests;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tables cdc-sync writes small to plan and cheap to read and commit to: merges small
 * data files and applies delete files (see {@link Compaction}), merges the data manifests and
 * expires old snapshots (and the files only they referenced). At most once per interval per
 * table, after one of the pipeline's own commits of it.
 *
 * <p>Maintenance runs on a thread of its own, one table at a time, so a rewrite never holds up
 * the pipeline's commits: {@link #afterCommit} only schedules it, and skips a table whose last
 * run has not ended yet. A maintenance commit that loses a race with the pipeline's (Iceberg's
 * {@link CommitFailedException} or {@link ValidationException}) is logged and tried again next
 * interval, as is any other failure: maintenance never stops replication.
 *
 * <p>Each maintenance commit carries the summary of the snapshot it follows (see {@link
 * IcebergCommitter#carrySummary}), so the table's newest snapshot still tells which checkpoint it
 * holds (see {@link IcebergCommitter#latestCommit}) even once the pipeline's own snapshot expired.
 * That summary is right only if no pipeline commit lands between reading it and committing, so
 * the pipeline commits through {@link #withoutMaintenanceCommits}, which waits while a maintenance
 * commit (metadata only; the data was written before) of the same table is in progress.
 *
 * <p>Thread-safe: the pipeline's commit threads call {@link #afterCommit} and {@link
 * #withoutMaintenanceCommits} concurrently for different tables.
 */
final class TableMaintenance implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

  /** Fewer data manifests than this are left as they are. */
  static final int MIN_MANIFESTS_TO_REWRITE = 8;

  /** Runs for a table's delete files (see {@link #afterCommit}) are at least this far apart. */
  static final Duration DELETES_MIN_SPACING = Duration.ofSeconds(30);

  /** How long {@link #close} lets a run in progress finish before interrupting it. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** How maintenance is set up; {@link #interval} null turns it off. */
  record Settings(Duration interval, Duration snapshotMaxAge, int snapshotsToKeep) {}

  private final Settings settings;
  private final Clock clock;
  private final long maxGroupBytes;
  private final Map<TableId, Long> lastRun = new ConcurrentHashMap<>();

  /** Tables with a run scheduled or in progress. */
  private final Set<TableId> running = ConcurrentHashMap.newKeySet();

  private final Map<TableId, Object> commitLocks = new ConcurrentHashMap<>();
  private final ExecutorService executor =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "cdc-sync-maintenance");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean closed;
  private volatile Runnable beforeCommit = () -> {};

  TableMaintenance(Settings settings, Clock clock) {
    this(settings, clock, Compaction.MAX_GROUP_BYTES);
  }

  /** Maintenance rewriting at most {@code maxGroupBytes} of data per run to apply deletes. */
  TableMaintenance(Settings settings, Clock clock, long maxGroupBytes) {
    this.settings = settings;
    this.clock = clock;
    this.maxGroupBytes = maxGroupBytes;
  }

  /**
   * Schedules maintenance of {@code table}, just committed to by the pipeline, if it is due and
   * not running already; returns at once. The maintenance thread uses {@code table} from then on.
   * Due: once per interval, and sooner (at most every {@link #DELETES_MIN_SPACING}) while the table
   * has {@link Compaction#MIN_DELETE_FILES} delete files or more, which every reader applies: a
   * table updated at every checkpoint would otherwise gather an interval's worth of them.
   */
  void afterCommit(TableId sinkTable, Table table) {
    if (settings.interval() == null || closed) {
      return;
    }
    long now = clock.millis();
    Long last = lastRun.get(sinkTable);
    if (last != null
        && now - last < settings.interval().toMillis()
        && !(now - last >= DELETES_MIN_SPACING.toMillis() && manyDeleteFiles(table))) {
      return;
    }
    if (!running.add(sinkTable)) {
      LOG.debug("Table {}: maintenance still running; not starting it again", sinkTable);
      return;
    }
    lastRun.put(sinkTable, now);
    try {
      executor.execute(() -> run(sinkTable, table));
    } catch (RejectedExecutionException e) {
      running.remove(sinkTable); // closed meanwhile
    }
  }

  /**
   * Runs a change that reads the table's files and commits their rewrite: no maintenance commit of
   * the table lands meanwhile (one in progress ends first), so the files it read stay current.
   */
  void withoutMaintenanceCommits(TableId sinkTable, Runnable change) {
    withoutMaintenanceCommits(List.of(sinkTable), change);
  }

  /**
   * Runs a commit of the pipeline's to these tables, or a change as above, while no maintenance
   * commit of any of them is in progress. Maintenance holds one table's lock at a time, so taking
   * several here cannot deadlock with it.
   */
  void withoutMaintenanceCommits(List<TableId> sinkTables, Runnable change) {
    if (sinkTables.isEmpty()) {
      change.run();
      return;
    }
    synchronized (commitLock(sinkTables.get(0))) {
      withoutMaintenanceCommits(sinkTables.subList(1, sinkTables.size()), change);
    }
  }

  /** Waits until the runs scheduled so far have ended; for tests. */
  void awaitIdle() throws InterruptedException {
    try {
      executor.submit(() -> {}).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** Runs {@code hook} on the maintenance thread before each of its commits; for tests. */
  void beforeCommit(Runnable hook) {
    this.beforeCommit = hook;
  }

  /** Lets a run in progress end (interrupting it after {@link #CLOSE_TIMEOUT}); drops scheduled ones. */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Table maintenance still running after {}; interrupting it", CLOSE_TIMEOUT);
        executor.shutdownNow();
        executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the table's current snapshot has enough delete files for maintenance to apply. */
  private static boolean manyDeleteFiles(Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return false;
    }
    String deleteFiles = current.summary().get(SnapshotSummary.TOTAL_DELETE_FILES_PROP);
    return deleteFiles != null && Long.parseLong(deleteFiles) >= Compaction.MIN_DELETE_FILES;
  }

  private void run(TableId sinkTable, Table table) {
    try {
      if (!closed) {
        maintain(sinkTable, table);
      }
    } catch (CommitFailedException | ValidationException e) {
      LOG.info(
          "Table {}: maintenance met a concurrent commit ({}); trying again in {}",
          sinkTable,
          e.getMessage(),
          settings.interval());
    } catch (RuntimeException e) {
      LOG.warn(
          "Table {}: maintenance failed ({}); trying again in {}",
          sinkTable,
          e.getMessage(),
          settings.interval());
    } finally {
      running.remove(sinkTable);
    }
  }

  private void maintain(TableId sinkTable, Table table) {
    table.refresh();
    if (Compaction.compact(
            sinkTable, table, maxGroupBytes, update -> commit(sinkTable, table, update))
        > 0) {
      table.refresh();
    }
    if (closed) {
      return;
    }
    rewriteManifests(sinkTable, table);
    int before = size(table.snapshots());
    table
        .expireSnapshots()
        .expireOlderThan(clock.millis() - settings.snapshotMaxAge().toMillis())
        .retainLast(settings.snapshotsToKeep())
        .commit();
    table.refresh();
    int expired = before - size(table.snapshots());
    if (expired > 0) {
      LOG.info(
          "Table {}: expired {} snapshot(s) older than {}",
          sinkTable,
          expired,
          settings.snapshotMaxAge());
    }
  }

  /**
   * Commits a maintenance rewrite with the summary of the snapshot it follows; no pipeline commit
   * of the table can come in between (see {@link #withoutMaintenanceCommits}).
   */
  private void commit(TableId sinkTable, Table table, SnapshotUpdate<?> update) {
    beforeCommit.run();
    synchronized (commitLock(sinkTable)) {
      table.refresh();
      Snapshot current = table.currentSnapshot();
      if (current != null) {
        IcebergCommitter.carrySummary(update, current);
      }
      update.commit();
    }
  }

  private Object commitLock(TableId sinkTable) {
    return commitLocks.computeIfAbsent(sinkTable, key -> new Object());
  }

  private void rewriteManifests(TableId sinkTable, Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return;
    }
    int manifests = current.dataManifests(table.io()).size();
    if (manifests < MIN_MANIFESTS_TO_REWRITE) {
      return;
    }
    RewriteManifests rewrite =
        table
            .rewriteManifests()
            .clusterBy(file -> file.specId())
            .rewriteIf(manifest -> manifest.content() == ManifestContent.DATA);
    commit(sinkTable, table, rewrite);
    LOG.info("Table {}: merged {} data manifests", sinkTable, manifests);
  }

  private static int size(Iterable<Snapshot> snapshots) {
    int count = 0;
    for (Snapshot ignored : snapshots) {
      count++;
    }
    return count;
  }
}
