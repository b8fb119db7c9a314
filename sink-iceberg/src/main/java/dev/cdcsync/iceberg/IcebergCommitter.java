package dev.cdcsync.iceberg;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.util.Retry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.BaseTransaction;
import org.apache.iceberg.DataOperations;
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
import org.apache.iceberg.rest.RESTCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a checkpoint's prepared files to one table, idempotently: a table whose newest commit by
 * the pipeline holds this checkpoint or a later one is left alone, one committed by a newer
 * instance fences this one, and a concurrent commit makes it look again. The checkpoint travels
 * in each snapshot's summary ({@link #SUMMARY_KEYS}), which cdc-sync's maintenance commits carry
 * forward, and in table properties set in the same commit ({@link #propertyPrefix}), which
 * outlive the snapshot when another engine's maintenance rewrites the table and expires it.
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

  /** Suffixes of the table properties under {@link #propertyPrefix} that every commit sets. */
  static final String PROPERTY_CHECKPOINT_ID = "checkpoint-id";

  static final String PROPERTY_EPOCH = "epoch";
  static final String PROPERTY_SOURCE_POSITION = "source-position";
  static final String PROPERTY_SOURCE_TIMESTAMP = "source-ts-ms";
  static final String PROPERTY_COMMITTED_AT = "committed-at-ms";

  private static final Logger LOG = LoggerFactory.getLogger(IcebergCommitter.class);
  private static final int COMMIT_ATTEMPTS = 4;

  /**
   * The pause before a commit that met a concurrent one is tried again, doubled each time: another
   * writer of the table (an engine's maintenance) may be committing several times in a row.
   */
  private static final Duration FIRST_COMMIT_PAUSE = Duration.ofMillis(100);

  private static final Duration LONGEST_COMMIT_PAUSE = Duration.ofSeconds(2);

  private final Catalog catalog;
  private final TableMaintenance maintenance;

  /** False once the catalog refused a multi-table commit (see {@link #commitTogether}). */
  private volatile boolean transactionsSupported = true;

  IcebergCommitter(Catalog catalog, TableMaintenance maintenance) {
    this.catalog = catalog;
    this.maintenance = maintenance;
  }

  /** Commits one table unless it already holds this checkpoint; returns whether it committed. */
  boolean commit(
      TableId sinkTable, PreparedTable prepared, Checkpoint checkpoint, boolean recovering)
      throws IOException {
    Table table = load(sinkTable, checkpoint, recovering);
    if (table == null) {
      return false;
    }
    // A concurrent commit fails this one (see the validation below); the table is then read again.
    return Retry.attempts(COMMIT_ATTEMPTS)
        .pausing(FIRST_COMMIT_PAUSE, LONGEST_COMMIT_PAUSE)
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

  /**
   * Commits several tables at once, all or none visible, through the catalog's multi-table
   * transaction (a REST catalog's {@code transactions/commit} endpoint), leaving out the tables
   * that hold this checkpoint already; returns the tables committed, or empty when the catalog
   * has no such transaction (the caller then commits table by table).
   */
  Optional<List<TableId>> commitTogether(
      Map<TableId, PreparedTable> prepared, Checkpoint checkpoint, boolean recovering)
      throws IOException {
    if (!commitsTogether()) {
      return Optional.empty();
    }
    RESTCatalog rest = (RESTCatalog) catalog;
    try {
      return Optional.of(
          Retry.attempts(COMMIT_ATTEMPTS)
              .pausing(FIRST_COMMIT_PAUSE, LONGEST_COMMIT_PAUSE)
              .onlyOn(ValidationException.class, CommitFailedException.class)
              .beforeRetry(
                  (failure, attempt) ->
                      LOG.warn(
                          "Commit of checkpoint {} to {} tables met a concurrent commit ({});"
                              + " checking again",
                          checkpoint.id(),
                          prepared.size(),
                          failure.getMessage()))
              .run(() -> commitTogetherOnce(rest, prepared, checkpoint, recovering)));
    } catch (UnsupportedOperationException e) {
      transactionsSupported = false;
      LOG.info(
          "The REST catalog does not take multi-table commits ({}): each table of a checkpoint"
              + " is committed on its own",
          e.getMessage());
      return Optional.empty();
    }
  }

  /** Whether {@link #commitTogether} may commit several tables at once with this catalog. */
  boolean commitsTogether() {
    return catalog instanceof RESTCatalog && transactionsSupported;
  }

  private List<TableId> commitTogetherOnce(
      RESTCatalog rest,
      Map<TableId, PreparedTable> prepared,
      Checkpoint checkpoint,
      boolean recovering)
      throws IOException {
    Map<TableId, Table> staged = new TreeMap<>(Comparator.comparing(TableId::toString));
    List<org.apache.iceberg.catalog.TableCommit> commits = new ArrayList<>();
    for (Map.Entry<TableId, PreparedTable> entry : prepared.entrySet()) {
      TableId sinkTable = entry.getKey();
      Table table = load(sinkTable, checkpoint, recovering);
      if (table == null || holdsAlready(table, sinkTable, checkpoint)) {
        continue;
      }
      Transaction transaction = table.newTransaction();
      stage(transaction, table, entry.getValue(), checkpoint);
      BaseTransaction base = (BaseTransaction) transaction;
      commits.add(
          org.apache.iceberg.catalog.TableCommit.create(
              IcebergTables.identifier(sinkTable), base.startMetadata(), base.currentMetadata()));
      staged.put(sinkTable, table);
    }
    if (!commits.isEmpty()) {
      maintenance.withoutMaintenanceCommits(
          List.copyOf(staged.keySet()),
          () -> expiredBaseIsAConflict(() -> rest.commitTransaction(commits)));
      staged.forEach((sinkTable, table) -> committed(sinkTable, table, prepared.get(sinkTable)));
    }
    return List.copyOf(staged.keySet());
  }

  /**
   * Runs a commit, reporting the snapshot it was validated from having been expired meanwhile (by
   * another engine's maintenance: Iceberg then finds it "not an ancestor" of the current one) as
   * the concurrent commit it is, so that the table is read again and the commit tried again.
   */
  private static void expiredBaseIsAConflict(Runnable commit) {
    try {
      commit.run();
    } catch (IllegalArgumentException e) {
      if (e.getMessage() == null || !e.getMessage().contains("is not an ancestor of")) {
        throw e;
      }
      throw new CommitFailedException(
          e, "The snapshot this commit was validated from was expired meanwhile");
    }
  }

  /** The table, or null when recovering a checkpoint of a table dropped since. */
  private Table load(TableId sinkTable, Checkpoint checkpoint, boolean recovering) {
    try {
      return catalog.loadTable(IcebergTables.identifier(sinkTable));
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
      return null;
    }
  }

  private boolean commitTableOnce(
      Table table, TableId sinkTable, PreparedTable prepared, Checkpoint checkpoint)
      throws IOException {
    if (holdsAlready(table, sinkTable, checkpoint)) {
      return false;
    }
    Transaction transaction = table.newTransaction();
    stage(transaction, table, prepared, checkpoint);
    maintenance.withoutMaintenanceCommits(
        List.of(sinkTable), () -> expiredBaseIsAConflict(transaction::commitTransaction));
    committed(sinkTable, table, prepared);
    return true;
  }

  /** What follows a table's commit: a word on a replaced table, and its maintenance. */
  private void committed(TableId sinkTable, Table table, PreparedTable prepared) {
    if (prepared.replaces()) {
      LOG.info("Table {}: replaced the rows it held by the rows of its new load", sinkTable);
    }
    maintenance.afterCommit(sinkTable, table);
  }

  /**
   * Whether the pipeline's newest commit to the table holds this checkpoint or a later one.
   *
   * @throws FencedException when a newer instance of the pipeline has committed to it
   */
  private static boolean holdsAlready(Table table, TableId sinkTable, Checkpoint checkpoint) {
    PipelineCommit latest = latestCommit(table, checkpoint.pipelineName());
    if (latest == null) {
      return false;
    }
    if (latest.epoch() > checkpoint.epoch()) {
      throw new FencedException(
          "Cannot commit checkpoint "
              + checkpoint.id()
              + " to "
              + sinkTable
              + ": instance epoch "
              + latest.epoch()
              + " of pipeline '"
              + checkpoint.pipelineName()
              + "' has committed to it;"
              + " this instance (epoch "
              + checkpoint.epoch()
              + ") stops");
    }
    if (latest.checkpointId() >= checkpoint.id()) {
      LOG.info(
          "Table {} already holds checkpoint {}; not committing it again",
          sinkTable,
          latest.checkpointId());
      return true;
    }
    return false;
  }

  /**
   * Adds the prepared files to {@code transaction} of {@code table} (not committed yet): one row
   * delta with the pipeline's summary, after a delete of every row for a table loaded again.
   */
  private static void stage(
      Transaction transaction, Table table, PreparedTable prepared, Checkpoint checkpoint)
      throws IOException {
    Snapshot current = table.currentSnapshot();
    if (prepared.replaces()) {
      transaction.newDelete().deleteFromRowFilter(Expressions.alwaysTrue()).commit();
    }
    String prefix = propertyPrefix(checkpoint.pipelineName());
    transaction
        .updateProperties()
        .set(prefix + PROPERTY_CHECKPOINT_ID, Long.toString(checkpoint.id()))
        .set(prefix + PROPERTY_EPOCH, Long.toString(checkpoint.epoch()))
        .set(prefix + PROPERTY_SOURCE_POSITION, checkpoint.sourcePosition())
        .set(prefix + PROPERTY_SOURCE_TIMESTAMP, Long.toString(prepared.maxSourceTimestamp()))
        .set(prefix + PROPERTY_COMMITTED_AT, Long.toString(System.currentTimeMillis()))
        .commit();
    RowDelta delta = transaction.newRowDelta();
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
      // Anyone else's commit between the check and this one fails this commit, which is then
      // checked again: two instances never both commit a checkpoint.
      delta.validateFromSnapshot(current.snapshotId());
      delta.validateNoConflictingDataFiles();
      delta.validateNoConflictingDeleteFiles();
    }
    delta.commit();
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

  /**
   * The prefix of the table properties that record a pipeline's newest commit to a table: {@code
   * cdc-sync.pipeline.<name>.} followed by {@link #PROPERTY_CHECKPOINT_ID} and the other {@code
   * PROPERTY_} suffixes.
   */
  static String propertyPrefix(String pipeline) {
    return "cdc-sync.pipeline." + pipeline + ".";
  }

  /** What a pipeline recorded with its newest commit to a table. */
  record PipelineCommit(
      long checkpointId,
      long epoch,
      String sourcePosition,
      long sourceTimestampMillis,
      long committedAtMillis) {}

  /**
   * The pipeline's newest commit to the table, or null when it has none: from the table's
   * properties, or for a table last committed by a version before them, from the summary of the
   * pipeline's newest snapshot still there.
   */
  static PipelineCommit latestCommit(Table table, String pipeline) {
    String prefix = propertyPrefix(pipeline);
    Map<String, String> properties = table.properties();
    if (properties.containsKey(prefix + PROPERTY_CHECKPOINT_ID)) {
      return new PipelineCommit(
          Long.parseLong(properties.get(prefix + PROPERTY_CHECKPOINT_ID)),
          Long.parseLong(properties.getOrDefault(prefix + PROPERTY_EPOCH, "0")),
          properties.getOrDefault(prefix + PROPERTY_SOURCE_POSITION, ""),
          Long.parseLong(properties.getOrDefault(prefix + PROPERTY_SOURCE_TIMESTAMP, "0")),
          Long.parseLong(properties.getOrDefault(prefix + PROPERTY_COMMITTED_AT, "0")));
    }
    Snapshot own = latestCommitOf(table, pipeline);
    if (own == null) {
      return null;
    }
    Map<String, String> summary = own.summary();
    return new PipelineCommit(
        Long.parseLong(summary.getOrDefault(SUMMARY_CHECKPOINT_ID, "0")),
        Long.parseLong(summary.getOrDefault(SUMMARY_EPOCH, "0")),
        summary.getOrDefault(SUMMARY_SOURCE_POSITION, ""),
        Long.parseLong(summary.getOrDefault(SUMMARY_SOURCE_TIMESTAMP, "0")),
        own.timestampMillis());
  }

  /**
   * The table's newest snapshot that changed its rows or was made by cdc-sync (its maintenance
   * commits carry the pipeline's summary), looking through rewrites by other engines (REPLACE
   * snapshots without cdc-sync's summary, such as Spark's {@code rewrite_data_files}), which
   * leave the rows as they were; the oldest such rewrite when the snapshot before it expired.
   */
  static Snapshot lastRowChange(Table table) {
    Snapshot snapshot = table.currentSnapshot();
    while (snapshot != null
        && DataOperations.REPLACE.equals(snapshot.operation())
        && !snapshot.summary().containsKey(SUMMARY_PIPELINE)
        && snapshot.parentId() != null
        && table.snapshot(snapshot.parentId()) != null) {
      snapshot = table.snapshot(snapshot.parentId());
    }
    return snapshot;
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
