package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.TableId;
import java.util.Objects;

/**
 * Metadata of the row being transformed, read by the metadata columns {@code __namespace_name__},
 * {@code __schema_name__}, {@code __table_name__}, {@code __data_event_type__} and {@code op_ts}.
 *
 * @param eventType one of "+I", "-U", "+U", "-D"
 * @param sourceTimestampMillis the source commit time, in milliseconds since the epoch
 */
public record RowContext(TableId table, String eventType, long sourceTimestampMillis) {

  public RowContext {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(eventType, "eventType");
  }
}
