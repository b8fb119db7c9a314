package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.StateStorage;
import io.debezium.config.Configuration;
import io.debezium.connector.mariadb.history.MariaDbHistoryRecordComparator;
import io.debezium.document.DocumentReader;
import io.debezium.document.DocumentWriter;
import io.debezium.relational.history.AbstractSchemaHistory;
import io.debezium.relational.history.HistoryRecord;
import io.debezium.relational.history.HistoryRecordComparator;
import io.debezium.relational.history.SchemaHistoryException;
import io.debezium.relational.history.SchemaHistoryListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Debezium's MySQL / MariaDB schema history in the pipeline's state store: one immutable,
 * checksummed file per DDL record, so a crash mid-write leaves at most a torn last record, which
 * is ignored (its DDL lies after the last checkpoint and is read from the binlog again).
 */
public final class StateStorageSchemaHistory extends AbstractSchemaHistory {

  /** Engine property naming the registered storage. */
  static final String STORAGE_KEY = "schema.history.internal.cdc-sync.storage";

  private static final String PREFIX = "schema-history-";
  private static final String CHECKSUM_MARK = "\n#crc32=";
  private static final Map<String, StateStorage> STORAGES = new ConcurrentHashMap<>();

  private StateStorage storage;
  private long next;

  /** Makes a storage reachable from the instance Debezium creates; returns its key. */
  static String register(StateStorage storage) {
    String key = UUID.randomUUID().toString();
    STORAGES.put(key, storage);
    return key;
  }

  /** Forgets every record (before a fresh start, whose snapshot records the schema anew). */
  static void clear(StateStorage storage) {
    try {
      for (String name : recordNames(storage)) {
        storage.delete(name);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clear the schema history in " + storage.location(), e);
    }
  }

  @Override
  public void configure(
      Configuration config,
      HistoryRecordComparator comparator,
      SchemaHistoryListener listener,
      boolean useCatalogBeforeSchema) {
    super.configure(
        config,
        comparator instanceof MariaDbHistoryRecordComparator mariaDb
            ? new MariaDbHistoryComparator(mariaDb)
            : comparator,
        listener,
        useCatalogBeforeSchema);
    storage = STORAGES.get(config.getString(STORAGE_KEY));
    if (storage == null) {
      throw new IllegalStateException("No state storage registered for the schema history");
    }
  }

  @Override
  public synchronized void start() {
    super.start();
    try {
      List<String> names = recordNames(storage);
      next = names.isEmpty() ? 0 : index(names.get(names.size() - 1)) + 1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  protected synchronized void storeRecord(HistoryRecord record) throws SchemaHistoryException {
    write(storage, next, record);
    next++;
  }

  /**
   * Writes records of a schema snapshot taken outside Debezium (see {@link MariaDbInitialLoad}),
   * after those already stored.
   */
  static void append(StateStorage storage, List<HistoryRecord> records) {
    try {
      List<String> names = recordNames(storage);
      long index = names.isEmpty() ? 0 : index(names.get(names.size() - 1)) + 1;
      for (HistoryRecord record : records) {
        write(storage, index++, record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the schema history in " + storage.location(), e);
    }
  }

  private static void write(StateStorage storage, long index, HistoryRecord record) {
    try {
      String json = DocumentWriter.defaultWriter().write(record.document());
      storage.create(
          String.format("%s%020d", PREFIX, index),
          (json + CHECKSUM_MARK + checksum(json) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SchemaHistoryException(
          "Cannot store a schema history record in " + storage.location(), e);
    }
  }

  @Override
  protected synchronized void recoverRecords(Consumer<HistoryRecord> records) {
    try {
      for (String name : recordNames(storage)) {
        Optional<String> json = read(name);
        if (json.isEmpty()) {
          logger.warn("Ignoring torn schema history record {} in {}", name, storage.location());
          break;
        }
        records.accept(new HistoryRecord(DocumentReader.defaultReader().read(json.get())));
      }
    } catch (IOException e) {
      throw new SchemaHistoryException(
          "Cannot read the schema history in " + storage.location(), e);
    }
  }

  private Optional<String> read(String name) throws IOException {
    Optional<byte[]> bytes = storage.read(name);
    if (bytes.isEmpty()) {
      return Optional.empty();
    }
    String text = new String(bytes.get(), StandardCharsets.UTF_8);
    int mark = text.lastIndexOf(CHECKSUM_MARK);
    if (mark < 0) {
      return Optional.empty();
    }
    String json = text.substring(0, mark);
    return checksum(json).equals(text.substring(mark + CHECKSUM_MARK.length()).trim())
        ? Optional.of(json)
        : Optional.empty();
  }

  @Override
  public boolean exists() {
    try {
      return !recordNames(storage).isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean storageExists() {
    return true;
  }

  private static List<String> recordNames(StateStorage storage) throws IOException {
    List<String> names = new ArrayList<>();
    for (String name : storage.list()) {
      if (name.startsWith(PREFIX)) {
        names.add(name);
      }
    }
    names.sort(null);
    return names;
  }

  private static long index(String name) {
    return Long.parseLong(name.substring(PREFIX.length()));
  }

  private static String checksum(String json) {
    CRC32 crc = new CRC32();
    crc.update(json.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }
}
