package dev.cdcsync.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.InMemoryStateStorage;
import dev.cdcsync.api.OperationType;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.api.TableId;
import dev.cdcsync.testing.TestDatabaseServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Source} must do, against a real database. A database's test extends this
 * class and says how to reach it and how to configure its source for one table, {@code items (id
 * INT PRIMARY KEY, name VARCHAR(20))}.
 */
public abstract class SourceContract {

  @TempDir Path work;

  private final Map<String, StateStorage> storages = new HashMap<>();

  /** The server the tests use. */
  protected abstract TestDatabaseServer server();

  /** A source reading {@code database}'s table {@code items}, its first start a snapshot. */
  protected abstract Source source(String database, PipelineContext context) throws Exception;

  @Test
  public void readsTheSnapshotThenEveryChangeInCommitOrder() throws Exception {
    String database = freshDatabase("snapshot", "INSERT INTO items VALUES (1, 'one'), (2, 'two')");
    try (Reader reader = Reader.start(source(database, context(database)), Optional.empty())) {
      reader.awaitEvents(2);
      assertThat(reader.snapshotTables())
          .singleElement()
          .satisfies(table -> assertThat(table.tableName()).isEqualTo("items"));
      server()
          .execute(
              database,
              "INSERT INTO items VALUES (3, 'three')",
              "UPDATE items SET name = 'uno' WHERE id = 1",
              "DELETE FROM items WHERE id = 2");
      reader.awaitEvents(5);
      reader.awaitBatch(
          batch -> reader.eventsUpTo(batch) == 5 && batch.acknowledger().isTransactionBoundary());

      List<DataChangeEvent> events = reader.events();
      assertThat(events)
          .extracting(DataChangeEvent::operation)
          .containsExactly(
              OperationType.READ,
              OperationType.READ,
              OperationType.INSERT,
              OperationType.UPDATE,
              OperationType.DELETE);
      assertThat(events.subList(0, 2))
          .extracting(event -> List.of(event.after()))
          .containsExactlyInAnyOrder(List.of(1, "one"), List.of(2, "two"));
      assertThat(events.get(2).after()).containsExactly(3, "three");
      assertThat(events.get(3).after()).containsExactly(1, "uno");
      assertThat(events.get(4).before()[0]).isEqualTo(2);
      assertThat(events)
          .allSatisfy(event -> assertThat(event.tableId().tableName()).isEqualTo("items"));
      // The snapshot ends at a boundary, and so does each change's transaction.
      assertThat(reader.boundaryAfterEvent(2)).isTrue();
      assertThat(reader.boundaryAfterEvent(3)).isTrue();
      assertThat(reader.boundaryAfterEvent(4)).isTrue();
    }
  }

  @Test
  public void handsATransactionOverWithNoBoundaryInside() throws Exception {
    String database = freshDatabase("transaction");
    try (Reader reader = Reader.start(source(database, context(database)), Optional.empty())) {
      reader.awaitBatch(batch -> batch.acknowledger().isTransactionBoundary());
      server()
          .executeInTransaction(
              database,
              "INSERT INTO items VALUES (1, 'one')",
              "INSERT INTO items VALUES (2, 'two')",
              "UPDATE items SET name = 'eins' WHERE id = 1");
      reader.awaitEvents(3);
      reader.awaitBatch(
          batch -> reader.eventsUpTo(batch) == 3 && batch.acknowledger().isTransactionBoundary());

      assertThat(reader.boundaryAfterEvent(1)).isFalse();
      assertThat(reader.boundaryAfterEvent(2)).isFalse();
      assertThat(reader.boundaryAfterEvent(3)).isTrue();
    }
  }

  @Test
  public void resumesRightAfterTheAcknowledgedPositionAndNeverBefore() throws Exception {
    String database = freshDatabase("resume", "INSERT INTO items VALUES (1, 'one')");
    SourcePosition acknowledged;
    try (Reader reader = Reader.start(source(database, context(database)), Optional.empty())) {
      reader.awaitEvents(1);
      server().execute(database, "INSERT INTO items VALUES (2, 'two')");
      Batch afterTwo =
          reader.awaitBatch(
              batch ->
                  reader.eventsUpTo(batch) == 2 && batch.acknowledger().isTransactionBoundary());
      afterTwo.acknowledger().acknowledge();
      acknowledged = afterTwo.acknowledger().position();
      // Read, never acknowledged: the next start reads it again.
      server().execute(database, "INSERT INTO items VALUES (3, 'three')");
      reader.awaitEvents(3);
    }
    server().execute(database, "INSERT INTO items VALUES (4, 'four')");
    try (Reader reader =
        Reader.start(source(database, context(database)), Optional.of(acknowledged))) {
      reader.awaitEvents(2);
      assertThat(reader.events()).extracting(event -> event.after()[0]).containsExactly(3, 4);
    }
  }

  @Test
  public void resumesAfterAnIdlePositionWithTheNextTransactionWhole() throws Exception {
    String database = freshDatabase("idle", "INSERT INTO items VALUES (1, 'one')");
    SourcePosition acknowledged;
    try (Reader reader = Reader.start(source(database, context(database)), Optional.empty())) {
      reader.awaitEvents(1);
      server().execute(database, "INSERT INTO items VALUES (2, 'two')");
      reader.awaitEvents(2);
      // The source calls in while the database is idle (heartbeats); a while after its first
      // such call, its last position is where to resume. MySQL and MariaDB send a heartbeat
      // while their binlog is idle every 0.8 times Debezium's keep-alive interval (48 s by
      // default; BinlogContractSources sets 4 s).
      reader.awaitBatch(
          Duration.ofSeconds(90),
          batch ->
              batch.events().isEmpty()
                  && batch.acknowledger().isTransactionBoundary()
                  && reader.afterEvents(batch, 2));
      Thread.sleep(2_000);
      Batch idle = reader.lastBatch();
      assertThat(idle.events()).isEmpty();
      assertThat(idle.acknowledger().isTransactionBoundary()).isTrue();
      idle.acknowledger().acknowledge();
      acknowledged = idle.acknowledger().position();
    }
    server()
        .executeInTransaction(
            database,
            "INSERT INTO items VALUES (3, 'three')",
            "INSERT INTO items VALUES (4, 'four')");
    try (Reader reader =
        Reader.start(source(database, context(database)), Optional.of(acknowledged))) {
      reader.awaitEvents(2);
      assertThat(reader.events()).extracting(event -> event.after()[0]).containsExactly(3, 4);
    }
  }

  @Test
  public void closeEndsRun() throws Exception {
    String database = freshDatabase("close");
    Reader reader = Reader.start(source(database, context(database)), Optional.empty());
    reader.awaitBatch(batch -> batch.acknowledger().isTransactionBoundary());
    reader.close();
    assertThat(reader.failure()).isNull();
  }

  protected String freshDatabase(String name, String... statements) throws Exception {
    String database = "contract_" + name;
    server().createDatabase(database);
    server().execute(database, "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(20))");
    if (statements.length > 0) {
      server().execute(database, statements);
    }
    return database;
  }

  /** The pipeline's context: one state storage per database, kept across the source's starts. */
  protected PipelineContext context(String database) {
    StateStorage storage =
        storages.computeIfAbsent(
            database, name -> new InMemoryStateStorage(work.resolve(name).toString()));
    return new PipelineContext(database, work.resolve(database), storage);
  }

  /** One call of the handler. */
  protected record Batch(List<DataChangeEvent> events, SourceAcknowledger acknowledger) {}

  /** Runs a source on a thread of its own and keeps what it hands over. */
  protected static final class Reader implements AutoCloseable {
    private final Source source;
    private final List<Batch> batches = new CopyOnWriteArrayList<>();
    private final List<TableId> snapshotTables = new CopyOnWriteArrayList<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;

    private Reader(Source source, Optional<SourcePosition> after) {
      this.source = source;
      ChangeHandler handler =
          new ChangeHandler() {
            @Override
            public void handle(List<DataChangeEvent> events, SourceAcknowledger acknowledger) {
              batches.add(new Batch(List.copyOf(events), acknowledger));
            }

            @Override
            public void snapshotStarting(Map<TableId, Long> estimatedRows) {
              snapshotTables.addAll(estimatedRows.keySet());
            }

            @Override
            public boolean wantsEveryBoundary() {
              return true;
            }
          };
      thread =
          new Thread(
              () -> {
                try {
                  source.run(handler, after);
                } catch (Exception e) {
                  failure.set(e);
                }
              },
              "source-contract");
    }

    public static Reader start(Source source, Optional<SourcePosition> after) {
      Reader reader = new Reader(source, after);
      reader.thread.start();
      return reader;
    }

    public List<DataChangeEvent> events() {
      List<DataChangeEvent> events = new ArrayList<>();
      batches.forEach(batch -> events.addAll(batch.events()));
      return events;
    }

    public List<TableId> snapshotTables() {
      return snapshotTables;
    }

    public Exception failure() {
      return failure.get();
    }

    /** How many events were handed over up to and with this batch. */
    public int eventsUpTo(Batch batch) {
      int count = 0;
      for (Batch each : batches) {
        count += each.events().size();
        if (each == batch) {
          return count;
        }
      }
      throw new IllegalArgumentException("not a batch of this reader");
    }

    /**
     * Whether a boundary came after event {@code count} and before the next one (an empty batch
     * may bring it).
     */
    public boolean boundaryAfterEvent(int count) {
      int seen = 0;
      for (Batch batch : batches) {
        seen += batch.events().size();
        if (seen > count) {
          return false;
        }
        if (seen == count && batch.acknowledger().isTransactionBoundary()) {
          return true;
        }
      }
      return false;
    }

    /** Whether the batch came after the one that handed over event {@code count}. */
    public boolean afterEvents(Batch batch, int count) {
      int seen = 0;
      for (Batch each : batches) {
        if (each == batch) {
          return seen >= count;
        }
        seen += each.events().size();
      }
      return false;
    }

    public Batch lastBatch() {
      return batches.get(batches.size() - 1);
    }

    public void awaitEvents(int count) {
      await()
          .atMost(Duration.ofSeconds(60))
          .failFast("the source failed", () -> assertThat(failure.get()).isNull())
          .until(() -> events().size() >= count);
      assertThat(events()).hasSize(count);
    }

    public Batch awaitBatch(Predicate<Batch> wanted) {
      return awaitBatch(Duration.ofSeconds(60), wanted);
    }

    public Batch awaitBatch(Duration atMost, Predicate<Batch> wanted) {
      AtomicReference<Batch> found = new AtomicReference<>();
      await()
          .atMost(atMost)
          .failFast("the source failed", () -> assertThat(failure.get()).isNull())
          .until(
              () -> {
                for (Batch batch : batches) {
                  if (wanted.test(batch)) {
                    found.set(batch);
                    return true;
                  }
                }
                return false;
              });
      return found.get();
    }

    @Override
    public void close() throws InterruptedException {
      source.close();
      thread.join(Duration.ofSeconds(30).toMillis());
      assertThat(thread.isAlive()).as("run() still going 30 s after close()").isFalse();
    }
  }
}
