package dev.cdcsync.api;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes changes into tables in two phases, so that a pipeline can record what it is about to
 * commit before committing it: {@link #write} buffers changes in files nobody sees yet, {@link
 * #prepareCommit} makes those files durable and describes them, and {@link #commit} makes them
 * visible, atomically per table.
 *
 * <p>Threading: one thread at a time, except that {@link #commit} may run on another thread while
 * {@link #write} and {@link #prepareCommit} go on; commits never overlap each other, nor a change
 * to a table itself ({@link #applySchemaChanges}, {@link #truncate}, {@link #dropTable}).
 */
public interface Sink extends AutoCloseable {

  /**
   * Buffers one change for the sink table; the table is created on first use from the event's
   * schema (its primary key becomes the table's key; a table without one is written in append
   * mode). Changes to one key within one commit apply in the order written.
   *
   * <p>An {@code INSERT} is of a key its source table held no row of: unless {@link
   * #insertsMayRepeatKeys} said otherwise, a sink table that holds exactly its source table's
   * rows (in step with the changes written) holds no row of that key either.
   *
   * @param sequence unique per change and increasing in source order, across restarts
   */
  void write(TableId sinkTable, DataChangeEvent event, long sequence) throws Exception;

  /**
   * Says that an {@code INSERT} written to a sink table may be of a key it holds a row of: several
   * source tables write into it, or a transform gives it another key or keeps deleted rows (said
   * before its first write in each run), or it kept its rows through a source truncate or drop
   * that was not applied (said once, for good: the sink remembers it across runs, at the latest
   * with the next commit). The sink then replaces such a row, as for an update.
   */
  default void insertsMayRepeatKeys(TableId sinkTable) {}

  /**
   * The source's chunked initial load {@code loadId} starts or resumes (null: none runs). Until
   * it is over, the snapshot rows written are of key ranges no earlier run of that load committed:
   * a sink table that held nothing but that load's rows when the load went on holds none of their
   * keys, so a sink may write them without first deleting an older row of the same key.
   *
   * @param replacing sink tables whose rows from before the load are replaced by its rows: the
   *     commit of a table's first rows of the load leaves out every row it held (a change log
   *     keeps its history); after that, the table holds nothing but the load's rows
   */
  default void initialLoad(String loadId, Set<TableId> replacing) {}

  /**
   * How to create a sink table that does not exist yet; called before the table's first write in a
   * run whenever a transform rule gives a layout. A table that exists keeps its own layout.
   *
   * @throws PermanentPipelineException when the sink cannot lay a table out that way
   */
  void configureTable(TableId sinkTable, TableLayout layout) throws Exception;

  /**
   * Closes the files of every change written since the last prepare and returns, per table that
   * has changes, a durable description of them to pass to {@link #commit}, possibly in another
   * process after a crash. Writing afterwards starts the next commit.
   */
  Map<TableId, byte[]> prepareCommit() throws Exception;

  /**
   * Makes prepared changes visible, one commit per table recording {@code checkpoint}.
   * Idempotent: a table whose latest commit by this pipeline already records this checkpoint or a
   * later one is left alone. Returns what was committed, one entry per table.
   *
   * @throws FencedException when another instance of the pipeline has taken over a table
   */
  List<TableCommit> commit(Checkpoint checkpoint, Map<TableId, byte[]> prepared) throws Exception;

  /**
   * As {@link #commit}, for the newest checkpoint record when a run starts (it may have been
   * committed in part or not at all before a crash). A table gone from the sink since (the
   * pipeline dropped it after this checkpoint, as the source did, or someone dropped it) is left
   * out: its changes were meant to go with it. {@link #commit} itself fails on a missing table.
   */
  default List<TableCommit> recover(Checkpoint checkpoint, Map<TableId, byte[]> prepared)
      throws Exception {
    return commit(checkpoint, prepared);
  }

  /** The sink table's columns and key as they are now, or empty if it does not exist yet. */
  java.util.Optional<Schema> tableSchema(TableId sinkTable) throws Exception;

  /**
   * Changes a sink table's columns. Called only while nothing is written to the table since the
   * last prepare, except for changes that only add columns or widen types while what was written
   * is snapshot rows (a table merging several source tables, during the snapshot): those rows are
   * committed with the later ones. Values of columns the table lacks are not written; columns the
   * events lack receive nulls. An added column with a {@link Column#defaultValue() default} reads
   * that default in every row committed before it, in the same commit that adds it.
   *
   * @throws IllegalStateException when the table's uncommitted changes cannot be kept across the
   *     change
   */
  void applySchemaChanges(TableId sinkTable, List<SchemaChange> changes) throws Exception;

  /**
   * Removes every row of a sink table, at once and outside the checkpoint's commit. Called only
   * while nothing is written to the table since the last prepare.
   */
  void truncate(TableId sinkTable) throws Exception;

  /**
   * Drops a sink table (its data files stay where they are), at once and outside the
   * checkpoint's commit; nothing when it does not exist. Called only while nothing is written to
   * the table since the last prepare.
   */
  void dropTable(TableId sinkTable) throws Exception;

  /** Drops what was written and not prepared. */
  void abort() throws Exception;

  /** Drops what was written and not committed, and releases resources. */
  @Override
  void close() throws Exception;
}
