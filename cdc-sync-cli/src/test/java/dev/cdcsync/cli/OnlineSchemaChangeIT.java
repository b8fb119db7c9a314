package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gh-ost and pt-online-schema-change runs on a MariaDB table that a pipeline captures with a
 * pattern that also matches the tools' tables, with {@code scan.parse.online.schema.changes.enabled}.
 * Each tool's statements are the ones it writes to the binlog, in its order (gh-ost 1.1's atomic
 * cut-over; pt-osc 3's triggers and copy nibbles), while a writer changes the table throughout.
 * Each run must end as one schema change of the table: its rows kept, a renamed column's values
 * under the new name, an added column's default in the rows it had; none of the tools' tables in
 * Iceberg, and no reload of the table.
 */
class OnlineSchemaChangeIT {

  private static final int ROWS = 3000;

  @TempDir Path work;

  /**
   * gh-ost renames a column and adds one; the pipeline is killed between the copy's ALTER and the
   * cut-over, so the rename must come from what the position stored.
   */
  @Test
  void aGhostRunIsOneSchemaChangeOfItsTableEvenWhenKilledBeforeTheCutOver() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "osc_ghost";
    Path warehouse = work.resolve("warehouse");
    Path pipeline = createOrdersAndPipeline(server, database, warehouse, 5461);
    String table = "`" + database + "`.`orders`";
    String ghost = "`" + database + "`.`_orders_gho`";
    String changelog = "`" + database + "`.`_orders_ghc`";
    String sentry = "`" + database + "`.`_orders_del`";

    Writes writes = new Writes(server, database);
    Thread writer = new Thread(writes, "writes");
    try (CdcSyncProcess cdcSync = start(pipeline)) {
      awaitEqual(cdcSync, server, warehouse, database);
      writer.start();
      server.execute(
          database,
          "drop /* gh-ost */ table if exists " + ghost,
          "drop /* gh-ost */ table if exists " + sentry,
          "create /* gh-ost */ table "
              + changelog
              + " (\n\t\t\tid bigint unsigned auto_increment,\n\t\t\tlast_update timestamp not null"
              + " DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,\n\t\t\thint varchar(64)"
              + " charset ascii not null,\n\t\t\tvalue varchar(4096) charset ascii not null,\n\t\t\t"
              + "primary key(id),\n\t\t\tunique key hint_uidx(hint)\n\t\t) auto_increment=256"
              + " comment='gh-ost changelog'",
          "insert /* gh-ost */ into "
              + changelog
              + " (id, hint, value) values (NULLIF(2, 0), 'state', 'GhostTableMigrated')"
              + " on duplicate key update last_update=NOW(), value=VALUES(value)",
          "create /* gh-ost */ table " + ghost + " like " + table,
          "alter /* gh-ost */ table "
              + ghost
              + " change column note remark varchar(40), add column weight int not null default 7");
      writes.mirrorInto("_orders_gho");
      copyChunks(server, database, 1, ROWS / 2);
      // Committed past the ALTER, then killed: the rename is in the stored position only.
      long commits = snapshots(warehouse, database);
      await("two commits after the copy's ALTER")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> snapshots(warehouse, database) >= commits + 2);
      cdcSync.kill();
    }

    try (CdcSyncProcess cdcSync = start(pipeline)) {
      copyChunks(server, database, ROWS / 2 + 1, ROWS);
      // The rows inserted since, in one chunk.
      copyChunk(server, database, ROWS + 1, Long.MAX_VALUE);
      writes.pause.lock();
      try {
        // gh-ost's atomic cut-over: a sentry table blocks the rename until the lock is released.
        try (Connection locker = server.connect(database);
            Connection renamer = server.connect(database);
            Statement lock = locker.createStatement()) {
          lock.execute(
              "create /* gh-ost */ table "
                  + sentry
                  + " (\n\t\t\tid int auto_increment primary key\n\t\t) engine=InnoDB"
                  + " comment='ghost-cut-over-sentry'");
          lock.execute("lock /* gh-ost */ tables " + table + " write, " + sentry + " write");
          CompletableFuture<Void> rename =
              CompletableFuture.runAsync(
                  () -> {
                    try (Statement statement = renamer.createStatement()) {
                      statement.execute(
                          "rename /* gh-ost */ table "
                              + table
                              + " to "
                              + sentry
                              + ", "
                              + ghost
                              + " to "
                              + table);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
          awaitBlockedRename(server);
          lock.execute("drop /* gh-ost */ table if exists " + sentry);
          lock.execute("unlock tables");
          rename.get();
        }
        writes.mirrorInto(null);
      } finally {
        writes.pause.unlock();
      }
      server.execute(
          database,
          "drop /* gh-ost */ table if exists " + changelog,
          "drop /* gh-ost */ table if exists " + sentry);
      writes.awaitMoreRounds(50);
      writes.stop();
      writer.join();
      assertThat(writes.failure.get()).isNull();
      assertThat(writes.rounds.get()).isPositive();

      awaitEqual(cdcSync, server, warehouse, database);
      assertOneSchemaChange(cdcSync, warehouse, database, "remark", "note");
    }
  }

  /** pt-osc adds a column with a default and widens another, its triggers copying the writes. */
  @Test
  void aPtOnlineSchemaChangeRunIsOneSchemaChangeOfItsTable() throws Exception {
    TestDatabaseServer server = TestDatabases.mariadb();
    String database = "osc_pt";
    Path warehouse = work.resolve("warehouse");
    Path pipeline = createOrdersAndPipeline(server, database, warehouse, 5462);
    String table = "`" + database + "`.`orders`";
    String copy = "`" + database + "`.`_orders_new`";
    String old = "`" + database + "`.`_orders_old`";
    String columns = "`id`, `note`, `qty`";
    String trigger = "`" + database + "`.`pt_osc_" + database + "_orders_";

    Writes writes = new Writes(server, database);
    Thread writer = new Thread(writes, "writes");
    try (CdcSyncProcess cdcSync = start(pipeline)) {
      awaitEqual(cdcSync, server, warehouse, database);
      writer.start();
      server.execute(
          database,
          // pt-osc creates the copy from SHOW CREATE TABLE, under the copy's name.
          showCreateTable(server, database).replaceFirst("`orders`", copy),
          "ALTER TABLE "
              + copy
              + " ADD COLUMN channel VARCHAR(10) NOT NULL DEFAULT 'web', MODIFY qty BIGINT",
          "CREATE TRIGGER "
              + trigger
              + "del` AFTER DELETE ON "
              + table
              + " FOR EACH ROW BEGIN DECLARE CONTINUE HANDLER FOR 1146 begin end; DELETE IGNORE"
              + " FROM "
              + copy
              + " WHERE "
              + copy
              + ".`id` <=> OLD.`id`; END",
          "CREATE TRIGGER "
              + trigger
              + "upd` AFTER UPDATE ON "
              + table
              + " FOR EACH ROW BEGIN DECLARE CONTINUE HANDLER FOR 1146 begin end; DELETE IGNORE"
              + " FROM "
              + copy
              + " WHERE !(OLD.`id` <=> NEW.`id`) AND "
              + copy
              + ".`id` <=> OLD.`id`; REPLACE INTO "
              + copy
              + " ("
              + columns
              + ") VALUES (NEW.`id`, NEW.`note`, NEW.`qty`); END",
          "CREATE TRIGGER "
              + trigger
              + "ins` AFTER INSERT ON "
              + table
              + " FOR EACH ROW BEGIN DECLARE CONTINUE HANDLER FOR 1146 begin end; REPLACE INTO "
              + copy
              + " ("
              + columns
              + ") VALUES (NEW.`id`, NEW.`note`, NEW.`qty`);END");
      for (long low = 1; low <= ROWS; low += 500) {
        server.execute(
            database,
            nibble(
                table,
                copy,
                columns,
                "((`id` >= '" + low + "')) AND ((`id` <= '" + (low + 499) + "'))"));
      }
      server.execute(
          database,
          nibble(table, copy, columns, "((`id` > '" + ROWS + "'))"),
          "ANALYZE TABLE " + copy + " /* pt-online-schema-change */",
          "RENAME TABLE " + table + " TO " + old + ", " + copy + " TO " + table,
          "DROP TABLE IF EXISTS " + old,
          "DROP TRIGGER IF EXISTS " + trigger + "del`",
          "DROP TRIGGER IF EXISTS " + trigger + "upd`",
          "DROP TRIGGER IF EXISTS " + trigger + "ins`");
      writes.awaitMoreRounds(50);
      writes.stop();
      writer.join();
      assertThat(writes.failure.get()).isNull();

      awaitEqual(cdcSync, server, warehouse, database);
      assertOneSchemaChange(cdcSync, warehouse, database, "channel", null);
      assertThat(IcebergRows.table(warehouse, database, "orders").schema().findField("qty").type())
          .hasToString("long");
    }
  }

  /** pt-osc's copy of the rows {@code where} selects, as it writes it. */
  private static String nibble(String table, String copy, String columns, String where) {
    return "INSERT LOW_PRIORITY IGNORE INTO "
        + copy
        + " ("
        + columns
        + ") SELECT "
        + columns
        + " FROM "
        + table
        + " FORCE INDEX(`PRIMARY`) WHERE "
        + where
        + " LOCK IN SHARE MODE /*pt-online-schema-change 4242 copy nibble*/";
  }

  private Path createOrdersAndPipeline(
      TestDatabaseServer server, String database, Path warehouse, int serverId) throws Exception {
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(20), qty INT)",
        "INSERT INTO orders SELECT seq, CONCAT('note ', seq), 1 FROM seq_1_to_" + ROWS);
    return PipelineFiles.writeWithSink(
        work.resolve("pipeline.yaml"),
        server,
        server.username(),
        server.password(),
        database,
        List.of(
            // Matches the tools' tables too: they are left out by the option.
            "tables: " + database + ".\\.*",
            "server-id: " + serverId,
            "scan.parse.online.schema.changes.enabled: true"),
        PipelineFiles.hadoopSink(warehouse),
        "200ms",
        List.of("schema.change.behavior: evolve"));
  }

  private static String showCreateTable(TestDatabaseServer server, String database)
      throws Exception {
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW CREATE TABLE orders")) {
      result.next();
      return result.getString(2);
    }
  }

  private CdcSyncProcess start(Path pipeline) throws Exception {
    return CdcSyncProcess.start(
        work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0");
  }

  /**
   * Orders is the only table in Iceberg, with the column {@code added} (renamed from {@code
   * renamedFrom} when not null), and the swap did not reload it.
   */
  private static void assertOneSchemaChange(
      CdcSyncProcess cdcSync, Path warehouse, String database, String added, String renamedFrom)
      throws Exception {
    try (HadoopCatalog catalog = (HadoopCatalog) IcebergRows.hadoopCatalog(warehouse)) {
      assertThat(catalog.listTables(Namespace.of(database)))
          .containsExactly(TableIdentifier.of(database, "orders"));
    }
    Table orders = IcebergRows.table(warehouse, database, "orders");
    assertThat(orders.schema().findField(added)).isNotNull();
    if (renamedFrom != null) {
      assertThat(orders.schema().findField(renamedFrom)).as("renamed, not kept").isNull();
    }
    assertThat(cdcSync.output())
        .as(cdcSync.describe())
        .contains("was swapped for its altered copy")
        .doesNotContain("joined option 'tables' by a rename")
        .doesNotContain(" ERROR ");
  }

  /** gh-ost's copy of the rows with keys {@code from} to {@code to}, in chunks of 500. */
  private static void copyChunks(TestDatabaseServer server, String database, long from, long to)
      throws Exception {
    for (long low = from; low <= to; low += 500) {
      copyChunk(server, database, low, Math.min(to, low + 499));
    }
  }

  /** gh-ost's copy of one chunk of rows: keys {@code low} to {@code high}. */
  private static void copyChunk(TestDatabaseServer server, String database, long low, long high)
      throws Exception {
    String table = "`" + database + "`.`orders`";
    server.execute(
        database,
        "insert /* gh-ost "
            + table
            + " */ ignore into `"
            + database
            + "`.`_orders_gho` (`id`, `remark`, `qty`) (select `id`, `note`, `qty` from "
            + table
            + " force index (`PRIMARY`) where (((`id` > "
            + low
            + ")) or ((`id` = "
            + low
            + "))) and (((`id` < "
            + high
            + ")) or ((`id` = "
            + high
            + "))) lock in share mode)");
  }

  /** Waits until the cut-over's RENAME waits on the lock the sentry's session holds. */
  private static void awaitBlockedRename(TestDatabaseServer server) {
    await("the rename waits on the lock")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              try (Connection connection = server.connect("mysql");
                  Statement statement = connection.createStatement();
                  ResultSet result =
                      statement.executeQuery(
                          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE"
                              + " 'rename%' AND STATE LIKE '%metadata lock%'")) {
                result.next();
                return result.getLong(1) > 0;
              }
            });
  }

  private static long snapshots(Path warehouse, String database) {
    Table table = IcebergRows.table(warehouse, database, "orders");
    long count = 0;
    for (var ignored : table.snapshots()) {
      count++;
    }
    return count;
  }

  private static void awaitEqual(
      CdcSyncProcess cdcSync, TestDatabaseServer server, Path warehouse, String database) {
    await("orders equals the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () ->
                assertThat(texts(IcebergRows.list(warehouse, database, "orders")))
                    .isEqualTo(sourceRows(server, database)));
  }

  private static Map<String, Map<String, String>> sourceRows(
      TestDatabaseServer server, String database) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT * FROM orders")) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= columns; i++) {
          row.put(result.getMetaData().getColumnName(i), result.getObject(i));
        }
        rows.add(row);
      }
    }
    return texts(rows);
  }

  /** Rows by id, each value as text (the source's and Iceberg's Java types differ). */
  private static Map<String, Map<String, String>> texts(List<Map<String, Object>> rows) {
    Map<String, Map<String, String>> texts = new TreeMap<>();
    for (Map<String, Object> row : rows) {
      Map<String, String> text = new TreeMap<>();
      row.forEach((column, value) -> text.put(column, String.valueOf(value)));
      texts.put(text.get("id"), text);
    }
    return texts;
  }

  /**
   * Updates, deletes and inserts on orders, a transaction each, until stopped; while gh-ost runs,
   * each change is then applied to its copy as gh-ost applies the binlog's (by key, after the
   * fact). {@link #pause} held stops the writes (gh-ost's cut-over locks the table).
   */
  private static final class Writes implements Runnable {
    private final TestDatabaseServer server;
    private final String database;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong rounds = new AtomicLong();
    private final ReentrantLock pause = new ReentrantLock();
    private final Random random = new Random(7);
    private volatile String mirror;

    Writes(TestDatabaseServer server, String database) {
      this.server = server;
      this.database = database;
    }

    /** Applies each change to {@code copy} too from now on; null to stop. */
    void mirrorInto(String copy) {
      pause.lock();
      try {
        mirror = copy;
      } finally {
        pause.unlock();
      }
    }

    /** Waits until {@code more} rounds are written from now on. */
    void awaitMoreRounds(long more) {
      long target = rounds.get() + more;
      await(more + " more rounds of writes")
          .atMost(Duration.ofSeconds(60))
          .until(() -> rounds.get() >= target || failure.get() != null);
    }

    void stop() {
      running.set(false);
    }

    @Override
    public void run() {
      long next = 1_000_000;
      try (Connection connection = server.connect(database);
          Statement statement = connection.createStatement()) {
        while (running.get()) {
          pause.lock();
          try {
            long updated = 1 + random.nextInt(ROWS);
            long deleted = 1 + random.nextInt(ROWS);
            long inserted = next++;
            connection.setAutoCommit(false);
            statement.executeUpdate("UPDATE orders SET qty = qty + 1 WHERE id = " + updated);
            statement.executeUpdate("DELETE FROM orders WHERE id = " + deleted);
            statement.executeUpdate("INSERT INTO orders (id, qty) VALUES (" + inserted + ", 1)");
            connection.commit();
            connection.setAutoCommit(true);
            String copy = mirror;
            if (copy != null) {
              for (long id : new long[] {updated, deleted, inserted}) {
                statement.executeUpdate("delete /* gh-ost */ from " + copy + " where id = " + id);
                statement.executeUpdate(
                    "replace /* gh-ost */ into "
                        + copy
                        + " (id, remark, qty) select id, note, qty from orders where id = "
                        + id);
              }
            }
            rounds.incrementAndGet();
          } finally {
            pause.unlock();
          }
          Thread.sleep(5);
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }
  }
}
