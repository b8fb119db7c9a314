package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.connectors.load.InitialLoad;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Hands an initial load's rows to the pipeline as {@code READ} events: the parts inside a chunk
 * are not places to commit, a chunk's end is one that need not commit ({@link
 * SourceAcknowledger#snapshotGoesOn()}), and the load's end is one that must, before the first
 * streamed change. Acknowledging tells the database nothing: the stream starts from the slot's
 * position afterwards.
 */
final class LoadHandOver implements InitialLoad.Chunks {

  private final SourceRecordConverter converter;
  private final ChangeHandler handler;
  private final BiFunction<String, String, SourcePosition> position;
  private SourcePosition committed;
  private int chunks;

  /**
   * @param position the source position holding a load state, with a description
   * @param startState the load's state when it starts (null: nothing loaded yet)
   */
  LoadHandOver(
      SourceRecordConverter converter,
      ChangeHandler handler,
      BiFunction<String, String, SourcePosition> position,
      String startState) {
    this.converter = converter;
    this.handler = handler;
    this.position = position;
    this.committed = position.apply(startState, "initial load");
  }

  @Override
  public void rows(List<SourceRecord> rows) throws InterruptedException {
    handler.handle(events(rows), new Acknowledger(committed, false, true));
  }

  @Override
  public void chunkEnd(List<SourceRecord> rows, String stateAfter) throws InterruptedException {
    chunks++;
    committed = position.apply(stateAfter, "initial load, " + chunks + " chunk(s) read");
    handler.handle(events(rows), new Acknowledger(committed, true, true));
  }

  @Override
  public void done(String stateAfter) throws InterruptedException {
    handler.handle(
        List.of(), new Acknowledger(position.apply(stateAfter, "initial load done"), true, false));
  }

  private List<DataChangeEvent> events(List<SourceRecord> records) {
    List<DataChangeEvent> events = new ArrayList<>(records.size());
    for (SourceRecord record : records) {
      DataChangeEvent event = converter.convert(record);
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
