package dev.cdcsync.connectors.postgres;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.SourceOptions;
import dev.cdcsync.connectors.debezium.NewTables;
import dev.cdcsync.connectors.load.LoadRow;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds tables that start to match option {@code tables} while the pipeline runs (or while it was
 * stopped), adds them to the publication and has their current rows loaded; their changes stream
 * from the moment they are in the publication.
 *
 * <p>A table counts by its identity: oid and name. A table dropped and created again, or renamed,
 * is a new table whose rows are loaded. From the moment it joins the publication until its load
 * starts, its streamed changes are left out: they were committed before the load's snapshot,
 * which shows them. The load ({@link PostgresInitialLoad#join}) runs while the stream waits, and
 * the changes streamed after it that its rows already show are left out too, so each change
 * arrives once, in a change log as well; a crash in the middle goes on with the chunks not
 * committed yet.
 *
 * <p>A partition attached to (or created in) a captured partitioned table streams through the
 * partitioned table. The rows it held before are copied under the partitioned table's name by
 * the load's readers while the stream waits ({@link #copyPartition}): its changes cannot be told
 * from the other partitions' in the stream, so none is left out, and a change made during the
 * copy is applied again after it (an upsert table is not affected; a change log may list it
 * twice).
 *
 * <p>pgoutput carries no DDL, so a captured table that is gone from the catalog (dropped, or
 * renamed: the old name is gone) is announced in the change stream with a logical decoding
 * message; the message comes after the table's last change, and the pipeline drops the table (as
 * its schema change behavior says) when it reads it. A table that no longer matches option {@code
 * tables} is forgotten without a drop.
 */
final class PostgresNewTables implements NewTables {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresNewTables.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How often the catalog is asked for new tables: a small query, so new tables show up soon. */
  private static final Duration LOOK_EVERY = Duration.ofSeconds(5);

  /** A table as the state records it: a new oid or name is a new table. */
  record Captured(long oid, String schema, String table) {
    String quotedName() {
      return PostgresPreflight.quote(schema) + "." + PostgresPreflight.quote(table);
    }
  }

  /**
   * A selected table as the catalog shows it now.
   *
   * @param publishedFromCreation in the publication from its creation on (FOR ALL TABLES, or FOR
   *     TABLES IN SCHEMA of its schema): all its rows are in the stream, none needs a copy
   * @param root for a partition read through its captured root (see {@link PostgresPartitions}):
   *     the root, whose publication entry covers it and under whose name its rows are copied
   */
  private record Found(
      Captured table,
      boolean hasIdentity,
      boolean readable,
      boolean published,
      boolean publishedFromCreation,
      long estimatedRows,
      Optional<TableId> root) {}

  private final String url;
  private final String description;
  private final Configuration options;
  private final String database;
  private final String publication;
  private final PostgresPreflight preflight;
  private final PostgresInitialLoad initialLoad;
  private final PostgresStreamMessages messages;
  private final Set<Captured> known = ConcurrentHashMap.newKeySet();
  private final Set<Captured> reported = ConcurrentHashMap.newKeySet();
  private final Set<Captured> dropsAnnounced = ConcurrentHashMap.newKeySet();

  /** Tables in the publication whose load has not started: their changes are left out. */
  private final Map<TableId, Captured> awaitingLoad = new ConcurrentHashMap<>();

  /** Of those, the new ones ready to load, with the database's estimate of their rows. */
  private final Map<TableId, Long> readyToLoad = new ConcurrentHashMap<>();

  /** Of those, the captured ones asked to be loaded again (handler thread only). */
  private final Set<TableId> reloads = new java.util.LinkedHashSet<>();

  /** New partitions whose rows are to be copied, by the captured partitioned table they join. */
  private final Map<TableId, Captured> partitionsToCopy = new ConcurrentHashMap<>();

  private volatile String state = "[]";
  private volatile boolean streaming;
  private ScheduledExecutorService watcher;

  PostgresNewTables(
      String url,
      String description,
      Configuration options,
      String database,
      String publication,
      PostgresPreflight preflight,
      PostgresInitialLoad initialLoad) {
    this.url = url;
    this.description = description;
    this.options = options;
    this.database = database;
    this.publication = publication;
    this.preflight = preflight;
    this.initialLoad = initialLoad;
    this.messages = new PostgresStreamMessages(publication);
  }

  @Override
  public void start(Optional<String> state) {
    close();
    streaming = false;
    known.clear();
    partitionsToCopy.clear();
    dropsAnnounced.clear();
    awaitingLoad.clear();
    readyToLoad.clear();
    reloads.clear();
    List<Found> found = found();
    remember(state.isPresent() ? parse(state.get()) : found.stream().map(Found::table).toList());
    // Tables that joined the publication before a stop (or crash) and were not loaded since.
    for (Found table : found) {
      if (awaitsLoadOnceFound(table)) {
        awaitingLoad.put(tableId(table.table()), table.table());
      }
    }
    watcher =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "cdc-sync-new-tables");
              thread.setDaemon(true);
              return thread;
            });
    watcher.scheduleWithFixedDelay(
        this::lookSafely, LOOK_EVERY.toMillis(), LOOK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void streaming() {
    streaming = true;
  }

  private void lookSafely() {
    if (!streaming) {
      return;
    }
    try {
      look();
    } catch (RuntimeException e) {
      LOG.warn("Cannot look for new tables in {}: {}; trying again", description, e.getMessage());
    }
  }

  /**
   * Adds the selected tables not yet captured to the publication and readies them for their load;
   * has the rows of new partitions copied.
   */
  void look() {
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      noticeDrops(connection);
      for (Found found : found(connection)) {
        Captured table = found.table();
        if (known.contains(table)
            || partitionsToCopy.containsValue(table)
            || readyToLoad.containsKey(tableId(table))
            || dropPending(table)) {
          // A table created again under a dropped one's name waits until the drop has passed.
          continue;
        }
        if (found.root().isPresent()) {
          // A partition attached to (or created in) a captured partitioned table: the root's
          // publication entry streams its changes; rows it held when attached are copied under the
          // root's name. One copy per root at a time; another waits for the next look.
          TableId root = found.root().get();
          if (isEmpty(connection, table)) {
            remember(List.of(table));
            LOG.info("Capturing new partition {} through {}", table.quotedName(), root);
          } else if (!partitionsToCopy.containsKey(root)) {
            partitionsToCopy.put(root, table);
            PostgresStreamMessages.wake(connection);
          }
          continue;
        }
        if (!found.hasIdentity()) {
          reportOnce(
              table,
              "Table "
                  + table.quotedName()
                  + " matches option 'tables' but "
                  + PostgresPreflight.noReplicaIdentity(table.quotedName())
                  + " it is left out until then");
          continue;
        }
        if (!found.readable()) {
          reportOnce(
              table,
              "Table "
                  + table.quotedName()
                  + " matches option 'tables' but user '"
                  + options.get(SourceOptions.USERNAME)
                  + "' cannot read it, so it is left out; run GRANT SELECT ON "
                  + table.quotedName()
                  + " TO "
                  + PostgresPreflight.quote(options.get(SourceOptions.USERNAME))
                  + ";");
          continue;
        }
        if (found.publishedFromCreation()) {
          // Every row it ever held is in the stream.
          remember(List.of(table));
          LOG.info("Capturing new table {} of {}", table.quotedName(), description);
          continue;
        }
        // Its changes are left out from now until its load, whose snapshot comes later.
        TableId id = tableId(table);
        awaitingLoad.put(id, table);
        if (!found.published()) {
          String add =
              "ALTER PUBLICATION "
                  + PostgresPreflight.quote(publication)
                  + " ADD TABLE "
                  + table.quotedName();
          try (Statement statement = connection.createStatement()) {
            statement.execute(add);
          } catch (SQLException e) {
            awaitingLoad.remove(id);
            reportOnce(
                table,
                "Cannot capture new table "
                    + table.quotedName()
                    + ": "
                    + e.getMessage().strip()
                    + "; run "
                    + add
                    + ";");
            continue;
          }
          LOG.info("Added new table {} to publication {}", table.quotedName(), publication);
        }
        awaitEarlierTransactions(connection, table);
        readyToLoad.put(id, found.estimatedRows());
        PostgresStreamMessages.wake(connection);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Waits until the transactions that were running when the table joined the publication have
   * ended. PostgreSQL publishes only the changes such a transaction made after that moment: the
   * rows it wrote before reach the pipeline only through the load, whose snapshot must show them.
   */
  private void awaitEarlierTransactions(Connection connection, Captured table) throws SQLException {
    long started = System.nanoTime();
    boolean reported = false;
    try (Statement statement = connection.createStatement()) {
      long before;
      try (ResultSet result =
          statement.executeQuery("SELECT txid_snapshot_xmax(txid_current_snapshot())")) {
        result.next();
        before = result.getLong(1);
      }
      while (true) {
        try (ResultSet result =
            statement.executeQuery("SELECT txid_snapshot_xmin(txid_current_snapshot())")) {
          result.next();
          if (result.getLong(1) >= before) {
            return;
          }
        }
        if (!reported && System.nanoTime() - started > TimeUnit.SECONDS.toNanos(30)) {
          LOG.warn(
              "New table {}: waiting for the transactions that were running when it joined the publication to end"
                  + " (see pg_stat_activity) before its rows are loaded",
              table.quotedName());
          reported = true;
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(
              "Interrupted while waiting to copy new table " + table.quotedName(), e);
        }
      }
    }
  }

  /** Announces captured tables that are gone from the catalog; forgets those no longer selected. */
  private void noticeDrops(Connection connection) throws SQLException {
    Map<Long, Captured> now = new HashMap<>();
    Long[] oids = known.stream().map(Captured::oid).toArray(Long[]::new);
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid = ANY (?::oid[])")) {
      statement.setArray(1, connection.createArrayOf("bigint", oids));
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          now.put(
              result.getLong(1),
              new Captured(result.getLong(1), result.getString(2), result.getString(3)));
        }
      }
    }
    for (Captured table : List.copyOf(known)) {
      Captured current = now.get(table.oid());
      if (table.equals(current)) {
        if (!preflight.selected(table.schema(), table.table())) {
          forget(table);
        }
        continue;
      }
      if (!dropsAnnounced.add(table)) {
        continue;
      }
      try {
        messages.announceDrop(connection, table);
      } catch (SQLException | JsonProcessingException e) {
        dropsAnnounced.remove(table);
        reportOnce(
            table,
            "Cannot pass on that table "
                + table.quotedName()
                + " was "
                + (current == null ? "dropped" : "renamed")
                + ": "
                + e.getMessage().strip()
                + "; the pipeline keeps it as it is");
        continue;
      }
      LOG.info(
          "Table {} was {} in {}; its drop follows its last change",
          table.quotedName(),
          current == null ? "dropped" : "renamed to " + current.quotedName(),
          description);
    }
  }

  @Override
  public Optional<TableId> dropAnnounced(SourceRecord record) {
    Captured table;
    try {
      Optional<Captured> announced = messages.dropAnnouncement(record);
      if (announced.isEmpty()) {
        return Optional.empty();
      }
      table = announced.get();
    } catch (IOException e) {
      LOG.warn(
          "Cannot read a drop announcement in the change stream of {}: {}",
          description,
          e.getMessage());
      return Optional.empty();
    }
    // One read again after a restart, or of an earlier table of the name, is not this drop.
    return dropsAnnounced.contains(table)
        ? Optional.of(TableId.of(database, table.schema(), table.table()))
        : Optional.empty();
  }

  @Override
  public void notice(SourceRecord record) {
    List<String> tables;
    try {
      Optional<List<String>> requested = messages.reloadRequest(record);
      if (requested.isEmpty()) {
        return;
      }
      tables = requested.get();
    } catch (IOException e) {
      LOG.warn(
          "Cannot read a request to load tables again in the change stream of {}: {}",
          description,
          e.getMessage());
      return;
    }
    for (String name : tables) {
      Optional<Captured> table =
          known.stream()
              .filter(captured -> name.equals(captured.schema() + "." + captured.table()))
              .findFirst();
      if (table.isEmpty()) {
        LOG.error(
            "Cannot load table {} of {} again, as asked: it is not captured (now)",
            name,
            description);
        continue;
      }
      TableId id = tableId(table.get());
      awaitingLoad.put(id, table.get());
      reloads.add(id);
    }
  }

  @Override
  public void dropped(TableId table) {
    for (Captured captured : List.copyOf(dropsAnnounced)) {
      if (captured.schema().equals(table.schemaName())
          && captured.table().equals(table.tableName())) {
        forget(captured);
        dropsAnnounced.remove(captured);
      }
    }
  }

  private boolean dropPending(Captured table) {
    return dropsAnnounced.stream()
        .anyMatch(
            dropped ->
                dropped.schema().equals(table.schema()) && dropped.table().equals(table.table()));
  }

  private void reportOnce(Captured table, String message) {
    if (reported.add(table)) {
      LOG.error(message);
    }
  }

  @Override
  public String state() {
    return state;
  }

  /** Counts the tables as captured: their rows are in the stream's past from now on. */
  private synchronized void remember(List<Captured> tables) {
    known.addAll(tables);
    writeState();
  }

  private synchronized void forget(Captured table) {
    known.remove(table);
    writeState();
  }

  private void writeState() {
    List<Captured> sorted = new ArrayList<>(known);
    sorted.sort(
        Comparator.comparing(Captured::schema)
            .thenComparing(Captured::table)
            .thenComparingLong(Captured::oid));
    try {
      state = JSON.writeValueAsString(sorted);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write the captured tables", e);
    }
  }

  private static List<Captured> parse(String state) {
    try {
      return JSON.readValue(state, new TypeReference<List<Captured>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "Cannot read the captured tables of the checkpoint: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public boolean awaitsLoad(TableId table) {
    return !awaitingLoad.isEmpty() && awaitingLoad.containsKey(table);
  }

  @Override
  public boolean loadPending() {
    return !readyToLoad.isEmpty() || !reloads.isEmpty() || !partitionsToCopy.isEmpty();
  }

  @Override
  public void load(Rows rows) throws Exception {
    Map<TableId, Long> ready = Map.copyOf(readyToLoad);
    if (!ready.isEmpty()) {
      List<Captured> tables = new ArrayList<>();
      for (TableId id : ready.keySet()) {
        tables.add(awaitingLoad.remove(id));
        readyToLoad.remove(id);
      }
      tables.sort(Comparator.comparing(Captured::schema).thenComparing(Captured::table));
      // Captured from the load's start on: the load's state, stored with the same positions,
      // has a restart finish it.
      remember(tables);
      long estimate = ready.values().stream().mapToLong(estimated -> Math.max(0, estimated)).sum();
      List<String> names = names(tables);
      LOG.info(
          "Loading new table(s) {} of {}{}; the stream waits meanwhile, then follows their changes",
          names,
          description,
          estimate > 0 ? " (about " + estimate + " rows)" : "");
      if (!initialLoad.join(names, false, rows)) {
        return;
      }
      LOG.info("Loaded new table(s) {}; following their changes", names);
    }
    if (!reloads.isEmpty()) {
      List<Captured> tables = new ArrayList<>();
      for (TableId id : reloads) {
        tables.add(awaitingLoad.remove(id));
      }
      reloads.clear();
      List<String> names = names(tables);
      LOG.info(
          "Loading table(s) {} of {} again, as asked; the stream waits meanwhile, then follows"
              + " their changes",
          names,
          description);
      if (!initialLoad.join(names, true, rows)) {
        return;
      }
      LOG.info("Loaded table(s) {} again; following their changes", names);
    }
    for (Map.Entry<TableId, Captured> copy : Map.copyOf(partitionsToCopy).entrySet()) {
      copyPartition(copy.getKey(), copy.getValue(), rows);
    }
  }

  /**
   * Copies the rows a partition held when it joined the captured partitioned table {@code root},
   * under the root's name, as changes over what the root's table holds. The stream waits
   * meanwhile; it then brings the partition's changes made since the stream's position again,
   * which an upsert table applies harmlessly (a change log may list them twice: its changes cannot
   * be told from the other partitions' to leave them out). A crash before the copy's end copies it
   * again.
   */
  private void copyPartition(TableId root, Captured partition, Rows rows) throws Exception {
    LOG.info(
        "Copying the rows of new partition {} of {}; the stream waits meanwhile, then follows"
            + " their changes",
        partition.quotedName(),
        root);
    List<LoadRow> part = new ArrayList<>();
    initialLoad.copyPartition(
        root.schemaName() + "." + root.tableName(),
        partition.oid(),
        (row, bytes) -> {
          part.add(row);
          if (part.size() == COPY_PART_ROWS) {
            rows.copied(List.copyOf(part));
            part.clear();
          }
        });
    rows.copied(List.copyOf(part));
    partitionsToCopy.remove(root);
    remember(List.of(partition));
    rows.copyEnd();
    LOG.info("Copied the rows of new partition {}; following its changes", partition.quotedName());
  }

  /** Rows of a partition's copy handed over at once. */
  private static final int COPY_PART_ROWS = 1024;

  private static List<String> names(List<Captured> tables) {
    return tables.stream().map(table -> table.schema() + "." + table.table()).toList();
  }

  /**
   * Whether a table found in the publication at the start is one that joined it before, but whose
   * load has not started: the load comes once the table is found again.
   */
  private boolean awaitsLoadOnceFound(Found table) {
    return table.published()
        && !table.publishedFromCreation()
        && table.root().isEmpty()
        && table.hasIdentity()
        && table.readable()
        && !known.contains(table.table());
  }

  private TableId tableId(Captured table) {
    return TableId.of(database, table.schema(), table.table());
  }

  @Override
  public void close() {
    if (watcher != null) {
      watcher.shutdownNow();
      watcher = null;
    }
  }

  private List<Found> found() {
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      return found(connection);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot list the tables of " + description + ": " + e.getMessage(), e);
    }
  }

  private List<Found> found(Connection connection) throws SQLException {
    List<Found> found = new ArrayList<>();
    boolean schemaPublications = connection.getMetaData().getDatabaseMajorVersion() >= 15;
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT c.oid, n.nspname, c.relname,"
                + " "
                + PostgresPreflight.HAS_REPLICA_IDENTITY
                + ","
                + " has_table_privilege(c.oid, 'SELECT'),"
                + " EXISTS (SELECT 1 FROM pg_publication_tables p"
                + "   WHERE p.pubname = ? AND p.schemaname = n.nspname AND p.tablename = c.relname),"
                + " EXISTS (SELECT 1 FROM pg_publication p WHERE p.pubname = ? AND p.puballtables)"
                + (schemaPublications
                    ? " OR EXISTS (SELECT 1 FROM pg_publication_namespace s JOIN pg_publication p ON p.oid = s.pnpubid"
                        + " WHERE p.pubname = ? AND s.pnnspid = n.oid),"
                    : ",")
                + " c.reltuples::bigint, "
                + PostgresPartitions.ROOT_COLUMNS
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + PostgresPartitions.ROOT_JOIN
                + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')")) {
      statement.setString(1, publication);
      statement.setString(2, publication);
      if (schemaPublications) {
        statement.setString(3, publication);
      }
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          String schema = result.getString(2);
          String table = result.getString(3);
          if (preflight.selected(schema, table)) {
            Optional<TableId> root =
                PostgresPartitions.readThroughRoot(preflight, result, 9)
                    ? Optional.of(TableId.of(database, result.getString(10), result.getString(11)))
                    : Optional.empty();
            found.add(
                new Found(
                    new Captured(result.getLong(1), schema, table),
                    result.getBoolean(4),
                    result.getBoolean(5),
                    result.getBoolean(6),
                    result.getBoolean(7),
                    result.getLong(8),
                    root));
          }
        }
      }
    }
    return found;
  }

  private static boolean isEmpty(Connection connection, Captured table) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT NOT EXISTS (SELECT 1 FROM " + table.quotedName() + ")")) {
      result.next();
      return result.getBoolean(1);
    }
  }
}
