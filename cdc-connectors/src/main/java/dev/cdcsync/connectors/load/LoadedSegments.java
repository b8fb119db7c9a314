package dev.cdcsync.connectors.load;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.connectors.load.LoadState.Segment;
import dev.cdcsync.connectors.load.LoadState.TableLoad;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Where streamed changes fall in a load's segments, for {@link InitialLoad#absorbed}: a change's
 * row lies in the segment whose key range holds its key. A table truncated in the stream leaves
 * no segment for its later changes: the truncate empties rows read before and after it alike, so
 * every change after it must be applied again. Used on the engine's handler thread only.
 */
public final class LoadedSegments {

  private final Set<String> truncated = new HashSet<>();

  /** The segment holding the row the change is of, if any. */
  public Optional<Segment> segmentOf(LoadState state, DataChangeEvent event) {
    String table = event.tableId().schemaName() + "." + event.tableId().tableName();
    if (event.operation() == OperationType.TRUNCATE) {
      truncated.add(table);
      return Optional.empty();
    }
    TableLoad load = state.tables().get(table);
    if (load == null || truncated.contains(table)) {
      return Optional.empty();
    }
    Object key = null;
    if (load.keyColumn() != null) {
      Object[] row = event.after() != null ? event.after() : event.before();
      int index = event.schema().indexOf(load.keyColumn());
      if (row == null || index < 0) {
        return Optional.empty();
      }
      key = row[index];
    }
    return load.segmentOf(key);
  }
}
