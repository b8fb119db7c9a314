package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.sql.SqlIdentifier;

/** The input columns and the metadata columns, by name. */
final class InputScope implements ExpressionCompiler.Scope {

  static final String NAMESPACE = "__namespace_name__";
  static final String SCHEMA = "__schema_name__";
  static final String TABLE = "__table_name__";
  static final String EVENT_TYPE = "__data_event_type__";
  static final String OP_TS = "op_ts";

  private static final Map<String, Typed> METADATA = new LinkedHashMap<>();

  static {
    METADATA.put(
        NAMESPACE, new Typed(Types.STRING, (row, context) -> context.table().namespace(), false));
    METADATA.put(
        SCHEMA, new Typed(Types.STRING, (row, context) -> context.table().schemaName(), false));
    METADATA.put(
        TABLE, new Typed(Types.STRING, (row, context) -> context.table().tableName(), false));
    METADATA.put(EVENT_TYPE, new Typed(Types.STRING, (row, context) -> context.eventType(), false));
    METADATA.put(
        OP_TS,
        new Typed(
            Types.TIMESTAMP_LTZ,
            (row, context) -> Instant.ofEpochMilli(context.sourceTimestampMillis()),
            false));
    // Flink CDC's PostgreSQL metadata.list names; a column of the same name wins.
    METADATA.put(
        "table_name",
        new Typed(Types.STRING, (row, context) -> context.table().tableName(), false));
    METADATA.put(
        "schema_name",
        new Typed(Types.STRING, (row, context) -> context.table().schemaName(), false));
    METADATA.put(
        "database_name",
        new Typed(
            Types.STRING,
            (row, context) ->
                context.table().namespace() != null
                    ? context.table().namespace()
                    : context.table().schemaName(),
            false));
  }

  private final Map<String, Typed> byName = new LinkedHashMap<>();
  private final Map<String, Integer> inputIndex = new LinkedHashMap<>();

  InputScope(Schema schema) {
    METADATA.forEach(byName::put);
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.columns().get(i);
      byName.put(column.name(), new Typed(column.type(), column(i), false));
      inputIndex.put(column.name(), i);
    }
  }

  static Evaluator column(int index) {
    return (row, context) -> row[index];
  }

  @Override
  public Typed resolve(SqlIdentifier identifier) {
    String name = resolvedName(identifier);
    return name == null ? null : byName.get(name);
  }

  /** The name an identifier refers to (exact, else the only case-insensitive match), or null. */
  String resolvedName(SqlIdentifier identifier) {
    if (!identifier.isSimple()) {
      return null;
    }
    return match(identifier.getSimple(), byName.keySet());
  }

  /** The input column a plain identifier copies, or null (a metadata column or unknown). */
  String inputName(SqlIdentifier identifier) {
    String name = resolvedName(identifier);
    return name != null && inputIndex.containsKey(name) ? name : null;
  }

  static String match(String name, Iterable<String> names) {
    String only = null;
    int matches = 0;
    for (String candidate : names) {
      if (candidate.equals(name)) {
        return candidate;
      }
      if (candidate.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        only = candidate;
        matches++;
      }
    }
    return matches == 1 ? only : null;
  }

  @Override
  public List<String> names() {
    List<String> names = new ArrayList<>(inputIndex.keySet());
    for (String metadata : METADATA.keySet()) {
      if (!inputIndex.containsKey(metadata)) {
        names.add(metadata);
      }
    }
    return names;
  }
}
