package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.InMemoryStateStorage;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes logged before a column's type changed, read again after a restart because the pipeline
 * had not committed them, keep their values and their old type.
 *
 * <p>Debezium's own publication upkeep, on the replication connection, made PostgreSQL decode such
 * changes with the new type (an int read as a bigint gave a garbage value); the preflight now
 * keeps the publication on an ordinary connection.
 */
class PostgresReplayAcrossDdlIT {

  @TempDir Path work;

  @Test
  void changesFromBeforeATypeChangeReadAgainAfterARestartKeepTheirValues() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "replay_ddl";
    server.createDatabase(database);
    server.execute(
        database,
        "CREATE TABLE items (id INT PRIMARY KEY, v INT)",
        "INSERT INTO items VALUES (1, 1)");
    Configuration options =
        Configuration.of(
            Map.of(
                "hostname", server.host(),
                "port", Integer.toString(server.port()),
                "username", server.username(),
                "password", server.password(),
                "tables", database + ".public.items",
                "slot.name", "slot_replay_ddl"));
    PipelineContext context =
        new PipelineContext("replay_ddl", work, new InMemoryStateStorage(work.toString()));

    // First run: the snapshot is acknowledged, the two changes after it are not.
    List<DataChangeEvent> firstRun = new CopyOnWriteArrayList<>();
    AtomicReference<SourcePosition> afterSnapshot = new AtomicReference<>();
    readUntil(
        context,
        options,
        Optional.empty(),
        firstRun,
        3,
        (events, acknowledger) -> {
          firstRun.addAll(events);
          if (events.stream().anyMatch(event -> event.operation() == OperationType.READ)
              && acknowledger.isTransactionBoundary()) {
            afterSnapshot.set(acknowledger.position());
            acknowledger.acknowledge();
            server.execute(
                database,
                "INSERT INTO items VALUES (2, 2)",
                "UPDATE items SET v = 11 WHERE id = 1");
          }
        });

    server.execute(
        database,
        "ALTER TABLE items ALTER COLUMN v TYPE BIGINT",
        "INSERT INTO items VALUES (3, 5000000000)");
    List<DataChangeEvent> secondRun = new CopyOnWriteArrayList<>();
    readUntil(
        context,
        options,
        Optional.of(afterSnapshot.get()),
        secondRun,
        3,
        (events, acknowledger) -> secondRun.addAll(events));

    assertThat(secondRun)
        .extracting(DataChangeEvent::operation)
        .containsExactly(OperationType.INSERT, OperationType.UPDATE, OperationType.INSERT);
    assertThat(secondRun.get(0).after()).containsExactly(2, 2);
    assertThat(secondRun.get(0).schema().column("v").type().root()).isEqualTo(DataTypeRoot.INT);
    assertThat(secondRun.get(1).after()).containsExactly(1, 11);
    assertThat(secondRun.get(2).after()).containsExactly(3, 5_000_000_000L);
    assertThat(secondRun.get(2).schema().column("v").type().root()).isEqualTo(DataTypeRoot.BIGINT);
  }

  /** Runs a source until {@code events} holds {@code count} events, then stops it. */
  private static void readUntil(
      PipelineContext context,
      Configuration options,
      Optional<SourcePosition> after,
      List<DataChangeEvent> events,
      int count,
      ThrowingHandler handler)
      throws Exception {
    Source source = new PostgresSourceFactory().create(options, context);
    AtomicReference<Exception> failure = new AtomicReference<>();
    ChangeHandler changeHandler =
        (batch, acknowledger) -> {
          try {
            handler.handle(batch, acknowledger);
          } catch (Exception e) {
            failure.set(e);
          }
        };
    Thread reader =
        new Thread(
            () -> {
              try {
                source.run(changeHandler, after);
              } catch (Exception e) {
                failure.compareAndSet(null, e);
              }
            });
    reader.start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> events.size() >= count || failure.get() != null);
    } finally {
      source.close();
      reader.join();
    }
    assertThat(failure.get()).isNull();
  }

  private interface ThrowingHandler {
    void handle(List<DataChangeEvent> events, dev.cdcsync.api.SourceAcknowledger acknowledger)
        throws Exception;
  }
}
