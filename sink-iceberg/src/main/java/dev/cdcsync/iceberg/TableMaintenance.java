package dev.cdcsync.iceberg;

import dev.cdcsync.api.TableId;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.RewriteManifests;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the tables cdc-sync writes small to plan and cheap to commit to: merges small data files
 * (see {@link Compaction}), merges the data manifests and expires old snapshots (and the
 * files only they referenced). Runs right after one of the
 * pipeline's own commits of a table, on the thread that made it, so it never races them; at most
 * once per interval per table. A failure is logged and tried again next interval: maintenance
 * never stops replication.
 *
 * <p>The manifest rewrite carries the pipeline's commit summary forward, so the table's newest
 * snapshot still tells which checkpoint it holds (see {@link IcebergSink#latestCommitOf}) even
 * once the commit's own snapshot expires.
 */
final class TableMaintenance {

  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
  /** Fewer data manifests than this are left as they are. */
  static final int MIN_MANIFESTS_TO_REWRITE = 8;

  /** How maintenance is set up; {@link #interval} null turns it off. */
  record Settings(Duration interval, Duration snapshotMaxAge, int snapshotsToKeep) {}

  private final Settings settings;
  private final Clock clock;
  private final Map<TableId, Long> lastRun = new ConcurrentHashMap<>();

  TableMaintenance(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Maintains {@code table}, just committed to by the pipeline, if it is due. */
  void afterCommit(TableId sinkTable, Table table) {
    if (settings.interval() == null) {
      return;
    }
    long now = clock.millis();
    Long last = lastRun.get(sinkTable);
    if (last != null && now - last < settings.interval().toMillis()) {
      return;
    }
    lastRun.put(sinkTable, now);
    try {
      table.refresh();
      if (Compaction.compact(sinkTable, table) > 0) {
        table.refresh();
      }
      rewriteManifests(sinkTable, table);
      int before = size(table.snapshots());
      table.expireSnapshots()
          .expireOlderThan(now - settings.snapshotMaxAge().toMillis())
          .retainLast(settings.snapshotsToKeep())
          .commit();
      table.refresh();
      int expired = before - size(table.snapshots());
      if (expired > 0) {
        LOG.info("Table {}: expired {} snapshot(s) older than {}", sinkTable, expired, settings.snapshotMaxAge());
      }
    } catch (RuntimeException e) {
      LOG.warn("Table {}: maintenance failed ({}); trying again in {}", sinkTable, e.getMessage(), settings.interval());
    }
  }

  private static void rewriteManifests(TableId sinkTable, Table table) {
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return;
    }
    int manifests = current.dataManifests(table.io()).size();
    if (manifests < MIN_MANIFESTS_TO_REWRITE) {
      return;
    }
    RewriteManifests rewrite =
        table.rewriteManifests()
            .clusterBy(file -> file.specId())
            .rewriteIf(manifest -> manifest.content() == ManifestContent.DATA);
    IcebergSink.carrySummary(rewrite, current);
    rewrite.commit();
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
