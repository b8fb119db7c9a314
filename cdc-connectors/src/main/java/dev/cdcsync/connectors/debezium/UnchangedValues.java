package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import java.util.Optional;

/**
 * Reads the current values of columns a change left out, from the source table by primary key.
 * PostgreSQL leaves a large ("TOASTed") value out of an update that did not change it unless the
 * table's replica identity is FULL; Debezium then hands over a placeholder instead of the value.
 *
 * <p>Called on the engine's thread only.
 */
public interface UnchangedValues extends AutoCloseable {

  /**
   * The current values of {@code columns} (indexes into {@code schema}'s columns) of the row whose
   * primary key columns hold the values they hold in {@code row}; empty when the table has no
   * such row any more (it was deleted, or its key changed, after this change).
   *
   * @throws dev.cdcsync.api.PermanentPipelineException when a column's values cannot be read
   *     this way (no primary key, an unsupported type); the message names the table, the column
   *     and the fix
   */
  Optional<Object[]> read(TableId table, Schema schema, Object[] row, int[] columns);

  @Override
  void close();
}
