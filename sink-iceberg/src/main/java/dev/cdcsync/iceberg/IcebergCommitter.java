package dev.cdcsync.iceberg;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.util.Retry;
import java.io.IOException;
import java.util.List;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotUpdate;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a checkpoint's prepared files to one table, idempotently: a table whose newest commit by
 * the pipeline holds this checkpoint or a later one is left alone, one committed by a newer
 * instance fences this one, and a concurrent commit makes it look again. The checkpoint travels
 * in each snapshot's summary ({@link #SUMMARY_KEYS}), which maintenance commits carry forward.
 * Safe from several threads, one table each.
 */
final class IcebergCommitter {

  /** Snapshot summary keys cdc-sync writes on every commit. */
  static final String SUMMARY_PIPELINE = "cdc-sync.pipeline";

  static final String SUMMARY_CHECKPOINT_ID = "cdc-sync.checkpoint-id";
  static final String SUMMARY_EPOCH = "cdc-sync.epoch";
  static final String SUMMARY_SOURCE_POSITION = "cdc-sync.source-position";
  static final String SUMMARY_SOURCE_TIMESTAMP = "cdc-sync.source-ts-ms";

  /**
   * Set while a chunked initial load runs on a commit after which the table holds nothing but that
   * load's rows: its value is the load's identity (see {@link IcebergTableWriter}).
   */
  static final String SUMMARY_INITIAL_LOAD = "cdc-sync.initial-load";

  /**
   * {@code true} on a commit after which the table holds its source table's rows and nothing else,
   * each key once, in step with the source position the commit records: the pipeline wrote every
   * row, from a load into the empty (or replaced) table and the changes streamed after it, and
   * only upserts keyed as the source (no merged tables, soft deletes or other keys). A later run
   * of the pipeline then writes a source INSERT without an equality delete (see {@link
   * IcebergTableWriter}).
   */
  static final String SUMMARY_MIRRORS_SOURCE = "cdc-sync.mirrors-source";

  /** The summary keys of the pipeline's commits, which maintenance commits carry forward. */
  static final List<String> SUMMARY_KEYS =
      List.of(
          SUMMARY_PIPELINE,
          SUMMARY_CHECKPOINT_ID,
          SUMMARY_EPOCH,
          SUMMARY_SOURCE_POSITION,
          SUMMARY_SOURCE_TIMESTAMP,
          SUMMARY_INITIAL_LOAD,
          SUMMARY_MIRRORS_SOURCE);

  private static final Logger LOG = LoggerFactory.getLogger(IcebergCommitter.class);
  private static final int COMMIT_ATTEMPTS = 4;

  private final Catalog catalog;
  private final TableMaintenance maintenance;

  IcebergCommitter(Catalog catalog, TableMaintenance maintenance) {
    this.catalog = catalog;
    this.maintenance = maintenance;
  }

  /** Commits one table unless it already holds this checkpoint; returns whether it committed. */
  boolean commit(
      TableId sinkTable, PreparedTable prepared, Checkpoint checkpoint, boolean recovering)
      throws IOException {
    Table table;
    try {
      table = catalog.loadTable(IcebergTables.identifier(sinkTable));
    } catch (NoSuchTableException e) {
      if (!recovering) {
        throw e;
      }
      // Dropped since its files were written: by the pipeline after committing them (a source
      // DROP TABLE, then a crash before the next checkpoint), or by hand. Its rows are meant gone.
      LOG.warn(
          "Table {} of checkpoint {} is no longer in the catalog (dropped since); its part of the"
              + " checkpoint is left out",
          sinkTable,
          checkpoint.id());
      return false;
    }
    // A concurrent commit fails this one (see the validation below); the table is then read again.
    return Retry.attempts(COMMIT_ATTEMPTS)
        .onlyOn(ValidationException.class, CommitFailedException.class)
        .beforeRetry(
            (failure, attempt) -> {
              LOG.warn(
                  "Commit of checkpoint {} to {} met a concurrent commit; checking again",
                  checkpoint.id(),
                  sinkTable);
              table.refresh();
            })
        .run(() -> commitTableOnce(table, sinkTable, prepared, checkpoint));
  }

  private boolean commitTableOnce(
      Table table, TableId sinkTable, PreparedTable prepared, Checkpoint checkpoint)
      throws IOException {
    Snapshot current = table.currentSnapshot();
    Snapshot latestOwn = latestCommitOf(table, checkpoint.pipelineName());
    if (latestOwn != null) {
      long epoch = Long.parseLong(latestOwn.summary().getOrDefault(SUMMARY_EPOCH, "0"));
      long id = Long.parseLong(latestOwn.summary().get(SUMMARY_CHECKPOINT_ID));
      if (epoch > checkpoint.epoch()) {
        throw new FencedException(
            "Cannot commit checkpoint "
                + checkpoint.id()
                + " to "
                + sinkTable
                + ": instance epoch "
                + epoch
                + " of pipeline '"
                + checkpoint.pipelineName()
                + "' has committed to it;"
                + " this instance (epoch "
                + checkpoint.epoch()
                + ") stops");
      }
      if (id >= checkpoint.id()) {
        LOG.info("Table {} already holds checkpoint {}; not committing it again", sinkTable, id);
        return false;
      }
    }
    // A table loaded again: one commit leaves out the rows it held and adds the load's first.
    Transaction replacing = prepared.replaces() ? table.newTransaction() : null;
    if (replacing != null) {
      replacing.newDelete().deleteFromRowFilter(Expressions.alwaysTrue()).commit();
    }
    RowDelta delta = replacing != null ? replacing.newRowDelta() : table.newRowDelta();
    prepared.addTo(delta, table);
    delta.set(SUMMARY_PIPELINE, checkpoint.pipelineName());
    delta.set(SUMMARY_CHECKPOINT_ID, Long.toString(checkpoint.id()));
    delta.set(SUMMARY_EPOCH, Long.toString(checkpoint.epoch()));
    delta.set(SUMMARY_SOURCE_POSITION, checkpoint.sourcePosition());
    delta.set(SUMMARY_SOURCE_TIMESTAMP, Long.toString(prepared.maxSourceTimestamp()));
    if (prepared.initialLoad() != null) {
      delta.set(SUMMARY_INITIAL_LOAD, prepared.initialLoad());
    }
    if (prepared.mirrorsSource()) {
      delta.set(SUMMARY_MIRRORS_SOURCE, "true");
    }
    if (current != null) {
      // Anyone else's commit between the check above and this one fails this commit, which
      // is then checked again: two instances never both commit a checkpoint.
      delta.validateFromSnapshot(current.snapshotId());
      delta.validateNoConflictingDataFiles();
      delta.validateNoConflictingDeleteFiles();
    }
    if (replacing != null) {
      maintenance.withoutMaintenanceCommits(
          sinkTable,
          () -> {
            delta.commit();
            replacing.commitTransaction();
          });
      LOG.info("Table {}: replaced the rows it held by the rows of its new load", sinkTable);
    } else {
      maintenance.commitPipelineUpdate(sinkTable, delta);
    }
    maintenance.afterCommit(sinkTable, table);
    return true;
  }

  /**
   * Sets the pipeline's commit summary of {@code from} on a maintenance rewrite, so the table's
   * newest snapshot still tells which checkpoint it holds once the commit's own snapshot expired.
   */
  static void carrySummary(SnapshotUpdate<?> update, Snapshot from) {
    for (String key : SUMMARY_KEYS) {
      String value = from.summary().get(key);
      if (value != null) {
        update.set(key, value);
      }
    }
  }

  /** The latest snapshot made by this pipeline, walking back from the current one. */
  static Snapshot latestCommitOf(Table table, String pipeline) {
    Snapshot snapshot = table.currentSnapshot();
    while (snapshot != null) {
      if (pipeline.equals(snapshot.summary().get(SUMMARY_PIPELINE))) {
        return snapshot;
      }
      snapshot = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId());
    }
    return null;
  }
}
