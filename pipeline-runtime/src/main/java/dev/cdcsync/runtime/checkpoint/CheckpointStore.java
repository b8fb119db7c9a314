package dev.cdcsync.runtime.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.StateStorage;
import dev.cdcsync.api.TableId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immutable, numbered, checksummed checkpoint records in a pipeline's {@link StateStorage}. A
 * record that was torn by a crash fails its checksum and is ignored; the newest complete record
 * wins. Old records are pruned.
 */
public final class CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final String PREFIX = "checkpoint-";
  private static final String SUFFIX = ".json";
  private static final String CHECKSUM_MARK = "\n#crc32=";
  private static final int KEEP = 5;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StateStorage storage;

  public CheckpointStore(StateStorage storage) {
    this.storage = storage;
  }

  public StateStorage storage() {
    return storage;
  }

  /** The newest complete record, if any. */
  public Optional<CheckpointRecord> latest() throws IOException {
    for (String name : recordNames()) {
      Optional<CheckpointRecord> record = read(name);
      if (record.isPresent()) {
        return record;
      }
    }
    return Optional.empty();
  }

  /**
   * Writes a record; a torn record of the same id left by a crash is replaced.
   *
   * @throws FencedException if a complete record of this id exists: another instance wrote it
   */
  public void write(CheckpointRecord record) throws IOException {
    String name = name(record.id());
    byte[] content = encode(record);
    if (storage.read(name).isPresent()) {
      if (read(name).isPresent()) {
        throw new FencedException(
            "Cannot write checkpoint "
                + record.id()
                + " of pipeline '"
                + record.pipeline()
                + "': another instance already wrote it in "
                + storage.location());
      }
      storage.delete(name);
    }
    storage.create(name, content);
  }

  /** Deletes all but the newest few records. */
  public void prune() throws IOException {
    List<String> names = recordNames();
    for (String name : names.subList(Math.min(KEEP, names.size()), names.size())) {
      storage.delete(name);
    }
  }

  private List<String> recordNames() throws IOException {
    List<String> names = new ArrayList<>();
    for (String name : storage.list()) {
      if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
        names.add(name);
      }
    }
    names.sort(Comparator.reverseOrder());
    return names;
  }

  private Optional<CheckpointRecord> read(String name) throws IOException {
    Optional<byte[]> content = storage.read(name);
    if (content.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(decode(new String(content.get(), StandardCharsets.UTF_8)));
    } catch (RuntimeException | IOException e) {
      LOG.warn("Ignoring checkpoint record {} in {}: {}", name, storage.location(), e.getMessage());
      return Optional.empty();
    }
  }

  public static String name(long id) {
    return String.format("%s%020d%s", PREFIX, id, SUFFIX);
  }

  public static byte[] encode(CheckpointRecord record) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("id", record.id());
    root.put("pipeline", record.pipeline());
    root.put("epoch", record.epoch());
    root.put("createdAt", record.createdAt().toString());
    ObjectNode position = root.putObject("position");
    position.put("description", record.position().description());
    ObjectNode offsets = position.putObject("offsets");
    record.position().offsets().forEach(offsets::put);
    ArrayNode tables = root.putArray("tables");
    record
        .tables()
        .forEach(
            (table, prepared) -> {
              ObjectNode entry = tables.addObject();
              ArrayNode parts = entry.putArray("table");
              table.parts().forEach(parts::add);
              entry.put("prepared", Base64.getEncoder().encodeToString(prepared));
            });
    String json = JSON.writeValueAsString(root);
    return (json + CHECKSUM_MARK + checksum(json) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  public static CheckpointRecord decode(String text) throws IOException {
    int mark = text.lastIndexOf(CHECKSUM_MARK);
    if (mark < 0) {
      throw new IOException("no checksum (torn write?)");
    }
    String json = text.substring(0, mark);
    String expected = text.substring(mark + CHECKSUM_MARK.length()).trim();
    if (!checksum(json).equals(expected)) {
      throw new IOException("checksum mismatch (torn write?)");
    }
    JsonNode root = JSON.readTree(json);
    Map<String, String> offsets = new LinkedHashMap<>();
    root.get("position")
        .get("offsets")
        .fields()
        .forEachRemaining(e -> offsets.put(e.getKey(), e.getValue().asText()));
    Map<TableId, byte[]> tables = new LinkedHashMap<>();
    for (JsonNode entry : root.get("tables")) {
      List<String> parts = new ArrayList<>();
      entry.get("table").forEach(part -> parts.add(part.asText()));
      TableId table =
          switch (parts.size()) {
            case 1 -> new TableId(null, null, parts.get(0));
            case 2 -> TableId.of(parts.get(0), parts.get(1));
            default -> TableId.of(parts.get(0), parts.get(1), parts.get(2));
          };
      tables.put(table, Base64.getDecoder().decode(entry.get("prepared").asText()));
    }
    return new CheckpointRecord(
        root.get("id").asLong(),
        root.get("pipeline").asText(),
        root.get("epoch").asLong(),
        Instant.parse(root.get("createdAt").asText()),
        new SourcePosition(offsets, root.get("position").get("description").asText()),
        tables);
  }

  private static String checksum(String json) {
    CRC32 crc = new CRC32();
    crc.update(json.getBytes(StandardCharsets.UTF_8));
    return Long.toHexString(crc.getValue());
  }
}
