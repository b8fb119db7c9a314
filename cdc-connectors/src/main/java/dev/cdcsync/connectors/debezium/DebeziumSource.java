package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Source} running one Debezium connector in the embedded engine.
 *
 * <p>Offsets reach the engine's offset store only through {@link SourceAcknowledger#acknowledge()},
 * i.e. after the sink committed them; on PostgreSQL that is also when the slot's flushed LSN moves.
 */
public final class DebeziumSource implements Source {

  private static final Logger LOG = LoggerFactory.getLogger(DebeziumSource.class);

  private final String description;
  private final Properties engineProperties;
  private final SourceRecordConverter converter;
  private final Runnable preflight;
  private final AtomicReference<DebeziumEngine<RecordChangeEvent<SourceRecord>>> engine =
      new AtomicReference<>();
  private final AtomicReference<Throwable> handlerFailure = new AtomicReference<>();
  private final AtomicReference<Throwable> engineFailure = new AtomicReference<>();
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile boolean closed;

  /**
   * @param description names the database for messages, e.g. {@code PostgreSQL 127.0.0.1:5432/shop}
   * @param preflight checks run before the engine starts; throws with what to fix
   */
  public DebeziumSource(
      String description,
      Properties engineProperties,
      SourceRecordConverter converter,
      Runnable preflight) {
    this.description = description;
    this.engineProperties = engineProperties;
    this.converter = converter;
    this.preflight = preflight;
  }

  @Override
  public void run(ChangeHandler handler) throws Exception {
    preflight.run();
    DebeziumEngine<RecordChangeEvent<SourceRecord>> created =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(engineProperties)
            .using(
                (success, message, error) -> {
                  if (!success && error != null) {
                    engineFailure.set(error);
                  } else if (!success) {
                    engineFailure.set(new IllegalStateException(message));
                  }
                })
            .notifying((records, committer) -> handleBatch(records, committer, handler))
            .build();
    engine.set(created);
    if (closed) {
      created.close();
      return;
    }
    LOG.info("Reading changes from {}", description);
    created.run();
    Throwable failure = handlerFailure.get() != null ? handlerFailure.get() : engineFailure.get();
    if (handlerFailure.get() != null || (failure != null && !closed)) {
      throw failure instanceof Exception exception
          ? exception
          : new IllegalStateException("Cannot read changes from " + description, failure);
    }
  }

  private void handleBatch(
      List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
      ChangeHandler handler)
      throws InterruptedException {
    try {
      List<DataChangeEvent> events = new ArrayList<>(records.size());
      for (RecordChangeEvent<SourceRecord> record : records) {
        DataChangeEvent event = converter.convert(record.record());
        if (event != null) {
          events.add(event);
        }
      }
      RecordChangeEvent<SourceRecord> last = records.isEmpty() ? null : records.get(records.size() - 1);
      handler.handle(events, new Acknowledger(committer, last));
    } catch (RuntimeException | Error e) {
      handlerFailure.compareAndSet(null, e);
      throw e;
    }
  }

  @Override
  public void close() {
    closed = true;
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    DebeziumEngine<RecordChangeEvent<SourceRecord>> running = engine.get();
    if (running != null) {
      try {
        running.close();
      } catch (IOException e) {
        LOG.warn("Cannot stop the Debezium engine cleanly for {}: {}", description, e.getMessage());
      } catch (IllegalStateException e) {
        LOG.debug("The Debezium engine for {} had already stopped", description);
      }
    }
  }

  private record Acknowledger(
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer,
      RecordChangeEvent<SourceRecord> last)
      implements SourceAcknowledger {

    @Override
    public void acknowledge() throws InterruptedException {
      if (last != null) {
        committer.markProcessed(last);
        committer.markBatchFinished();
      }
    }

    @Override
    public String position() {
      if (last == null) {
        return "";
      }
      Map<String, ?> offset = last.record().sourceOffset();
      return offset == null ? "" : offset.toString();
    }
  }
}
