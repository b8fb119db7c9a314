package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 1: kill -9 the pipeline at random moments (during the snapshot, while streaming,
 * while committing) while a workload of inserts, updates, deletes and multi-row transactions
 * runs; restart it each time; at the end the upsert table equals the source row for row and the
 * append table holds exactly one row per source change.
 */
abstract class CrashRecoveryTestBase {

  private static final int KILLS = 10;
  private static final int PRELOADED = 20_000;

  @TempDir Path work;

  protected abstract TestDatabaseServer server();

  /** YAML lines of the source section after the connection options. */
  protected abstract List<String> sourceOptions(String database);

  protected abstract String sinkNamespace(String database);

  /** Statements that prepare the append table (a table without primary key). */
  protected abstract List<String> appendTableSetup();

  @Test
  void keepsEveryChangeExactlyOnceThroughRepeatedKills() throws Exception {
    String database = "crash_" + server().sourceType();
    TestDatabaseServer server = server();
    server.createDatabase(database);
    List<String> setup = new ArrayList<>();
    setup.add("CREATE TABLE accounts (id BIGINT PRIMARY KEY, owner VARCHAR(40), balance BIGINT)");
    setup.add("CREATE TABLE ledger (account BIGINT, amount BIGINT, note VARCHAR(40))");
    setup.addAll(appendTableSetup());
    server.execute(database, setup.toArray(String[]::new));
    Workload workload = new Workload(server, database);
    workload.preload(PRELOADED);

    Path warehouse = work.resolve("warehouse");
    String namespace = sinkNamespace(database);
    Path pipelineFile =
        PipelineFiles.write(work, server, database, sourceOptions(database), warehouse, "300ms");
    Random random = new Random(42);
    Thread writer = new Thread(workload, "workload");
    try {
      for (int kill = 1; kill <= KILLS; kill++) {
        try (CdcSyncProcess cdcSync =
            CdcSyncProcess.start(
                work, Map.of(), "run", pipelineFile.toString(), "--progress-interval", "0")) {
          if (kill == 2) {
            // The first kill came early, most likely during the load. Changes start once the
            // append table's rows are committed: a snapshot read after a change sees only the
            // state it leaves, not one append row per change. Accounts may still be loading.
            await("the ledger's load is committed")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .failFast(
                    "cdc-sync exited",
                    () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
                .until(() -> committedRows(warehouse, namespace, "ledger") == PRELOADED);
            writer.start();
          }
          Thread.sleep(kill == 1 ? 1_000 + random.nextInt(1_500) : 1_000 + random.nextInt(3_000));
          assertThat(cdcSync.isAlive())
              .as("cdc-sync before kill %d%n%s", kill, cdcSync.describe())
              .isTrue();
          cdcSync.kill();
        }
      }
    } finally {
      workload.stop();
      if (writer.isAlive()) {
        writer.join();
      }
    }
    assertThat(workload.failure.get()).isNull();

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(
            work, Map.of(), "run", pipelineFile.toString(), "--progress-interval", "0")) {
      Map<Object, Map<String, Object>> expected = workload.accounts();
      await("accounts equal the source after " + KILLS + " kills")
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofSeconds(1))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .untilAsserted(
              () ->
                  assertThat(IcebergRows.rows(warehouse, namespace, "accounts", "id"))
                      .as(
                          () ->
                              differences(
                                      expected,
                                      IcebergRows.rows(warehouse, namespace, "accounts", "id"))
                                  + cdcSync.describe())
                      .isEqualTo(expected));
      // Every restart resumed after a checkpoint: the table still mirrors its source, and its
      // inserts take no equality deletes.
      assertThat(IcebergRows.table(warehouse, namespace, "accounts").currentSnapshot().summary())
          .containsEntry("cdc-sync.mirrors-source", "true");
      await("one ledger row per change")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () ->
                  assertThat(ledgerRows(warehouse, namespace))
                      .hasSize((int) workload.ledgerChanges.get()));
      List<Long> sequences = new ArrayList<>();
      Map<String, Integer> operations = new TreeMap<>();
      for (Record row : ledgerRows(warehouse, namespace)) {
        sequences.add((Long) row.getField("_cdc_seq"));
        operations.merge((String) row.getField("_cdc_op"), 1, Integer::sum);
      }
      assertThat(new HashSet<>(sequences)).as("_cdc_seq is unique").hasSize(sequences.size());
      assertThat(operations).containsOnlyKeys("+I", "+U", "-D");
      assertThat(cdcSync.terminate(60)).as(cdcSync.describe()).isEqualTo(ExitCodes.OK);
    }
  }

  private static String differences(
      Map<Object, Map<String, Object>> expected, Map<Object, Map<String, Object>> actual) {
    StringBuilder text = new StringBuilder("differences (key: source / iceberg):\n");
    java.util.Set<Object> keys = new java.util.TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    int shown = 0;
    for (Object key : keys) {
      if (!java.util.Objects.equals(expected.get(key), actual.get(key)) && shown++ < 20) {
        text.append("  ")
            .append(key)
            .append(": ")
            .append(expected.get(key))
            .append(" / ")
            .append(actual.get(key))
            .append('\n');
      }
    }
    return text.toString();
  }

  /** The rows a table's current snapshot holds, as its summary counts them; 0 before one. */
  private static long committedRows(Path warehouse, String namespace, String name) {
    if (!IcebergRows.exists(warehouse, namespace, name)) {
      return 0;
    }
    Snapshot current = IcebergRows.table(warehouse, namespace, name).currentSnapshot();
    return current == null ? 0 : Long.parseLong(current.summary().get("total-records"));
  }

  private static List<Record> ledgerRows(Path warehouse, String namespace) throws Exception {
    List<Record> rows = new ArrayList<>();
    if (!IcebergRows.exists(warehouse, namespace, "ledger")) {
      return rows;
    }
    Table table = IcebergRows.table(warehouse, namespace, "ledger");
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> rows.add(record.copy()));
    }
    return rows;
  }

  /** Random transactions against both tables; knows the expected end state. */
  private static final class Workload implements Runnable {
    private final TestDatabaseServer server;
    private final String database;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong ledgerChanges = new AtomicLong();
    private final Random random = new Random(7);
    private long nextId = 1;

    Workload(TestDatabaseServer server, String database) {
      this.server = server;
      this.database = database;
    }

    void preload(int rows) throws SQLException {
      try (Connection connection = server.connect(database)) {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
          for (int i = 0; i < rows; i++) {
            statement.addBatch(
                "INSERT INTO accounts VALUES (" + nextId + ", 'owner " + nextId + "', 100)");
            statement.addBatch("INSERT INTO ledger VALUES (" + nextId + ", 100, 'opening')");
            nextId++;
          }
          statement.executeBatch();
          ledgerChanges.addAndGet(rows);
        }
        connection.commit();
      }
    }

    void stop() {
      running.set(false);
    }

    @Override
    public void run() {
      try (Connection connection = server.connect(database)) {
        connection.setAutoCommit(false);
        while (running.get()) {
          try (Statement statement = connection.createStatement()) {
            long changes = transaction(statement);
            connection.commit();
            ledgerChanges.addAndGet(changes);
          } catch (SQLException e) {
            connection.rollback();
            throw e;
          }
          Thread.sleep(5);
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }

    /** One transaction; returns how many ledger rows it changed. */
    private long transaction(Statement statement) throws SQLException {
      long ledger = 0;
      switch (random.nextInt(5)) {
        case 0 -> {
          for (int i = 0; i < 3; i++) {
            long id = nextId++;
            statement.executeUpdate(
                "INSERT INTO accounts VALUES (" + id + ", 'owner " + id + "', 0)");
            ledger +=
                statement.executeUpdate("INSERT INTO ledger VALUES (" + id + ", 0, 'opening')");
          }
        }
        case 1 -> {
          long id = 1 + random.nextInt((int) nextId - 1);
          long amount = random.nextInt(1_000) - 500;
          statement.executeUpdate(
              "UPDATE accounts SET balance = balance + " + amount + " WHERE id = " + id);
          ledger +=
              statement.executeUpdate(
                  "INSERT INTO ledger VALUES (" + id + ", " + amount + ", 'transfer')");
        }
        case 2 -> {
          long id = 1 + random.nextInt((int) nextId - 1);
          statement.executeUpdate("DELETE FROM accounts WHERE id = " + id);
          ledger += statement.executeUpdate("DELETE FROM ledger WHERE account = " + id);
        }
        case 3 -> {
          long low = 1 + random.nextInt((int) nextId - 1);
          statement.executeUpdate(
              "UPDATE accounts SET owner = 'renamed' WHERE id BETWEEN "
                  + low
                  + " AND "
                  + (low + 20));
          // A new note each time: MySQL logs (and counts) only rows an update really changes.
          ledger +=
              statement.executeUpdate(
                  "UPDATE ledger SET note = 'audited "
                      + nextId
                      + "-"
                      + random.nextInt()
                      + "' WHERE account BETWEEN "
                      + low
                      + " AND "
                      + (low + 5));
        }
        default -> {
          long id = nextId++;
          statement.executeUpdate(
              "INSERT INTO accounts VALUES (" + id + ", 'owner " + id + "', 5)");
          statement.executeUpdate("UPDATE accounts SET balance = 6 WHERE id = " + id);
          statement.executeUpdate("DELETE FROM accounts WHERE id = " + id);
        }
      }
      return ledger;
    }

    /** The source table now, as the Iceberg reader returns it. */
    Map<Object, Map<String, Object>> accounts() throws SQLException {
      Map<Object, Map<String, Object>> rows = new TreeMap<>();
      try (Connection connection = server.connect(database);
          Statement statement = connection.createStatement();
          ResultSet result = statement.executeQuery("SELECT id, owner, balance FROM accounts")) {
        while (result.next()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("id", result.getLong(1));
          row.put("owner", result.getString(2));
          row.put("balance", result.getLong(3));
          rows.put(result.getLong(1), row);
        }
      }
      return rows;
    }
  }
}
