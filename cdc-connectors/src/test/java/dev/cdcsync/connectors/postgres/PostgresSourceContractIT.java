package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import dev.cdcsync.connectors.SourceContract;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PostgresSourceContractIT extends SourceContract {

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.postgres();
  }

  @Override
  protected Source source(String database, PipelineContext context) {
    return source(database, context, "1s");
  }

  /**
   * A transaction committed right after the acknowledged position of a heartbeat's logical
   * decoding message arrives whole: its first change sits at the message's LSN, which Debezium 3.5
   * took for a change already read (see {@link PostgresResumeOffsets}). Heartbeats 10 s apart, so
   * that as a rule nothing else is written to the WAL in between.
   */
  @Test
  void aTransactionRightAfterAnAcknowledgedHeartbeatArrivesWhole() throws Exception {
    String database = freshDatabase("heartbeat", "INSERT INTO items VALUES (1, 'one')");
    SourcePosition acknowledged;
    try (Reader reader =
        Reader.start(source(database, context(database), "10s"), Optional.empty())) {
      reader.awaitEvents(1);
      server().execute(database, "INSERT INTO items VALUES (2, 'two')");
      reader.awaitEvents(2);
      Batch atMessage =
          reader.awaitBatch(
              batch ->
                  batch.events().isEmpty()
                      && reader.afterEvents(batch, 2)
                      && batch.acknowledger().isTransactionBoundary()
                      && batch
                          .acknowledger()
                          .position()
                          .description()
                          .contains("\"messageType\":\"MESSAGE\""));
      atMessage.acknowledger().acknowledge();
      acknowledged = atMessage.acknowledger().position();
    }
    server()
        .executeInTransaction(
            database,
            "INSERT INTO items VALUES (3, 'three')",
            "INSERT INTO items VALUES (4, 'four')");
    try (Reader reader =
        Reader.start(source(database, context(database), "10s"), Optional.of(acknowledged))) {
      reader.awaitEvents(2);
      assertThat(reader.events()).extracting(event -> event.after()[0]).containsExactly(3, 4);
    }
  }

  /**
   * A stop asked while Debezium's engine starts after the initial load (its task refuses to stop
   * while starting) still ends the run: the pipeline's first commit comes right before that, so a
   * SIGTERM after it often lands there.
   */
  @Test
  void closeRightAfterTheLoadEndsRun() throws Exception {
    // Spread over the engine's start after the load (the refusal was seen at 200 ms).
    for (int delayMillis : new int[] {0, 100, 200, 300, 500, 800, 1200}) {
      String database =
          freshDatabase("close_load_" + delayMillis, "INSERT INTO items VALUES (1, 'a')");
      Source source = source(database, context(database));
      AtomicReference<Exception> failure = new AtomicReference<>();
      Thread closer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                source.close();
              });
      ChangeHandler handler =
          (events, acknowledger) -> {
            if (acknowledger.isTransactionBoundary()
                && !acknowledger.snapshotGoesOn()
                && !closer.isAlive()
                && closer.getState() == Thread.State.NEW) {
              closer.start();
            }
          };
      Thread runner =
          new Thread(
              () -> {
                try {
                  source.run(handler, Optional.empty());
                } catch (Exception e) {
                  failure.set(e);
                }
              });
      runner.start();
      runner.join(Duration.ofSeconds(60).toMillis());
      assertThat(runner.isAlive())
          .as("run() still going after a close %d ms after the load", delayMillis)
          .isFalse();
      assertThat(failure.get()).isNull();
      source.close();
    }
  }

  /**
   * The load tells the handler each table's chunks: at its start what it expects from the
   * database's estimate, then after each chunk what is read, until the expected and the read agree.
   */
  @Test
  void theLoadReportsEachTablesChunks() throws Exception {
    String database =
        freshDatabase(
            "chunks",
            "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 2500) i",
            "ANALYZE items");
    assertThat(loadReports(database, "items", new ArrayList<>()))
        .containsExactlyElementsOf(CHUNKS_OF_2500_ROWS);
  }

  /** A text key under the C collation splits a table as an integer key does. */
  @Test
  void aTextKeyUnderTheCCollationSplitsTheTable() throws Exception {
    String database =
        freshDatabase(
            "text_chunks",
            "CREATE TABLE words (word TEXT COLLATE \"C\" PRIMARY KEY, n INT)",
            "INSERT INTO words SELECT 'w' || i, i FROM generate_series(1, 2500) i",
            "ANALYZE words");
    assertThat(loadReports(database, "words", new ArrayList<>()))
        .containsExactlyElementsOf(CHUNKS_OF_2500_ROWS);
  }

  /**
   * A numeric key splits the table, also where more rows than a chunk share one value and equal
   * values print apart (1 and 1.00): that value's rows are one chunk.
   */
  @Test
  void aNumericKeySplitsTheTableWhereEqualKeysPrintApart() throws Exception {
    String database =
        freshDatabase(
            "numeric_chunks",
            "CREATE TABLE prices (price NUMERIC, id INT, PRIMARY KEY (price, id))",
            "INSERT INTO prices SELECT CASE WHEN i <= 500 THEN 0 WHEN i <= 2000 THEN 1 ELSE 2 END"
                + " + CASE WHEN i % 2 = 0 THEN 0.00 ELSE 0 END, i FROM generate_series(1, 2500) i",
            "ANALYZE prices");
    List<DataChangeEvent> rows = new ArrayList<>();
    assertThat(loadReports(database, "prices", rows))
        .containsExactlyElementsOf(CHUNKS_OF_2500_ROWS);
    assertThat(rows).hasSize(2500);
    assertThat(rows.stream().map(row -> row.after()[1]).distinct()).hasSize(2500);
  }

  /** The reports of a load of 2,500 rows in chunks of 1,000: before, then after each chunk. */
  private static final List<List<Long>> CHUNKS_OF_2500_ROWS =
      List.of(List.of(0L, 0L, 3L), List.of(0L, 1L, 3L), List.of(0L, 2L, 3L), List.of(0L, 3L, 3L));

  /**
   * Loads one table in chunks of 1,000 rows into {@code rows}; returns its chunk reports (rows
   * before, read, expected).
   */
  private List<List<Long>> loadReports(String database, String table, List<DataChangeEvent> rows)
      throws Exception {
    TestDatabaseServer server = server();
    Source source =
        new PostgresSourceFactory()
            .create(
                Configuration.of(
                    Map.of(
                        "hostname",
                        server.host(),
                        "port",
                        Integer.toString(server.port()),
                        "username",
                        server.username(),
                        "password",
                        server.password(),
                        "tables",
                        database + ".public." + table,
                        "slot.name",
                        "slot_" + database,
                        "scan.startup.mode",
                        "snapshot",
                        "scan.incremental.snapshot.chunk.size",
                        "1000")),
                context(database));
    List<List<Long>> reports = new CopyOnWriteArrayList<>();
    List<Object> tables = new CopyOnWriteArrayList<>();
    ChangeHandler handler =
        new ChangeHandler() {
          @Override
          public void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger) {
            rows.addAll(events);
          }

          @Override
          public void snapshotChunks(
              TableId id, long rowsBefore, long chunksLoaded, long chunksExpected) {
            tables.add(id);
            reports.add(List.of(rowsBefore, chunksLoaded, chunksExpected));
          }
        };
    try (source) {
      source.run(handler, Optional.empty());
    }
    assertThat(tables).containsOnly(TableId.of(database, "public", table));
    return reports;
  }

  private Source source(String database, PipelineContext context, String heartbeatInterval) {
    TestDatabaseServer server = server();
    return new PostgresSourceFactory()
        .create(
            Configuration.of(
                Map.of(
                    "hostname", server.host(),
                    "port", Integer.toString(server.port()),
                    "username", server.username(),
                    "password", server.password(),
                    "tables", database + ".public.items",
                    "slot.name", "slot_" + database,
                    "heartbeat.interval", heartbeatInterval)),
            context);
  }
}
