package dev.cdcsync.runtime;

import dev.cdcsync.api.TableId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;

/**
 * Chooses the sink table of each source table. Without route rules a table keeps its last two
 * parts: {@code <database>.<table>} for MySQL / MariaDB and {@code <schema>.<table>} for
 * PostgreSQL.
 */
public final class TableRouter {

  private final Map<TableId, TableId> cache = new ConcurrentHashMap<>();

  public TableId route(TableId sourceTable) {
    return cache.computeIfAbsent(
        sourceTable, table -> TableId.of(table.schemaName(), table.tableName()));
  }
}
