package dev.cdcsync.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.InMemoryStateStorage;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction committed while the pipeline was stopped arrives whole, also where the last thing
 * the pipeline acknowledged was a heartbeat's logical decoding message: its first change sits at
 * the message's LSN, which Debezium 3.5 took for a change already read (see {@link
 * PostgresResumeOffsets}).
 */
class PostgresResumeAfterHeartbeatIT {

  @TempDir Path work;

  @Test
  void aTransactionCommittedRightAfterTheAcknowledgedHeartbeatArrivesWhole() throws Exception {
    TestDatabaseServer server = TestDatabases.postgres();
    String database = "resume_heartbeat";
    server.createDatabase(database);
    server.execute(
        database, "CREATE TABLE items (id INT PRIMARY KEY)", "INSERT INTO items VALUES (1)");
    Configuration options =
        Configuration.of(
            Map.of(
                "hostname", server.host(),
                "port", Integer.toString(server.port()),
                "username", server.username(),
                "password", server.password(),
                "tables", database + ".public.items",
                "heartbeat.interval", "10s",
                "slot.name", "slot_resume_heartbeat"));
    PipelineContext context =
        new PipelineContext("resume_heartbeat", work, new InMemoryStateStorage(work.toString()));

    // First run: past the snapshot and one streamed change, until a heartbeat's message is the
    // last thing acknowledged.
    List<DataChangeEvent> firstRun = new CopyOnWriteArrayList<>();
    AtomicReference<SourcePosition> last = new AtomicReference<>();
    AtomicBoolean inserted = new AtomicBoolean();
    AtomicBoolean atMessage = new AtomicBoolean();
    readUntil(
        context,
        options,
        Optional.empty(),
        () -> atMessage.get(),
        (events, acknowledger) -> {
          firstRun.addAll(events);
          if (!acknowledger.isTransactionBoundary()) {
            return;
          }
          last.set(acknowledger.position());
          acknowledger.acknowledge();
          if (!inserted.get() && firstRun.size() == 1) {
            inserted.set(true);
            server.execute(database, "INSERT INTO items VALUES (2)");
          } else if (firstRun.size() == 2
              && events.isEmpty()
              && last.get().description().contains("\"messageType\":\"MESSAGE\"")) {
            atMessage.set(true);
          }
        });
    assertThat(last.get().description()).contains("\"messageType\":\"MESSAGE\"");

    // The next heartbeat is 10 s away, so as a rule nothing else is written to the WAL in between:
    // the transaction's first change sits at the message's LSN.
    server.executeInTransaction(
        database, "INSERT INTO items VALUES (3)", "INSERT INTO items VALUES (4)");
    List<DataChangeEvent> secondRun = new CopyOnWriteArrayList<>();
    readUntil(
        context,
        options,
        Optional.of(last.get()),
        () -> secondRun.size() >= 2,
        (events, acknowledger) -> secondRun.addAll(events));
    assertThat(secondRun)
        .extracting(DataChangeEvent::operation)
        .containsExactly(OperationType.INSERT, OperationType.INSERT);
    assertThat(secondRun).extracting(event -> event.after()[0]).containsExactly(3, 4);
  }

  private static void readUntil(
      PipelineContext context,
      Configuration options,
      Optional<SourcePosition> after,
      BooleanSupplier done,
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
          .atMost(Duration.ofSeconds(30))
          .until(() -> done.getAsBoolean() || failure.get() != null);
    } finally {
      source.close();
      reader.join();
    }
    assertThat(failure.get()).isNull();
  }

  private interface ThrowingHandler {
    void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger) throws Exception;
  }
}
