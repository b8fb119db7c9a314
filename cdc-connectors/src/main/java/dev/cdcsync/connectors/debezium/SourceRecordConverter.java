package dev.cdcsync.connectors.debezium;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.debezium.ConnectTypes.ColumnMapping;
import dev.cdcsync.connectors.load.LoadRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Debezium's change records into {@link DataChangeEvent}s. Records that carry no row change
 * (heartbeats, tombstones, schema-change and transaction records) give {@code null}, and so does an
 * update whose unchanged values can no longer be read because its row is gone (see {@link
 * UnchangedValues}).
 *
 * <p>Not thread-safe: one converter per source.
 */
public final class SourceRecordConverter {

  private static final Logger LOG = LoggerFactory.getLogger(SourceRecordConverter.class);

  /** Builds the event model's table id from a record's {@code source} block. */
  public interface TableIdentifier {
    TableId tableId(Struct source);
  }

  private record TableConversion(
      TableId tableId,
      Schema schema,
      Function<Object, Object>[] converters,
      Field[] fields,
      Predicate<Object>[] placeholders) {}

  /**
   * The database's stable numbers of a table's current columns (PostgreSQL's attnum), by name. A
   * renamed column keeps its number; a dropped one's is never reused.
   */
  public interface ColumnNumbers extends AutoCloseable {
    Map<String, Integer> current(TableId table);

    /**
     * The table's generated columns, which the change stream leaves out (PostgreSQL publishes no
     * generated values before version 18): left out of the snapshot's rows too, so that both agree.
     */
    Set<String> generated(TableId table);

    @Override
    void close();
  }

  /** The source tables' comments, read when a table's schema is first seen. */
  public interface TableComments extends AutoCloseable {
    /** The table's comment; null when it has none. */
    String comment(TableId table);

    @Override
    void close();
  }

  /**
   * Which column defaults Debezium reports are not the values that rows which existed when the
   * column was added hold: a default the source computes (a function, {@code CURRENT_TIMESTAMP}, a
   * sequence), or one changed since. No change carries those rows' values.
   */
  public interface ColumnDefaults extends AutoCloseable {
    /** The table's columns with such a default: column name to what the default is, for messages. */
    Map<String, String> untrusted(TableId table);

    @Override
    void close();
  }

  private final TableIdentifier tableIdentifier;
  private final ColumnNumbers columnNumbers;
  private final ColumnDefaults columnDefaults;
  private final UnchangedValues unchangedValues;
  private final UnavailableValuePlaceholder placeholder;
  private final Set<TableId> rowsGoneReported = new HashSet<>();
  private final Set<TableId> generatedReported = new HashSet<>();
  private final Map<TableId, Map<String, Integer>> knownNumbers = new HashMap<>();
  private final Map<TableId, Map<String, String>> pendingRenames = new HashMap<>();
  private boolean renamesChanged;

  /** The source's table comments, when schemas carry comments; else null. */
  private TableComments tableComments;

  private String pendingRenamesJson;
  private final Map<org.apache.kafka.connect.data.Schema, TableConversion> conversions =
      new IdentityHashMap<>();
  private final Map<TableId, Schema> lastSchemas = new HashMap<>();

  /** A converter for a source whose changes always carry every value (MySQL, MariaDB). */
  public SourceRecordConverter(TableIdentifier tableIdentifier, ColumnDefaults columnDefaults) {
    this(tableIdentifier, null, columnDefaults, null, null);
  }

  /**
   * As {@link #SourceRecordConverter(TableIdentifier, ColumnDefaults)}, with the source's comments:
   * the columns carry Debezium's field docs, the schema the table's comment; {@code tableComments}
   * null for none.
   */
  public SourceRecordConverter(
      TableIdentifier tableIdentifier, ColumnDefaults columnDefaults, TableComments tableComments) {
    this(tableIdentifier, null, columnDefaults, null, null);
    this.tableComments = tableComments;
  }

  /**
   * @param columnNumbers when the source reports no renames (PostgreSQL), tells them from a drop
   *     plus an add by the columns' numbers; null when the source reports them itself
   * @param columnDefaults tells which reported defaults existing rows do not hold; null to trust all
   * @param unavailableValuePlaceholder what Debezium puts where a change left a value out
   *     (its {@code unavailable.value.placeholder}); null when changes never leave values out
   * @param unchangedValues reads the values such a change left out; null with no placeholder
   */
  public SourceRecordConverter(
      TableIdentifier tableIdentifier,
      ColumnNumbers columnNumbers,
      ColumnDefaults columnDefaults,
      String unavailableValuePlaceholder,
      UnchangedValues unchangedValues) {
    this.tableIdentifier = tableIdentifier;
    this.columnNumbers = columnNumbers;
    this.columnDefaults = columnDefaults;
    this.placeholder =
        unavailableValuePlaceholder == null
            ? null
            : new UnavailableValuePlaceholder(unavailableValuePlaceholder);
    this.unchangedValues = unchangedValues;
  }

  /** Releases what finding renames and reading unchanged values hold (database connections). */
  public void close() {
    if (tableComments != null) {
      tableComments.close();
    }
    if (columnNumbers != null) {
      columnNumbers.close();
    }
    if (columnDefaults != null) {
      columnDefaults.close();
    }
    if (unchangedValues != null) {
      unchangedValues.close();
    }
  }

  /**
   * Records that the next schema seen for {@code table} renames columns (new name to old name),
   * as the source's DDL said.
   */
  public void noteRenames(TableId table, Map<String, String> newToOld) {
    pendingRenames.merge(
        table,
        newToOld,
        (a, b) -> {
          Map<String, String> merged = new HashMap<>(a);
          merged.putAll(b);
          return merged;
        });
    renamesChanged = true;
  }

  /**
   * Records that table {@code from} is now named {@code to}: the column renames noted for it apply
   * to the next schema seen for {@code to} (a gh-ost or pt-osc copy swapped in for its table).
   */
  public void moveRenames(TableId from, TableId to) {
    Map<String, String> renames = pendingRenames.remove(from);
    if (renames != null) {
      noteRenames(to, renames);
    }
  }

  /**
   * The column renames noted and not yet seen in a schema, as JSON, to store with a position: the
   * statements that made them are before it, so a restart does not read them again. Null if none.
   */
  public String pendingRenames() {
    if (renamesChanged) {
      renamesChanged = false;
      pendingRenamesJson = pendingRenames.isEmpty() ? null : writeRenames(pendingRenames);
    }
    return pendingRenamesJson;
  }

  /** Takes the renames {@link #pendingRenames()} stored; none for a fresh start. */
  public void restorePendingRenames(Optional<String> stored) {
    pendingRenames.clear();
    stored.ifPresent(json -> pendingRenames.putAll(readRenames(json)));
    renamesChanged = true;
  }

  /** One table's pending renames as stored: the table's id, and new column name to old name. */
  record StoredRenames(
      String namespace, String schema, String table, Map<String, String> newToOld) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String writeRenames(Map<TableId, Map<String, String>> renames) {
    List<StoredRenames> stored = new ArrayList<>();
    renames.forEach(
        (table, newToOld) ->
            stored.add(
                new StoredRenames(
                    table.namespace(), table.schemaName(), table.tableName(), newToOld)));
    try {
      return JSON.writeValueAsString(stored);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the pending column renames", e);
    }
  }

  private static Map<TableId, Map<String, String>> readRenames(String json) {
    try {
      Map<TableId, Map<String, String>> renames = new HashMap<>();
      for (StoredRenames stored :
          JSON.readValue(json, new TypeReference<List<StoredRenames>>() {})) {
        renames.put(
            new TableId(stored.namespace(), stored.schema(), stored.table()),
            new HashMap<>(stored.newToOld()));
      }
      return renames;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot read the pending column renames stored with the position: "
              + e.getOriginalMessage(),
          e);
    }
  }

  /** The event for a record, or null when the record carries no row change. */
  public DataChangeEvent convert(SourceRecord record) {
    if (!(record.value() instanceof Struct value)
        || value.schema().name() == null
        || !value.schema().name().endsWith(".Envelope")) {
      return null;
    }
    String op = value.getString("op");
    Struct source = value.getStruct("source");
    Long sourceTs = source.getInt64("ts_ms");
    long timestamp = sourceTs != null ? sourceTs : System.currentTimeMillis();
    TableConversion conversion =
        conversion(value.schema().field("after").schema(), source, record.keySchema());
    return switch (op) {
      case "r" ->
          DataChangeEvent.read(
              conversion.tableId(),
              conversion.schema(),
              row(conversion, value.getStruct("after")),
              timestamp);
      case "c" -> {
        // An insert too: Debezium turns a key change into a delete and an insert of the new row.
        Object[] after = afterImage(conversion, value.getStruct("after"));
        yield after == null
            ? null
            : DataChangeEvent.insert(conversion.tableId(), conversion.schema(), after, timestamp);
      }
      case "u" -> {
        Object[] after = afterImage(conversion, value.getStruct("after"));
        yield after == null
            ? null
            : DataChangeEvent.update(
                conversion.tableId(),
                conversion.schema(),
                row(conversion, value.getStruct("before")),
                after,
                timestamp);
      }
      case "d" ->
          DataChangeEvent.delete(
              conversion.tableId(),
              conversion.schema(),
              row(conversion, value.getStruct("before")),
              timestamp);
      case "t" -> DataChangeEvent.truncate(conversion.tableId(), conversion.schema(), timestamp);
      default ->
          throw new PermanentPipelineException(
              "Cannot read a change of table "
                  + conversion.tableId()
                  + ": Debezium reports operation '"
                  + op
                  + "', which cdc-sync does not know");
    };
  }

  /** The {@code READ} event for a row an initial load read. */
  public DataChangeEvent convert(LoadRow row) {
    TableConversion conversion = conversion(row.value().schema(), row.source(), row.keySchema());
    Long sourceTs = row.source().getInt64("ts_ms");
    return DataChangeEvent.read(
        conversion.tableId(),
        conversion.schema(),
        row(conversion, row.value()),
        sourceTs != null ? sourceTs : System.currentTimeMillis());
  }

  /**
   * The tables a schema change record (MySQL / MariaDB) says were dropped, as events, for the
   * tables {@code captured} accepts by their full name ({@code db.table}); empty for any other
   * record.
   */
  public List<DataChangeEvent> tableDrops(SourceRecord record, Predicate<String> captured) {
    if (!(record.value() instanceof Struct value)
        || value.schema().field("tableChanges") == null
        || value.getArray("tableChanges") == null) {
      return List.of();
    }
    // The snapshot replays each table's DDL as DROP TABLE IF EXISTS + CREATE TABLE: not a drop.
    if (value.schema().field("source") != null
        && value.get("source") instanceof Struct source
        && source.schema().field("snapshot") != null
        && source.get("snapshot") != null
        && !"false".equals(source.get("snapshot").toString())) {
      return List.of();
    }
    Long ts = value.schema().field("ts_ms") != null ? value.getInt64("ts_ms") : null;
    long timestamp = ts != null ? ts : System.currentTimeMillis();
    List<DataChangeEvent> drops = new ArrayList<>();
    for (Object change : value.getArray("tableChanges")) {
      if (change instanceof Struct tableChange && "DROP".equals(tableChange.getString("type"))) {
        List<String> parts = identifierParts(tableChange.getString("id"));
        if (parts.size() == 2 && captured.test(parts.get(0) + "." + parts.get(1))) {
          drops.add(tableDrop(TableId.of(parts.get(0), parts.get(1)), timestamp));
        }
      }
    }
    return drops;
  }

  /** The event that drops the table, with the last columns seen of it. */
  public DataChangeEvent tableDrop(TableId table, long timestamp) {
    return DataChangeEvent.dropTable(table, lastSchemas.getOrDefault(table, EMPTY), timestamp);
  }

  private static final Schema EMPTY = Schema.of(List.of(), List.of());

  /**
   * The new image of an insert or update; columns whose values the change left out (unchanged
   * TOAST values) are read from the source. Null when the row is gone by now: a later change in
   * the stream deletes it or changes its key, so an upsert table ends the same without this one.
   */
  private Object[] afterImage(TableConversion conversion, Struct afterStruct) {
    Object[] after = row(conversion, afterStruct, true);
    int[] missing = leftOutColumns(after);
    if (missing.length > 0) {
      if (unchangedValues == null) {
        throw leftOut(conversion, missing[0]);
      }
      Optional<Object[]> current =
          unchangedValues.read(conversion.tableId(), conversion.schema(), after, missing);
      if (current.isEmpty()) {
        reportRowGone(conversion, missing);
        return null;
      }
      for (int i = 0; i < missing.length; i++) {
        after[missing[i]] = current.get()[i];
      }
    }
    return after;
  }

  /** The columns {@link #row} marked {@link #LEFT_OUT}, which the caller then fills in. */
  private static int[] leftOutColumns(Object[] row) {
    int[] found = null;
    int count = 0;
    for (int i = 0; i < row.length; i++) {
      if (row[i] == LEFT_OUT) {
        found = found == null ? new int[row.length] : found;
        found[count++] = i;
      }
    }
    return found == null ? NONE : Arrays.copyOf(found, count);
  }

  /** Marks, in a row being built, a value the change left out; never handed over. */
  private static final Object LEFT_OUT = new Object();

  private static final int[] NONE = new int[0];

  private void reportRowGone(TableConversion conversion, int[] missing) {
    String columns =
        Arrays.stream(missing)
            .mapToObj(i -> conversion.fields()[i].name())
            .collect(Collectors.joining(", "));
    String message =
        "A change of "
            + conversion.tableId()
            + " left the unchanged values of "
            + columns
            + " out, and its row is gone from the source by now: a later change deletes it or changes"
            + " its key, so an upsert table ends the same without it; an append table lacks"
            + " its row. REPLICA IDENTITY FULL on the table sends every value with each change.";
    if (rowsGoneReported.add(conversion.tableId())) {
      LOG.warn("{} (further ones of this table are logged at DEBUG)", message);
    } else {
      LOG.debug(message);
    }
  }

  private static PermanentPipelineException leftOut(TableConversion conversion, int column) {
    return new PermanentPipelineException(
        "Cannot replicate a change of "
            + conversion.tableId()
            + ": it leaves the value of column "
            + conversion.fields()[column].name()
            + " out and the source cannot read it back");
  }

  /** Splits Debezium's table id ({@code "db"."table"}, quotes optional) into its parts. */
  static List<String> identifierParts(String id) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < id.length() && id.charAt(i + 1) == '"') {
          part.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == '.' && !quoted) {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    return parts;
  }

  private TableConversion conversion(
      org.apache.kafka.connect.data.Schema rowSchema,
      Struct source,
      org.apache.kafka.connect.data.Schema keySchema) {
    // Debezium hands the same schema object for a table's rows until it changes; hashing a schema
    // (all its fields) for every row costs more than converting the row.
    if (rowSchema == lastRowSchema) {
      return lastConversion;
    }
    TableConversion conversion = conversions.get(rowSchema);
    if (conversion == null) {
      TableId tableId = tableIdentifier.tableId(source);
      Map<String, String> renames = new HashMap<>(pendingRenames.getOrDefault(tableId, Map.of()));
      if (pendingRenames.remove(tableId) != null) {
        renamesChanged = true;
      }
      if (columnNumbers != null) {
        renames.putAll(renamesByNumber(tableId, rowSchema));
      }
      conversion = newConversion(keySchema, rowSchema, tableId, renames);
      conversions.put(rowSchema, conversion);
      lastSchemas.put(tableId, conversion.schema());
    }
    lastRowSchema = rowSchema;
    lastConversion = conversion;
    return conversion;
  }

  /** The row schema of the last record converted, and its conversion. */
  private org.apache.kafka.connect.data.Schema lastRowSchema;

  private TableConversion lastConversion;

  @SuppressWarnings("unchecked")
  private TableConversion newConversion(
      org.apache.kafka.connect.data.Schema keySchema,
      org.apache.kafka.connect.data.Schema rowSchema,
      TableId tableId,
      Map<String, String> renames) {
    Set<String> generated = columnNumbers == null ? Set.of() : columnNumbers.generated(tableId);
    List<Field> fields =
        rowSchema.fields().stream().filter(field -> !generated.contains(field.name())).toList();
    if (!generated.isEmpty() && generatedReported.add(tableId)) {
      LOG.info(
          "Table {}: generated column(s) {} are left out (the change stream does not carry their values)",
          tableId,
          String.join(", ", new TreeSet<>(generated)));
    }
    List<Column> columns = new ArrayList<>(fields.size());
    Function<Object, Object>[] converters = new Function[fields.size()];
    Field[] fieldArray = new Field[fields.size()];
    Predicate<Object>[] placeholders = new Predicate[fields.size()];
    // One catalog query per new schema of a table.
    Map<String, String> untrustedDefaults =
        columnDefaults == null ? Map.of() : columnDefaults.untrusted(tableId);
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      ColumnMapping mapping = ConnectTypes.map(tableId.toString(), field.name(), field.schema());
      Object defaultValue = field.schema().defaultValue();
      String untrusted = untrustedDefaults.get(field.name());
      Object converted = null;
      if (defaultValue != null && untrusted == null) {
        try {
          converted = mapping.converter().apply(defaultValue);
        } catch (RuntimeException e) {
          untrusted = defaultValue + ", which cannot be converted (" + e.getMessage() + ")";
        }
      }
      // Debezium's doc of a field is the column's comment (MariaDB: always, MySQL: with
      // include.schema.comments).
      String comment = tableComments != null ? field.schema().doc() : null;
      columns.add(new Column(field.name(), mapping.type(), converted, untrusted, comment));
      converters[i] = mapping.converter();
      fieldArray[i] = field;
      placeholders[i] =
          placeholder == null ? null : placeholder.matcher(field.schema()).orElse(null);
    }
    List<String> primaryKeys = new ArrayList<>();
    if (keySchema != null) {
      keySchema.fields().forEach(field -> primaryKeys.add(field.name()));
    }
    return new TableConversion(
        tableId,
        new Schema(
            columns,
            primaryKeys,
            renames,
            // Debezium builds a table's schema objects anew at each of its DDL statements, so
            // a comment changed by ALTER TABLE … COMMENT, which changes no column, is read too.
            tableComments == null ? null : tableComments.comment(tableId)),
        converters,
        fieldArray,
        placeholders);
  }

  /**
   * Columns of a table's new schema that carry the number a column of its previous schema had:
   * renamed, new name to old name. Remembers the new schema's numbers for the next change.
   *
   * <p>The numbers are the table's now, which may be later than the change: a column of the new
   * schema that is gone by now (renamed or dropped since) keeps the number it had in the previous
   * schema, so that a rename right after the change is still told from a drop plus an add.
   */
  private Map<String, String> renamesByNumber(
      TableId tableId, org.apache.kafka.connect.data.Schema rowSchema) {
    Map<String, Integer> now = columnNumbers.current(tableId);
    Map<String, Integer> earlier = knownNumbers.getOrDefault(tableId, Map.of());
    Map<String, Integer> known = new HashMap<>();
    for (Field field : rowSchema.fields()) {
      Integer number = now.getOrDefault(field.name(), earlier.get(field.name()));
      if (number != null) {
        known.put(field.name(), number);
      }
    }
    Map<String, Integer> before = knownNumbers.put(tableId, known);
    Map<String, String> renames = new HashMap<>();
    if (before == null) {
      return renames;
    }
    before.forEach(
        (oldName, number) -> {
          if (rowSchema.field(oldName) == null) {
            known.forEach(
                (newName, newNumber) -> {
                  if (newNumber.equals(number) && !before.containsKey(newName)) {
                    renames.put(newName, oldName);
                  }
                });
          }
        });
    return renames;
  }

  private static Object[] row(TableConversion conversion, Struct struct) {
    return row(conversion, struct, false);
  }

  private static Object[] row(
      TableConversion conversion, Struct struct, boolean valuesMayBeLeftOut) {
    if (struct == null) {
      return null;
    }
    Object[] row = new Object[conversion.converters().length];
    for (int i = 0; i < row.length; i++) {
      Field field = conversion.fields()[i];
      // Struct.get gives the schema's default for a null value: a NULL the row has would read as
      // the column's default (and a zero date as Debezium's 1970-01-01 stand-in).
      Object raw =
          field.schema().defaultValue() == null
              ? struct.get(field)
              : struct.getWithoutDefault(field.name());
      if (raw != null
          && conversion.placeholders()[i] != null
          && conversion.placeholders()[i].test(raw)) {
        // A value the change left out never reaches a table: afterImage reads it.
        if (!valuesMayBeLeftOut) {
          throw leftOut(conversion, i);
        }
        row[i] = LEFT_OUT;
        continue;
      }
      if (raw != null) {
        try {
          row[i] = conversion.converters()[i].apply(raw);
        } catch (RuntimeException e) {
          throw new PermanentPipelineException(
              "Cannot convert a value of column "
                  + conversion.tableId()
                  + "."
                  + conversion.fields()[i].name()
                  + " to "
                  + conversion.schema().columns().get(i).type()
                  + ": "
                  + e.getMessage(),
              e);
        }
      }
    }
    return row;
  }
}
