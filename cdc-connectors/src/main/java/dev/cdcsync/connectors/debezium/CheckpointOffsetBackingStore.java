package dev.cdcsync.connectors.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset store, seeded from the pipeline's last checkpoint. Debezium's own offset
 * flushes stay in memory: the checkpoint records are the durable truth.
 */
public final class CheckpointOffsetBackingStore extends MemoryOffsetBackingStore {

  /** Engine property naming the JSON file (key to value, both serialized) to start from. */
  static final String START_FILE = "cdc-sync.offsets.start-file";

  private static final ObjectMapper JSON = new ObjectMapper();

  private Path startFile;

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    String file = config.originalsStrings().get(START_FILE);
    startFile = file == null ? null : Path.of(file);
  }

  @Override
  public synchronized void start() {
    super.start();
    data = new HashMap<>();
    if (startFile == null || !Files.exists(startFile)) {
      return;
    }
    try {
      JsonNode root = JSON.readTree(Files.readString(startFile));
      root.fields()
          .forEachRemaining(
              entry ->
                  data.put(
                      ByteBuffer.wrap(entry.getKey().getBytes(StandardCharsets.UTF_8)),
                      ByteBuffer.wrap(entry.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the start offsets " + startFile, e);
    }
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return Set.of();
  }

  /** Writes the file {@link #START_FILE} names: the offsets to start from, none for a fresh start. */
  static void writeStartFile(Path file, Map<String, String> offsets) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, JSON.writeValueAsString(offsets));
  }
}
