package dev.cdcsync.connectors.binlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.debezium.NewTables;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MariaDB tables that join option {@code tables} by a rename while the pipeline runs ({@code
 * RENAME TABLE staging TO orders}): the binlog holds their later changes but none of the rows they
 * held before, so their rows are loaded (see {@link MariaDbInitialLoad#join}). A table created
 * under a selected name needs nothing: its creation and rows are in the binlog. Drops are in the
 * binlog too, as DDL.
 *
 * <p>From the rename until the load starts, at the next transaction boundary, the table's changes
 * are left out: the load's snapshots show them. The tables awaiting their load are kept in each
 * position ({@link #state}), so a crash before it still loads them.
 */
final class MariaDbNewTables implements NewTables {

  private static final Logger LOG = LoggerFactory.getLogger(MariaDbNewTables.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MariaDbInitialLoad initialLoad;
  private final String server;

  /** Tables ({@code database.table}) whose load has not started (handler thread only). */
  private final Set<TableId> awaitingLoad = new LinkedHashSet<>();

  private volatile String state = "[]";

  /** Whether a gh-ost or pt-osc copy renamed to its table is that table, not a new one. */
  private final boolean onlineSchemaChanges;

  MariaDbNewTables(MariaDbInitialLoad initialLoad, String server, boolean onlineSchemaChanges) {
    this.initialLoad = initialLoad;
    this.server = server;
    this.onlineSchemaChanges = onlineSchemaChanges;
  }

  @Override
  public void start(Optional<String> stored) {
    awaitingLoad.clear();
    stored.ifPresent(
        json -> {
          try {
            JSON.readValue(json, new TypeReference<List<String>>() {})
                .forEach(name -> awaitingLoad.add(initialLoad.tableId(name)));
          } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                "Cannot read the tables awaiting their load in the checkpoint: "
                    + e.getOriginalMessage(),
                e);
          }
        });
    writeState();
  }

  /** Nothing waits for the stream: a renamed table is noticed in it. */
  @Override
  public void streaming() {}

  /** The tables awaiting their load, as {@code database.table} in a JSON list. */
  @Override
  public String state() {
    return state;
  }

  @Override
  public boolean awaitsLoad(TableId table) {
    return !awaitingLoad.isEmpty() && awaitingLoad.contains(table);
  }

  /** Takes the tables a DDL record renames into option {@code tables} from outside it. */
  @Override
  public void notice(SourceRecord record) {
    if (!(record.value() instanceof Struct value)
        || value.schema().field("ddl") == null
        || value.schema().field("databaseName") == null
        || value.getString("ddl") == null) {
      return;
    }
    for (TableRenames.Rename rename :
        TableRenames.parse(value.getString("databaseName"), value.getString("ddl"))) {
      if (onlineSchemaChanges && OnlineSchemaChanges.isCutOver(rename)) {
        LOG.info(
            "Table {} of {} was swapped for its altered copy {} (an online schema change): its"
                + " changes go on under the copy's definition",
            name(rename.to()),
            server,
            name(rename.from()));
      } else if (initialLoad.captures(rename.to()) && !initialLoad.captures(rename.from())) {
        LOG.info(
            "Table {} of {} joined option 'tables' by a rename (from {}): its rows are loaded at"
                + " the next transaction boundary",
            name(rename.to()),
            server,
            name(rename.from()));
        awaitingLoad.add(rename.to());
        writeState();
      }
    }
  }

  @Override
  public boolean loadPending() {
    return !awaitingLoad.isEmpty();
  }

  @Override
  public void load(Rows rows) throws Exception {
    List<String> names = new ArrayList<>();
    awaitingLoad.forEach(table -> names.add(name(table)));
    // The load's state, stored with the same positions, carries them from here on.
    awaitingLoad.clear();
    writeState();
    LOG.info(
        "Loading table(s) {} of {}; the stream waits meanwhile, then follows their changes",
        names,
        server);
    if (initialLoad.join(names, rows)) {
      LOG.info("Loaded table(s) {}; following their changes", names);
    }
  }

  /** None: the binlog carries drops as DDL. */
  @Override
  public Optional<TableId> dropAnnounced(SourceRecord record) {
    return Optional.empty();
  }

  /** None are announced (see {@link #dropAnnounced}). */
  @Override
  public void dropped(TableId table) {}

  @Override
  public void close() {}

  private void writeState() {
    List<String> names = new ArrayList<>();
    awaitingLoad.forEach(table -> names.add(name(table)));
    try {
      state = JSON.writeValueAsString(names);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the tables awaiting their load", e);
    }
  }

  private static String name(TableId table) {
    return table.schemaName() + "." + table.tableName();
  }
}
