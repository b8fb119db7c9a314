package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.load.InitialLoad;
import dev.cdcsync.connectors.load.LoadRow;
import dev.cdcsync.connectors.load.LoadState;
import dev.cdcsync.connectors.load.LoadState.TableLoad;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Hands an initial load's rows to the pipeline as {@code READ} events: the parts inside a chunk
 * are not places to commit, a chunk's end is one that need not commit ({@link
 * SourceAcknowledger#snapshotGoesOn()}), and the load's end is one that must, before the first
 * streamed change. Acknowledging tells the database nothing: the stream starts from the slot's
 * position afterwards. Announces the snapshot of the load's tables and tells the handler each
 * one's chunks as they complete, for progress. Hands a partition's copied rows over as inserts,
 * with a place to commit at the copy's end.
 */
final class LoadHandOver implements NewTables.Rows {

  private final InitialLoad load;
  private final SourceRecordConverter converter;
  private final ChangeHandler handler;
  private final BiFunction<String, String, SourcePosition> position;
  private final Map<TableId, Long> estimatedRows;
  private final Map<String, Long> rowsBefore = new HashMap<>();
  private SourcePosition committed;

  /**
   * @param position the source position holding a load state, with a description
   * @param startState the load's state when it starts (null: nothing loaded yet)
   * @param estimatedRows the database's estimate of each table's rows, for progress
   */
  LoadHandOver(
      InitialLoad load,
      SourceRecordConverter converter,
      ChangeHandler handler,
      BiFunction<String, String, SourcePosition> position,
      String startState,
      Map<TableId, Long> estimatedRows) {
    this.load = load;
    this.converter = converter;
    this.handler = handler;
    this.position = position;
    this.estimatedRows = estimatedRows;
    this.committed =
        position.apply(
            startState,
            startState == null
                ? "initial load, nothing read yet"
                : "initial load: " + LoadState.fromJson(startState).summary());
  }

  @Override
  public void starting(LoadState state) {
    Map<TableId, Long> loading = new HashMap<>();
    for (String table : state.tables().keySet()) {
      TableId id = load.tableId(table);
      if (estimatedRows.containsKey(id)) {
        loading.put(id, estimatedRows.get(id));
      }
    }
    handler.snapshotStarting(loading);
    handler.initialLoad(
        state.id(), state.replacing().stream().map(load::tableId).collect(Collectors.toSet()));
    state.tables().forEach((table, tableLoad) -> rowsBefore.put(table, tableLoad.rows()));
    state.tables().forEach(this::tellProgress);
  }

  @Override
  public void rows(List<LoadRow> rows) throws InterruptedException {
    handler.handle(events(rows), new Acknowledger(committed, false, true));
  }

  @Override
  public void chunkEnd(List<LoadRow> rows, String table, LoadState stateAfter)
      throws InterruptedException {
    committed = position.apply(stateAfter.toJson(), "initial load: " + stateAfter.summary());
    handler.handle(events(rows), new Acknowledger(committed, true, true));
    tellProgress(table, stateAfter.tables().get(table));
  }

  @Override
  public void done(LoadState stateAfter) throws InterruptedException {
    handler.handle(
        List.of(),
        new Acknowledger(
            position.apply(stateAfter.toJson(), "initial load done: " + stateAfter.summary()),
            true,
            false));
    handler.initialLoad(null, Set.of());
  }

  /**
   * Hands a partition's copied rows over as updates without a before image (upserts): the stream
   * may have given some of them already (a row inserted while the partition was attached), so
   * they are not inserts of keys the table cannot hold.
   */
  @Override
  public void copied(List<LoadRow> rows) throws InterruptedException {
    List<DataChangeEvent> upserts = new ArrayList<>(rows.size());
    for (DataChangeEvent read : events(rows)) {
      upserts.add(
          DataChangeEvent.update(
              read.tableId(), read.schema(), null, read.after(), read.sourceTimestampMillis()));
    }
    handler.handle(upserts, new Acknowledger(committed, false, false));
  }

  @Override
  public void copyEnd() throws InterruptedException {
    committed = position.apply(load.state(), "copy of a new partition done");
    handler.handle(List.of(), new Acknowledger(committed, true, false));
  }

  private void tellProgress(String table, TableLoad tableLoad) {
    TableId id = load.tableId(table);
    long estimate = Math.max(0, estimatedRows.getOrDefault(id, 0L));
    handler.snapshotChunks(
        id,
        rowsBefore.getOrDefault(table, 0L),
        tableLoad.chunks(),
        tableLoad.expectedChunks(estimate, load.chunkRows()));
  }

  private List<DataChangeEvent> events(List<LoadRow> rows) {
    List<DataChangeEvent> events = new ArrayList<>(rows.size());
    for (LoadRow row : rows) {
      DataChangeEvent event = converter.convert(row);
      if (event != null) {
        events.add(event);
      }
    }
    return events;
  }

  private record Acknowledger(
      SourcePosition position, boolean isTransactionBoundary, boolean snapshotGoesOn)
      implements SourceAcknowledger {

    @Override
    public void acknowledge() {}
  }
}
