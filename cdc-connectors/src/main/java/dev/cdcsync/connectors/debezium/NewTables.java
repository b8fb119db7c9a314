package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.load.InitialLoad;
import java.util.List;
import java.util.Optional;

/**
 * Tables that join a running capture and whose earlier rows the source must read. On PostgreSQL a
 * table enters the change stream only once cdc-sync adds it to the publication, so the rows it held
 * before are not in the stream: cdc-sync's own load reads them ({@link #load}), while the stream
 * waits; a partition attached to a captured partitioned table has its rows copied by a Debezium
 * blocking snapshot instead ({@link Copier}).
 *
 * <p>Dropped tables are noticed the same way and announced in the change stream, so the drop
 * reaches the pipeline after the table's last change.
 *
 * <p>Threading: {@link #start} is called on the thread that runs the source, before the engine
 * starts; every other method but {@link #close} on the engine's handler thread. An implementation
 * may watch for tables on a thread of its own and calls the {@link Copier} from there.
 */
public interface NewTables extends AutoCloseable {

  /** Key of the position entry that holds {@link #state()}; not a Debezium offset. */
  String POSITION_KEY = "cdc-sync/captured-tables";

  /** Asks the engine to copy the current rows of partitions (a blocking snapshot). */
  interface Copier {
    void copy(List<Copy> copies);
  }

  /**
   * Rows to copy into a table: those a SELECT of it reads (the rows of one partition of a
   * partitioned table, copied under the partitioned table's name).
   */
  record Copy(TableId table, String select) {
    public Copy {
      java.util.Objects.requireNonNull(table, "table");
      java.util.Objects.requireNonNull(select, "select");
    }
  }

  /**
   * Called before the engine starts.
   *
   * @param state {@link #state()} as stored with the start position; empty for a fresh start or a
   *     position written before tables were tracked, when every table captured now counts as copied
   */
  void start(Optional<String> state, Copier copier);

  /** The engine streams changes (its initial snapshot, if any, is over); copies may start. */
  void streaming();

  /** The tables whose rows are in the stream's past, to store with a position taken now. */
  String state();

  /**
   * Whether the table's streamed changes are to be left out: it joined the change stream and
   * awaits its load, whose rows show them (they were committed before its snapshot).
   */
  boolean awaitsLoad(TableId table);

  /**
   * Whether the record is a request, written to the change stream (see {@code
   * SourceFactory#requestReload}), to load captured tables again; they then await their load.
   */
  boolean reloadRequested(org.apache.kafka.connect.source.SourceRecord record);

  /** Whether tables await their load. */
  boolean loadPending();

  /**
   * Loads the tables that await it, handing their rows to {@code chunks} (their changes streamed
   * next that the rows already show are left out by the load's {@code absorbed}); called at a
   * transaction boundary of the stream, which waits meanwhile.
   */
  void load(InitialLoad.Chunks chunks) throws Exception;

  /** Whether the table's snapshot rows arriving now are a copy this source asked for. */
  boolean copying(TableId table);

  /** The copy of the table handed over its last row. */
  void copied(TableId table);

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
