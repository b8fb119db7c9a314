package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A MariaDB primary fails over to its GTID replica while the pipeline is down: the pipeline,
 * pointed at the promoted replica, goes on from the GTID position it committed. Changes the
 * pipeline had not read on the primary reach the replica by replication and are read there; the
 * table is an append table whose change log, replayed, must hold each change once (an update
 * adds one to a balance, so a lost or doubled one shows).
 */
class MariaDbFailoverIT {

  @TempDir Path work;

  @Test
  void afterAFailoverToTheReplicaThePipelineGoesOnFromItsGtidPositionLosingAndDoublingNothing()
      throws Exception {
    List<TestDatabaseServer> servers = TestDatabases.mariadbPrimaryAndReplica();
    TestDatabaseServer primary = servers.get(0);
    TestDatabaseServer replica = servers.get(1);
    String database = "failover";
    primary.createDatabase(database);
    primary.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT)",
        "INSERT INTO accounts SELECT seq, 100 FROM seq_1_to_2000");
    Path warehouse = work.resolve("warehouse");
    Path pipeline = pipeline(primary, database, warehouse);

    Writes onPrimary = new Writes(primary, database, 10_000_000);
    Thread writer = new Thread(onPrimary, "writes on the primary");
    try (CdcSyncProcess cdcSync = start(pipeline)) {
      awaitEqual(cdcSync, primary, warehouse, database);
      writer.start();
      long rounds = onPrimary.rounds.get();
      await("changes committed while streaming")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
          .until(() -> onPrimary.rounds.get() > rounds + 200);
      cdcSync.kill();
    }
    // Changes the pipeline does not read on the primary: they reach it through the replica.
    long roundsAtKill = onPrimary.rounds.get();
    await("changes on the primary after the kill")
        .atMost(Duration.ofSeconds(60))
        .until(() -> onPrimary.rounds.get() > roundsAtKill + 50 || onPrimary.failure.get() != null);
    onPrimary.stop();
    writer.join();
    assertThat(onPrimary.failure.get()).isNull();
    String primaryPosition = query(primary, "SELECT @@gtid_binlog_pos");
    assertThat(query(replica, "SELECT MASTER_GTID_WAIT('" + primaryPosition + "', 60)"))
        .as("the replica caught up with " + primaryPosition)
        .isEqualTo("0");
    // The failover: the replica stops replicating and takes the writes.
    replica.execute("mysql", "STOP SLAVE", "RESET SLAVE ALL");
    pipeline(replica, database, warehouse);

    // Twice: the second start resumes from a position the promoted replica wrote.
    for (int start = 0; start < 2; start++) {
      Writes onReplica = new Writes(replica, database, 20_000_000 + start * 1_000_000);
      Thread replicaWriter = new Thread(onReplica, "writes on the promoted replica");
      try (CdcSyncProcess cdcSync = start(pipeline)) {
        replicaWriter.start();
        await("changes on the promoted replica")
            .atMost(Duration.ofSeconds(60))
            .failFast(
                "cdc-sync exited",
                () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
            .until(() -> onReplica.rounds.get() > 200);
        onReplica.stop();
        replicaWriter.join();
        assertThat(onReplica.failure.get()).isNull();
        awaitEqual(cdcSync, replica, warehouse, database);
        assertThat(cdcSync.output()).as(cdcSync.describe()).doesNotContain(" ERROR ");
        cdcSync.kill();
      }
    }
  }

  /**
   * A replica promoted before it caught up lacks changes the pipeline committed: the pipeline
   * refuses it, naming both positions, instead of streaming on from a history that differs.
   */
  @Test
  void aReplicaThatLacksCommittedChangesIsRefused() throws Exception {
    List<TestDatabaseServer> servers = TestDatabases.mariadbPrimaryAndReplica();
    TestDatabaseServer primary = servers.get(0);
    TestDatabaseServer replica = servers.get(1);
    String database = "failover_behind";
    primary.createDatabase(database);
    primary.execute(
        database,
        "CREATE TABLE accounts (id BIGINT PRIMARY KEY, balance BIGINT)",
        "INSERT INTO accounts SELECT seq, 100 FROM seq_1_to_100");
    String primaryPosition = query(primary, "SELECT @@gtid_binlog_pos");
    assertThat(query(replica, "SELECT MASTER_GTID_WAIT('" + primaryPosition + "', 60)"))
        .isEqualTo("0");
    replica.execute("mysql", "STOP SLAVE");
    Path warehouse = work.resolve("warehouse");
    Path pipeline = pipeline(primary, database, warehouse);
    try (CdcSyncProcess cdcSync = start(pipeline)) {
      awaitEqual(cdcSync, primary, warehouse, database);
      primary.execute(database, "UPDATE accounts SET balance = balance + 1 WHERE id = 7");
      awaitEqual(cdcSync, primary, warehouse, database);
      cdcSync.kill();
    }
    replica.execute("mysql", "RESET SLAVE ALL");
    pipeline(replica, database, warehouse);
    try (CdcSyncProcess cdcSync = start(pipeline)) {
      assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.output() + cdcSync.errors())
          .contains("Cannot resume the changes of MariaDB at 127.0.0.1:" + replica.port())
          .contains("the server has not logged transaction")
          .contains("Changes the pipeline has read are not on this server");
    }
  }

  private Path pipeline(TestDatabaseServer server, String database, Path warehouse)
      throws Exception {
    return PipelineFiles.writeWithSink(
        work.resolve("pipeline.yaml"),
        server,
        server.username(),
        server.password(),
        database,
        List.of("tables: " + database + ".accounts", "server-id: 5471"),
        concat(PipelineFiles.hadoopSink(warehouse), "write.mode: append"),
        "200ms",
        List.of());
  }

  private CdcSyncProcess start(Path pipeline) throws Exception {
    assertThat(Files.readString(pipeline)).contains("port:");
    return CdcSyncProcess.start(
        work, Map.of(), "run", pipeline.toString(), "--progress-interval", "0");
  }

  /** Waits until the change log, replayed, equals the server's table. */
  private static void awaitEqual(
      CdcSyncProcess cdcSync, TestDatabaseServer server, Path warehouse, String database) {
    await("accounts equals the source")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .failFast(
            "cdc-sync exited", () -> assertThat(cdcSync.isAlive()).as(cdcSync::describe).isTrue())
        .untilAsserted(
            () -> {
              Map<Object, Map<String, Object>> replayed;
              try {
                replayed =
                    ChangeLogs.replay(IcebergRows.list(warehouse, database, "accounts"), "id");
              } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\n" + cdcSync.describe(), e);
              }
              assertThat(replayed).isEqualTo(sourceRows(server, database));
            });
  }

  private static Map<Object, Map<String, Object>> sourceRows(
      TestDatabaseServer server, String database) throws Exception {
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    try (Connection connection = server.connect(database);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT id, balance FROM accounts")) {
      while (result.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", result.getLong(1));
        row.put("balance", result.getLong(2));
        rows.put(result.getLong(1), row);
      }
    }
    return rows;
  }

  private static String query(TestDatabaseServer server, String sql) throws Exception {
    try (Connection connection = server.connect("mysql");
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    }
  }

  private static List<String> concat(List<String> lines, String line) {
    List<String> all = new java.util.ArrayList<>(lines);
    all.add(line);
    return all;
  }

  /** Updates, inserts and deletes on accounts, a transaction each, until stopped. */
  private static final class Writes implements Runnable {
    private final TestDatabaseServer server;
    private final String database;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicLong rounds = new AtomicLong();
    private final Random random = new Random(3);
    private long next;

    /** @param firstId the id of the first row it inserts */
    Writes(TestDatabaseServer server, String database, long firstId) {
      this.server = server;
      this.database = database;
      this.next = firstId;
    }

    void stop() {
      running.set(false);
    }

    @Override
    public void run() {
      try (Connection connection = server.connect(database);
          Statement statement = connection.createStatement()) {
        connection.setAutoCommit(false);
        while (running.get()) {
          statement.executeUpdate(
              "UPDATE accounts SET balance = balance + 1 WHERE id = " + (1 + random.nextInt(2000)));
          statement.executeUpdate("DELETE FROM accounts WHERE id = " + (1 + random.nextInt(2000)));
          statement.executeUpdate("INSERT INTO accounts VALUES (" + next++ + ", 100)");
          connection.commit();
          rounds.incrementAndGet();
          Thread.sleep(2);
        }
      } catch (Exception e) {
        failure.set(e);
      }
    }
  }
}
