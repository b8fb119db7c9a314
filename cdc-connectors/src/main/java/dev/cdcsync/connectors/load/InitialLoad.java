package dev.cdcsync.connectors.load;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.TableId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * cdc-sync's own initial load, read before the change stream starts: every captured table in key
 * ranges (chunks), by several readers at once, under database snapshots whose place in the change
 * stream is known (PostgreSQL: one, exactly the slot's start; MariaDB: one per reader, each at its
 * binlog position). Each chunk is handed over whole, with the load's state after it, so the
 * pipeline commits the load chunk by chunk and a restart reads only what is not committed.
 *
 * <p>The stream starts at the earliest snapshot; it then brings changes that rows read under a
 * later one already show (a restart in the middle reads the remaining chunks under new
 * snapshots), which {@link #absorbed} recognises so that each change reaches the pipeline once
 * (see {@link LoadState.Read}).
 *
 * <p>Threading: {@link #run} is called on the source's thread and calls its {@link Chunks} there;
 * {@link #absorbed} and {@link #state} on the engine's handler thread; {@link #close} from any.
 */
public interface InitialLoad extends AutoCloseable {

  /** Key of the position entry that holds {@link #state()}; not a Debezium offset. */
  String POSITION_KEY = "cdc-sync/initial-load";

  /** Receives the load's rows one chunk after another, on the thread that called {@link #run}. */
  interface Chunks {
    /** The load starts, with what earlier runs loaded (for progress reports). */
    void starting(LoadState state);

    /** Rows of the current chunk; more of it follow, so no commit may cut after them. */
    void rows(List<LoadRow> rows) throws InterruptedException;

    /**
     * The current chunk's last rows (possibly none), its table ({@code schema.table} as in the
     * state) and the load's state once the chunk is committed: a commit may cut here.
     */
    void chunkEnd(List<LoadRow> rows, String table, LoadState stateAfter)
        throws InterruptedException;

    /** The load is over: its state, to commit before the first streamed change. */
    void done(LoadState stateAfter) throws InterruptedException;
  }

  /**
   * Reads what the stored state (empty: a fresh start, which creates PostgreSQL's replication slot
   * or records MariaDB's schema history) says is not loaded yet, then returns; the change stream
   * starts from the load's start afterwards.
   */
  void run(Optional<String> storedState, Chunks chunks) throws Exception;

  /**
   * Whether the source stops once the load is committed ({@code scan.startup.mode: snapshot}):
   * no change stream follows, and the load needs no replication slot.
   */
  boolean loadOnly();

  /** The rows a chunk holds, about. */
  int chunkRows();

  /** The pipeline's name of a table of the load state ({@code schema.table}). */
  TableId tableId(String table);

  /**
   * Called first at each start: whether the stored position holds the change stream's own
   * (engine offsets), as it does once the pipeline streamed.
   */
  default void streamPositionStored(boolean stored) {}

  /** Whether a start from this stored state (empty: a fresh start) has rows left to load. */
  boolean pending(Optional<String> storedState);

  /** The load's state to store with a position of the change stream; null when none was read. */
  String state();

  /** Takes the stored state of a load that is over (none: empty), for {@link #absorbed}. */
  void streaming(Optional<String> storedState);

  /**
   * Where the change stream starts when no engine offset is stored yet, after a load that is over
   * (see {@link #run} or {@link #streaming}), or at the position a start mode names: none where
   * the database keeps the position (a PostgreSQL slot) or the stream starts at the end.
   */
  default Optional<StreamStart> streamStart() {
    return Optional.empty();
  }

  /**
   * A Debezium offset to stream from: its source partition and the offset, and why there (for the
   * log, e.g. "where its load began").
   */
  record StreamStart(Map<String, ?> partition, Map<String, ?> offset, String why) {}

  /**
   * Whether a streamed change is one the loaded rows of its table already show (a change from
   * before a resumed load's snapshot), so that handing it over would apply it twice.
   */
  boolean absorbed(SourceRecord record, DataChangeEvent event);

  @Override
  void close();

  /**
   * Refuses to load {@code tables} again while another load of the pipeline is not complete; a
   * stored load of the same tables that did not end goes on.
   */
  static void checkReload(LoadState stored, List<String> tables, String server) {
    if (!tables.isEmpty() && !stored.complete() && !stored.replacing().containsAll(tables)) {
      throw new PermanentPipelineException(
          "Cannot load table(s) "
              + String.join(", ", tables)
              + " of "
              + server
              + " again: a load of this pipeline is not complete; finish it first (cdc-sync run)");
    }
  }

  /**
   * Refuses to load {@code tables} again when no load is stored to load them onto: a pipeline that
   * has not run yet (its first run loads every table) or that began without a load ({@code
   * scan.startup.mode: latest-offset}, or a state stored before loads were kept).
   */
  static void checkReloadHasALoad(
      Optional<String> storedState, List<String> tables, String server) {
    if (!tables.isEmpty() && storedState.isEmpty()) {
      throw new PermanentPipelineException(
          "Cannot load table(s) "
              + String.join(", ", tables)
              + " of "
              + server
              + " again: this pipeline has no initial load stored to go on from (it has not run"
              + " yet, and its first run loads every table; or it started without a load)");
    }
  }

  /** The failure of a table to load again that does not exist or that is not captured. */
  static PermanentPipelineException unknownReloadTable(String table, String server) {
    return new PermanentPipelineException(
        "Cannot load table "
            + table
            + " of "
            + server
            + " again: it does not exist, or option 'tables' does not select it");
  }
}
