package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.load.InitialLoad;
import dev.cdcsync.connectors.load.LoadRow;
import java.util.List;
import java.util.Optional;

/**
 * Tables that join a running capture and whose earlier rows the source must read. On PostgreSQL a
 * table enters the change stream only once cdc-sync adds it to the publication, so the rows it held
 * before are not in the stream: cdc-sync's own load reads them ({@link #load}), while the stream
 * waits; a partition attached to a captured partitioned table has its rows copied under the
 * partitioned table's name ({@link Rows#copied}).
 *
 * <p>Dropped tables are noticed the same way and announced in the change stream, so the drop
 * reaches the pipeline after the table's last change.
 *
 * <p>Threading: {@link #start} is called on the thread that runs the source, before the engine
 * starts; every other method but {@link #close} on the engine's handler thread. An implementation
 * may watch for tables on a thread of its own.
 */
public interface NewTables extends AutoCloseable {

  /** Key of the position entry that holds {@link #state()}; not a Debezium offset. */
  String POSITION_KEY = "cdc-sync/captured-tables";

  /** Where the rows {@link #load} reads go: a load's chunks, and copies of partitions. */
  interface Rows extends InitialLoad.Chunks {
    /**
     * Rows of a partition, copied under its partitioned table's name: changes to apply over what
     * the table holds (its other partitions' rows are there too), not a load; more may follow.
     */
    void copied(List<LoadRow> rows) throws InterruptedException;

    /** The copy is over, and {@link #state()} counts the partition: a commit may cut here. */
    void copyEnd() throws InterruptedException;
  }

  /**
   * Called before the engine starts.
   *
   * @param state {@link #state()} as stored with the start position; empty for a fresh start or a
   *     position written before tables were tracked, when every table captured now counts as copied
   */
  void start(Optional<String> state);

  /** The engine streams changes (its initial snapshot, if any, is over); loads may start. */
  void streaming();

  /**
   * What it keeps across restarts, to store with a position taken now: the tables whose rows are
   * in the stream's past (PostgreSQL), or those awaiting their load (MariaDB).
   */
  String state();

  /**
   * Whether the table's streamed changes are to be left out: it joined the change stream and
   * awaits its load, whose rows show them (they were committed before its snapshot).
   */
  boolean awaitsLoad(TableId table);

  /**
   * Takes what a record that carries no change says about tables to load: a request to load
   * captured tables again (PostgreSQL, see {@code SourceFactory#requestReload}), a table renamed
   * into option {@code tables} (MariaDB); those tables then await their load.
   */
  void notice(org.apache.kafka.connect.source.SourceRecord record);

  /** Whether tables await their load, or partitions their copy. */
  boolean loadPending();

  /**
   * Loads the tables that await it, handing their rows to {@code rows} (their changes streamed
   * next that the rows already show are left out by the load's {@code absorbed}), and copies the
   * rows of new partitions; called at a transaction boundary of the stream, which waits meanwhile.
   */
  void load(Rows rows) throws Exception;

  /**
   * The table a record says was dropped, when the record is this source's own announcement in the
   * change stream (it comes after the table's last change); empty for any other record.
   */
  Optional<TableId> dropAnnounced(org.apache.kafka.connect.source.SourceRecord record);

  /** The announcement of the table's drop was handed over: it is no longer captured. */
  void dropped(TableId table);

  @Override
  void close();
}
