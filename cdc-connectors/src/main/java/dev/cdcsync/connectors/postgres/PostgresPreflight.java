package dev.cdcsync.connectors.postgres;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.JdbcConnections;
import dev.cdcsync.connectors.SourceOptions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.postgresql.replication.LogSequenceNumber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before Debezium starts, what PostgreSQL needs for change capture, and says exactly what
 * to change or grant when something is missing.
 */
final class PostgresPreflight implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(PostgresPreflight.class);

  private final String url;
  private final String description;
  private final Configuration options;
  private final String publication;
  private final boolean streams;
  private final String slot;

  /** Whether this process created the publication (see {@link #requireCommittedSlot}). */
  private volatile boolean publicationCreated;

  private final List<Pattern> tablePatterns;
  private final Properties engineProperties;
  private final String tableIncludeList;

  /**
   * @param engineProperties the Debezium engine's settings: its table.include.list (regexes on
   *     schema.table) selects the tables; {@link #run()} leaves out partitions read through their
   *     root (see {@link PostgresPartitions})
   * @param streams whether changes are streamed after the load; without (scan.startup.mode
   *     snapshot), nothing of logical replication is checked or made: no publication, no slot
   */
  PostgresPreflight(
      String url,
      String description,
      Configuration options,
      String publication,
      String slot,
      Properties engineProperties,
      boolean streams) {
    this.url = url;
    this.description = description;
    this.options = options;
    this.publication = publication;
    this.streams = streams;
    this.slot = slot;
    this.engineProperties = engineProperties;
    this.tableIncludeList = engineProperties.getProperty("table.include.list");
    this.tablePatterns =
        java.util.Arrays.stream(tableIncludeList.split(","))
            .map(regex -> Pattern.compile(regex, Pattern.CASE_INSENSITIVE))
            .toList();
  }

  /**
   * Whether table {@code c} (a pg_class row) has a replica identity, without which PostgreSQL
   * refuses its UPDATEs and DELETEs once it is in a publication.
   */
  static final String HAS_REPLICA_IDENTITY =
      "(c.relreplident = 'f'"
          + " OR (c.relreplident = 'd' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))"
          + " OR (c.relreplident = 'i' AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisreplident)))";

  /** Why a table without replica identity cannot be captured, and the fix. */
  static String noReplicaIdentity(String quotedTable) {
    return "has no replica identity (no primary key, or REPLICA IDENTITY NOTHING): once it is in the publication"
        + " PostgreSQL refuses its UPDATEs and DELETEs; run ALTER TABLE "
        + quotedTable
        + " REPLICA IDENTITY FULL;";
  }

  /** What was found, before anything is changed. */
  private record Findings(
      List<PreflightCheck> checks, List<String> tables, boolean publicationExists) {
    List<String> problems() {
      return checks.stream().filter(check -> !check.passed()).map(PreflightCheck::detail).toList();
    }
  }

  /** Checks what change capture needs, changing nothing. */
  List<PreflightCheck> checks() {
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      return findings(connection).checks();
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot check " + description + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void run() {
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      Findings findings = findings(connection);
      if (findings.tables().isEmpty()) {
        LOG.warn("No table in {} matches option 'tables' yet; waiting for changes", description);
      }
      List<String> problems = findings.problems();
      if (!problems.isEmpty()) {
        throw new PermanentPipelineException(
            (streams ? "Cannot capture changes from " : "Cannot load the tables of ")
                + description
                + ":\n  "
                + String.join("\n  ", problems));
      }
      if (streams) {
        preparePublication(connection, findings.tables(), findings.publicationExists());
      }
      engineProperties.setProperty(
          "table.include.list",
          PostgresPartitions.excluding(
              tableIncludeList, PostgresPartitions.readThroughRoot(connection, this)));
      if (streams) {
        releaseSlot(connection);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Cannot check " + description + ": " + e.getMessage(), e);
    }
  }

  private Findings findings(Connection connection) throws SQLException {
    String user = options.get(SourceOptions.USERNAME);
    List<PreflightCheck> checks = new ArrayList<>();
    checks.add(
        PreflightCheck.passed("connection", "connected to " + description + " as '" + user + "'"));
    if (!streams) {
      List<String> tables = matchingTables(connection);
      checks.add(tablesCheck(tables));
      for (String table : tables) {
        selectCheck(connection, user, table).ifPresent(checks::add);
      }
      return new Findings(checks, tables, false);
    }
    String walLevel = single(connection, "SHOW wal_level");
    checks.add(
        "logical".equals(walLevel)
            ? PreflightCheck.passed("wal_level", "wal_level is logical")
            : PreflightCheck.failed(
                "wal_level",
                "wal_level is '"
                    + walLevel
                    + "' but must be 'logical': run ALTER SYSTEM SET"
                    + " wal_level = logical; and restart the server"));
    boolean superuser;
    boolean replication;
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user")) {
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        superuser = result.getBoolean(1);
        replication = result.getBoolean(2);
      }
    }
    checks.add(
        superuser || replication
            ? PreflightCheck.passed("replication", "user '" + user + "' may use replication")
            : PreflightCheck.failed(
                "replication",
                "user '"
                    + user
                    + "' may not use replication: run ALTER ROLE "
                    + quote(user)
                    + " WITH REPLICATION;"));
    boolean slotExists =
        flag(
            connection,
            "SELECT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = "
                + literal(slot)
                + ")");
    SourceOptions.StartupMode mode = options.get(SourceOptions.STARTUP_MODE);
    boolean readsExistingSlot =
        mode == SourceOptions.StartupMode.COMMITTED_OFFSET
            || mode == SourceOptions.StartupMode.SPECIFIC_OFFSET;
    if (slotExists) {
      checks.add(
          PreflightCheck.passed(
              "replication slot", "slot " + slot + " exists (the pipeline resumes from it)"));
    } else if (readsExistingSlot) {
      checks.add(
          PreflightCheck.failed(
              "replication slot",
              "there is no slot "
                  + slot
                  + ", and scan.startup.mode "
                  + mode.spelling()
                  + " streams from an existing one: create it (pg_create_logical_replication_slot('"
                  + slot
                  + "', 'pgoutput')) after its publication, or set source option 'slot.name'"));
    } else {
      int used = Integer.parseInt(single(connection, "SELECT count(*) FROM pg_replication_slots"));
      int max = Integer.parseInt(single(connection, "SHOW max_replication_slots"));
      checks.add(
          used < max
              ? PreflightCheck.passed(
                  "replication slot",
                  "slot " + slot + " will be created (" + used + " of " + max + " slots in use)")
              : PreflightCheck.failed(
                  "replication slot",
                  "all "
                      + max
                      + " replication slots are in use, so slot "
                      + slot
                      + " cannot be created: raise max_replication_slots (and restart the server) or drop an unused slot"));
    }
    List<String> tables = matchingTables(connection);
    checks.add(tablesCheck(tables));
    for (String table : tables) {
      selectCheck(connection, user, table).ifPresent(checks::add);
      if (!flag(
          connection,
          "SELECT "
              + HAS_REPLICA_IDENTITY
              + " FROM pg_class c WHERE c.oid = "
              + literal(table)
              + "::regclass")) {
        checks.add(
            PreflightCheck.failed(
                "replica identity " + table, "table " + table + " " + noReplicaIdentity(table)));
      } else {
        unchangedValuesCheck(connection, table).ifPresent(checks::add);
      }
    }
    boolean publicationExists =
        flag(
            connection,
            "SELECT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = "
                + literal(publication)
                + ")");
    if (publicationExists) {
      checks.add(PreflightCheck.passed("publication", "publication " + publication + " exists"));
    } else if (superuser) {
      checks.add(
          PreflightCheck.passed("publication", "publication " + publication + " will be created"));
    } else {
      boolean canCreate =
          flag(
              connection,
              "SELECT has_database_privilege(current_user, current_database(), 'CREATE')");
      List<String> notOwned = new ArrayList<>();
      for (String table : tables) {
        if (!flag(
            connection,
            "SELECT pg_has_role(current_user, c.relowner, 'USAGE') FROM pg_class c WHERE c.oid = "
                + literal(table)
                + "::regclass")) {
          notOwned.add(table);
        }
      }
      if (!canCreate) {
        checks.add(
            PreflightCheck.failed(
                "publication",
                "user '"
                    + user
                    + "' cannot create publication "
                    + publication
                    + ": run GRANT CREATE ON DATABASE "
                    + quote(single(connection, "SELECT current_database()"))
                    + " TO "
                    + quote(user)
                    + "; or create it yourself: CREATE PUBLICATION "
                    + quote(publication)
                    + " FOR TABLE "
                    + String.join(", ", tables)
                    + ";"));
      }
      for (String table : notOwned) {
        checks.add(
            PreflightCheck.failed(
                "owner " + table,
                "user '"
                    + user
                    + "' does not own table "
                    + table
                    + ", which a publication for it requires: run ALTER TABLE "
                    + table
                    + " OWNER TO "
                    + quote(user)
                    + "; or create the publication yourself: CREATE PUBLICATION "
                    + quote(publication)
                    + " FOR TABLE "
                    + String.join(", ", tables)
                    + ";"));
      }
      if (canCreate && notOwned.isEmpty()) {
        checks.add(
            PreflightCheck.passed(
                "publication", "publication " + publication + " will be created"));
      }
    }
    return new Findings(checks, tables, publicationExists);
  }

  private PreflightCheck tablesCheck(List<String> tables) {
    return PreflightCheck.passed(
        "tables",
        tables.size()
            + " table(s) match option 'tables'"
            + (tables.isEmpty()
                ? streams ? "; the pipeline waits for changes" : ""
                : ": " + String.join(", ", tables)));
  }

  private static Optional<PreflightCheck> selectCheck(
      Connection connection, String user, String table) throws SQLException {
    if (flag(
        connection, "SELECT has_table_privilege(current_user, " + literal(table) + ", 'SELECT')")) {
      return Optional.empty();
    }
    return Optional.of(
        PreflightCheck.failed(
            "select " + table,
            "user '"
                + user
                + "' cannot read table "
                + table
                + ": run GRANT SELECT ON "
                + table
                + " TO "
                + quote(user)
                + ";"));
  }

  /**
   * Creates the publication for the selected tables, or adds the selected tables it lacks, on
   * this ordinary connection. Debezium could do it itself, but it does so on its replication
   * connection, whose cached table definitions then decode changes logged before a column's type
   * changed with the new type (a restart across such a change read garbage values).
   */
  private void preparePublication(Connection connection, List<String> tables, boolean exists)
      throws SQLException {
    boolean viaRoot = connection.getMetaData().getDatabaseMajorVersion() >= 13;
    if (!exists) {
      execute(
          connection,
          "CREATE PUBLICATION "
              + quote(publication)
              + (tables.isEmpty() ? "" : " FOR TABLE " + String.join(", ", tables))
              + (viaRoot ? " WITH (publish_via_partition_root = true)" : ""));
      publicationCreated = true;
      LOG.info(
          "Created publication {} for {}",
          publication,
          tables.isEmpty() ? "no table yet" : String.join(", ", tables));
      return;
    }
    if (viaRoot
        && !flag(
            connection,
            "SELECT pubviaroot FROM pg_publication WHERE pubname = " + literal(publication))
        && flag(
            connection,
            "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relkind = 'p' AND oid = ANY (ARRAY["
                + (tables.isEmpty()
                    ? "NULL"
                    : tables.stream()
                        .map(table -> literal(table) + "::regclass")
                        .collect(java.util.stream.Collectors.joining(", ")))
                + "]::oid[]))")) {
      String set =
          "ALTER PUBLICATION " + quote(publication) + " SET (publish_via_partition_root = true)";
      try {
        execute(connection, set);
        LOG.info(
            "Publication {} now publishes the changes of partitions as their partitioned table's",
            publication);
      } catch (SQLException e) {
        throw new PermanentPipelineException(
            "Cannot capture partitioned tables from "
                + description
                + ": publication "
                + publication
                + " publishes their partitions' changes under the partitions' names and cannot be changed by user '"
                + options.get(SourceOptions.USERNAME)
                + "' ("
                + e.getMessage().strip()
                + "): run "
                + set
                + ";",
            e);
      }
    }
    if (flag(
        connection,
        "SELECT puballtables FROM pg_publication WHERE pubname = " + literal(publication))) {
      return;
    }
    List<String> missing = new ArrayList<>(tables);
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = "
                    + literal(publication))) {
      while (result.next()) {
        missing.remove(quote(result.getString(1)) + "." + quote(result.getString(2)));
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    String add =
        "ALTER PUBLICATION " + quote(publication) + " ADD TABLE " + String.join(", ", missing);
    try {
      execute(connection, add);
      // Their earlier rows are copied once the stream runs (PostgresNewTables).
      LOG.info("Added {} to publication {}", String.join(", ", missing), publication);
    } catch (SQLException e) {
      throw new PermanentPipelineException(
          "Cannot capture changes from "
              + description
              + ": publication "
              + publication
              + " lacks selected tables and cannot be changed by user '"
              + options.get(SourceOptions.USERNAME)
              + "' ("
              + e.getMessage().strip()
              + "): run "
              + add
              + ";",
          e);
    }
  }

  private static void execute(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  /** The planner's estimate of each selected table's rows (-1 where the table was never analyzed). */
  Map<TableId, Long> estimatedRows(String database) {
    Map<TableId, Long> estimates = new HashMap<>();
    try (Connection connection = JdbcConnections.open(url, options, description);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT n.nspname, c.relname, c.reltuples::bigint, "
                    + PostgresPartitions.ROOT_COLUMNS
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + PostgresPartitions.ROOT_JOIN
                    + " WHERE c.relkind IN ('r', 'p')")) {
      while (result.next()) {
        String schema = result.getString(1);
        String table = result.getString(2);
        if (selected(schema, table) && !PostgresPartitions.readThroughRoot(this, result, 4)) {
          estimates.put(TableId.of(database, schema, table), result.getLong(3));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot estimate the rows of " + description + ": " + e.getMessage(), e);
    }
    return estimates;
  }

  /**
   * Ends a connection still holding this pipeline's slot: this instance holds the pipeline's
   * lease, so the holder is a connection of an earlier, failed or killed attempt of its own that
   * the server has not noticed yet.
   */
  private void releaseSlot(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                + " WHERE slot_name = ? AND database = current_database() AND active AND active_pid IS NOT NULL")) {
      statement.setString(1, slot);
      try (ResultSet result = statement.executeQuery()) {
        if (result.next()) {
          LOG.warn(
              "Replication slot {} was still held by an earlier connection of this pipeline; ended it",
              slot);
        }
      }
    } catch (SQLException e) {
      // Without the right to end it, the slot frees itself once the server notices; the start then
      // fails and is retried.
      LOG.warn("Cannot end the connection holding replication slot {}: {}", slot, e.getMessage());
    }
  }

  /**
   * Before a start without a checkpoint in {@code scan.startup.mode: committed-offset}: the slot
   * must exist, in this database, for pgoutput; the stream then starts at its confirmed position.
   *
   * @throws PermanentPipelineException naming the slot and what to do when it is missing
   */
  void requireCommittedSlot() {
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      LOG.info(
          "Streaming the changes of {} from replication slot {} at its confirmed position {}"
              + " (scan.startup.mode committed-offset)",
          description,
          slot,
          existingSlot(connection, "committed-offset"));
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot read replication slot " + slot + " of " + description + ": " + e.getMessage(), e);
    }
  }

  /**
   * Before a start without a checkpoint in {@code scan.startup.mode: specific-offset}: the slot
   * must exist as for {@link #requireCommittedSlot()}, confirmed at or before {@code lsn}, which
   * the server's WAL must have reached. The slot is advanced to it, so the stream brings the
   * transactions committed after it.
   *
   * @throws PermanentPipelineException naming the slot and both positions when the slot is past
   *     the LSN (the changes in between are gone) or the LSN is ahead of the server
   */
  void advanceSlotTo(String lsn) {
    String mode = "specific-offset " + lsn;
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      String confirmed = existingSlot(connection, mode);
      long wanted = lsn(lsn);
      if (lsn(confirmed) > wanted) {
        throw new PermanentPipelineException(
            "Cannot start from WAL position "
                + lsn
                + " of "
                + description
                + " (scan.startup.mode specific-offset): replication slot "
                + slot
                + " has confirmed "
                + confirmed
                + " already, and the server keeps no changes before that for it; start from "
                + confirmed
                + " or later");
      }
      String current;
      try (Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
        result.next();
        current = result.getString(1);
      }
      if (wanted > lsn(current)) {
        throw new PermanentPipelineException(
            "Cannot start from WAL position "
                + lsn
                + " of "
                + description
                + " (scan.startup.mode specific-offset): the server's WAL has only reached "
                + current);
      }
      advance(connection, lsn, wanted);
      LOG.info(
          "Streaming the changes of {} committed after WAL position {} from replication slot {}"
              + " (scan.startup.mode specific-offset; the slot had confirmed {})",
          description,
          lsn,
          slot,
          confirmed);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot move replication slot "
              + slot
              + " of "
              + description
              + " to "
              + lsn
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * Advances the slot to {@code lsn}. The server advances a slot only as far as its WAL is flushed,
   * which trails commits made with {@code synchronous_commit = off} by up to three times {@code
   * wal_writer_delay}: the call is repeated until the slot is there, for ten seconds at most.
   */
  private void advance(Connection connection, String lsn, long wanted) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    try (PreparedStatement advance =
        connection.prepareStatement(
            "SELECT end_lsn FROM pg_replication_slot_advance(?, ?::pg_lsn)")) {
      advance.setString(1, slot);
      advance.setString(2, lsn);
      while (true) {
        String reached;
        try (ResultSet result = advance.executeQuery()) {
          result.next();
          reached = result.getString(1);
        }
        if (lsn(reached) >= wanted) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new PermanentPipelineException(
              "Cannot move replication slot "
                  + slot
                  + " of "
                  + description
                  + " to WAL position "
                  + lsn
                  + " (scan.startup.mode specific-offset): the server has flushed its WAL only to "
                  + reached
                  + " after 10 s");
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while moving replication slot " + slot, e);
        }
      }
    }
  }

  /**
   * The confirmed position of the pipeline's existing slot, checked to be this database's, for
   * pgoutput, and kept with its publication.
   */
  private String existingSlot(Connection connection, String mode) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT database, plugin, confirmed_flush_lsn FROM pg_replication_slots"
                + " WHERE slot_name = ?")) {
      statement.setString(1, slot);
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          throw new PermanentPipelineException(
              "Cannot start from replication slot "
                  + slot
                  + " of "
                  + description
                  + " (scan.startup.mode "
                  + mode
                  + "): there is no such slot; create it"
                  + " (pg_create_logical_replication_slot('"
                  + slot
                  + "', 'pgoutput')), set source option 'slot.name' to the slot to read, or start"
                  + " with initial or latest-offset");
        }
        String database = result.getString(1);
        String plugin = result.getString(2);
        if (!"pgoutput".equals(plugin) || !connection.getCatalog().equals(database)) {
          throw new PermanentPipelineException(
              "Cannot start from replication slot "
                  + slot
                  + " (scan.startup.mode "
                  + mode
                  + "): it is a slot of database "
                  + database
                  + " for plugin "
                  + plugin
                  + ", not of "
                  + connection.getCatalog()
                  + " for pgoutput");
        }
        if (publicationCreated) {
          throw new PermanentPipelineException(
              "Cannot start from replication slot "
                  + slot
                  + " of "
                  + description
                  + " (scan.startup.mode "
                  + mode
                  + "): its publication "
                  + publication
                  + " did not exist until this start created it, and the slot's changes are"
                  + " decoded against the publications of their time; a "
                  + mode
                  + " start reads a slot kept with its publication (create the publication before"
                  + " the slot), else start with initial or latest-offset");
        }
        return result.getString(3);
      }
    }
  }

  /** A WAL position written as PostgreSQL does ({@code 16/B374D848}), or null if it is none. */
  static Long lsn(String text) {
    LogSequenceNumber lsn = LogSequenceNumber.valueOf(text.trim());
    return lsn.equals(LogSequenceNumber.INVALID_LSN) ? null : lsn.asLong();
  }

  /**
   * Drops the slot a start from the beginning created but never committed from: before the next
   * such start (a new snapshot must begin exactly where its slot does, which only a new slot
   * guarantees), and after such a start failed (nothing would read the slot, which holds back the
   * server's WAL). A slot still in use is left alone, and said so.
   */
  void dropStaleSlot() {
    try (Connection connection = JdbcConnections.open(url, options, description)) {
      // The failed start's walsender may take a moment to let go of the slot.
      execute(
          connection,
          "DO $$ BEGIN FOR i IN 1..50 LOOP EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_replication_slots"
              + " WHERE slot_name = "
              + literal(slot)
              + " AND database = current_database() AND active);"
              + " PERFORM pg_sleep(0.1); END LOOP; END $$");
      String holder = null;
      boolean exists;
      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
        statement.setString(1, slot);
        try (ResultSet result = statement.executeQuery()) {
          exists = result.next();
          if (exists) {
            holder = result.getString(1);
          }
        }
      }
      if (!exists) {
        return;
      }
      if (holder != null) {
        LOG.warn(
            "Replication slot {} in {} is in use by server process {}, not by this pipeline; left as it is",
            slot,
            description,
            holder);
        return;
      }
      try (PreparedStatement statement =
          connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
        statement.setString(1, slot);
        statement.execute();
      }
      LOG.warn(
          "Dropped replication slot {} in {}: no checkpoint of this pipeline reads from it",
          slot,
          description);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "Cannot drop replication slot "
              + slot
              + " in "
              + description
              + ", left by a start that never committed ("
              + e.getMessage().strip()
              + "); it holds back the server's WAL: drop it with SELECT pg_drop_replication_slot("
              + literal(slot)
              + ");",
          e);
    }
  }

  /** Whether option {@code tables} selects the table. */
  boolean selected(String schema, String table) {
    return tablePatterns.stream()
        .anyMatch(pattern -> pattern.matcher(schema + "." + table).matches());
  }

  private List<String> matchingTables(Connection connection) throws SQLException {
    List<String> tables = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT n.nspname, c.relname, "
                    + PostgresPartitions.ROOT_COLUMNS
                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + PostgresPartitions.ROOT_JOIN
                    + " WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                    + " ORDER BY 1, 2")) {
      while (result.next()) {
        String schema = result.getString(1);
        String table = result.getString(2);
        if (selected(schema, table) && !PostgresPartitions.readThroughRoot(this, result, 3)) {
          tables.add(quote(schema) + "." + quote(table));
        }
      }
    }
    return tables;
  }

  private static String single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    }
  }

  /**
   * For a table whose updates may leave large values out (columns PostgreSQL can store out of line,
   * replica identity not FULL): how cdc-sync gets them, and how to make every change carry them.
   */
  private static Optional<PreflightCheck> unchangedValuesCheck(Connection connection, String table)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    try (Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                    + " WHERE c.oid = "
                    + literal(table)
                    + "::regclass AND c.relreplident <> 'f'"
                    + " AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage IN ('x', 'e') ORDER BY a.attnum")) {
      while (result.next()) {
        columns.add(result.getString(1));
      }
    }
    if (columns.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        PreflightCheck.passed(
            "unchanged values " + table,
            "an update that leaves "
                + String.join(", ", columns)
                + " unchanged may leave their values out (TOAST);"
                + " cdc-sync reads them back by key, one query per such update, and upsert tables end equal to"
                + " the source; for append tables whose every row must show the values as of its change, run"
                + " ALTER TABLE "
                + table
                + " REPLICA IDENTITY FULL;"));
  }

  private static boolean flag(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      return result.next() && result.getBoolean(1);
    }
  }

  static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
