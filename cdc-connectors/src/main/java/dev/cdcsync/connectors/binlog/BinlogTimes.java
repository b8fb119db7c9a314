package dev.cdcsync.connectors.binlog;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;
import com.github.shyiko.mysql.binlog.event.EventHeaderV4;
import com.github.shyiko.mysql.binlog.event.EventType;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads binlog event times as a replica would, without waiting at the end (a non-blocking dump,
 * like {@code mariadb-binlog} without {@code --stop-never}): where the first transaction committed
 * at or after a time begins ({@code scan.startup.mode: timestamp}). Times in the binlog have
 * second precision.
 */
final class BinlogTimes {

  private final Properties engineProperties;

  /** @param engineProperties Debezium's connection settings (host, port, user, password, TLS) */
  BinlogTimes(Properties engineProperties) {
    this.engineProperties = engineProperties;
  }

  /**
   * The start of the first transaction committed in the second of {@code millis} or later, in the
   * binlogs {@code files} (oldest first); null when there is none yet.
   */
  BinlogPosition firstTransactionAtOrAfter(List<String> files, long millis) throws IOException {
    long second = millis - Math.floorMod(millis, 1000L);
    // The newest file that began at or before the time holds the first transaction after it.
    int from = 0;
    for (int i = files.size() - 1; i >= 0; i--) {
      Long began = firstEventMillis(files.get(i));
      if (began != null && began <= second) {
        from = i;
        break;
      }
    }
    AtomicReference<BinlogPosition> found = new AtomicReference<>();
    AtomicReference<String> file = new AtomicReference<>(files.get(from));
    read(
        files.get(from),
        event -> {
          EventHeaderV4 header = event.getHeader();
          if (header.getEventType() == EventType.ROTATE
              && event.getData()
                  instanceof com.github.shyiko.mysql.binlog.event.RotateEventData rotate) {
            file.set(rotate.getBinlogFilename());
            return false;
          }
          if (isTransactionStart(header.getEventType()) && header.getTimestamp() >= second) {
            found.set(new BinlogPosition(file.get(), header.getPosition()));
            return true;
          }
          return false;
        });
    return found.get();
  }

  /** When {@code file} began: its first event's time, or null when it has none. */
  private Long firstEventMillis(String file) throws IOException {
    AtomicReference<Long> time = new AtomicReference<>();
    read(
        file,
        event -> {
          long timestamp = event.getHeader().getTimestamp();
          if (timestamp > 0) {
            time.set(timestamp);
            return true;
          }
          return false;
        });
    return time.get();
  }

  private static boolean isTransactionStart(EventType type) {
    return type == EventType.MARIADB_GTID
        || type == EventType.GTID
        || type == EventType.ANONYMOUS_GTID;
  }

  /** What to do with each event read; true to stop reading. */
  private interface Reader {
    boolean stopAfter(Event event);
  }

  /** Reads events from the start of {@code file} to the end of the binlog, or until told to stop. */
  private void read(String file, Reader reader) throws IOException {
    BinaryLogClient client =
        new BinaryLogClient(
            engineProperties.getProperty("database.hostname"),
            Integer.parseInt(engineProperties.getProperty("database.port")),
            engineProperties.getProperty("database.user"),
            engineProperties.getProperty("database.password"));
    // A replica id of its own, away from the pipeline's (5400-6399 by default) and the servers'.
    client.setServerId(0x7F000000L + ThreadLocalRandom.current().nextInt(0xFFFFFF));
    client.setBlocking(false);
    client.setKeepAlive(false);
    client.setBinlogFilename(file);
    client.setBinlogPosition(4);
    client.setSSLMode(sslMode());
    AtomicReference<Boolean> stopped = new AtomicReference<>(false);
    client.registerEventListener(
        event -> {
          if (!stopped.get() && reader.stopAfter(event)) {
            stopped.set(true);
            // Not on the reading thread, which the disconnect waits for.
            Thread disconnect = new Thread(() -> disconnectQuietly(client), "binlog-times-stop");
            disconnect.setDaemon(true);
            disconnect.start();
          }
        });
    try {
      client.connect();
    } catch (IOException e) {
      if (!stopped.get()) {
        throw e;
      }
    }
  }

  private SSLMode sslMode() {
    String mode = engineProperties.getProperty(BinlogTls.MODE, "disable").toLowerCase(Locale.ROOT);
    return switch (mode) {
      case "disable", "disabled" -> SSLMode.DISABLED;
      case "preferred" -> SSLMode.PREFERRED;
      case "verify_ca", "verify-ca" -> SSLMode.VERIFY_CA;
      case "verify_identity", "verify_full", "verify-full" -> SSLMode.VERIFY_IDENTITY;
      default -> SSLMode.REQUIRED;
    };
  }

  private static void disconnectQuietly(BinaryLogClient client) {
    try {
      client.disconnect();
    } catch (IOException e) {
      // the read is over either way
    }
  }
}
