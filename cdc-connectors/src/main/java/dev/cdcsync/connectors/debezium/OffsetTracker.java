package dev.cdcsync.connectors.debezium;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The engine's offsets as far as the records handed over go: each source partition's last offset,
 * serialized as Debezium's offset store keeps them (key and value JSON), so a checkpoint can seed
 * the store on restart. Serializes only when the position is asked for, not for every record.
 */
final class OffsetTracker {

  private final String namespace;
  private final JsonConverter converter = new JsonConverter();
  private final Map<String, String> offsets = new LinkedHashMap<>();
  private final Map<Map<String, ?>, Map<String, ?>> pending = new LinkedHashMap<>();
  private Map<String, ?> lastPartition;
  private Map<String, ?> lastOffset;

  /** @param namespace the engine's name, which the offset store's keys carry */
  OffsetTracker(String namespace) {
    this.namespace = namespace;
    converter.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false"), false);
  }

  /** Starts over from stored offsets (serialized key to serialized value). */
  void restart(Map<String, String> start) {
    offsets.clear();
    pending.clear();
    lastPartition = null;
    lastOffset = null;
    offsets.putAll(start);
  }

  /** Notes an offset to start from where none is stored. */
  void seed(Map<String, ?> partition, Map<String, ?> offset) {
    pending.put(partition, offset);
  }

  /** Notes the record's offset. */
  void remember(SourceRecord record) {
    Map<String, ?> partition = record.sourcePartition();
    Map<String, ?> offset = record.sourceOffset();
    if (partition == null || offset == null) {
      return;
    }
    if (lastPartition != null && partition != lastPartition && !partition.equals(lastPartition)) {
      pending.put(lastPartition, lastOffset);
    }
    lastPartition = partition;
    lastOffset = offset;
  }

  /** Each partition's last offset noted, serialized; a live view until the next call. */
  Map<String, String> offsets() {
    if (lastPartition != null) {
      pending.put(lastPartition, lastOffset);
      lastPartition = null;
      lastOffset = null;
    }
    pending.forEach(
        (partition, offset) -> {
          byte[] key = converter.fromConnectData(namespace, null, List.of(namespace, partition));
          byte[] value = converter.fromConnectData(namespace, null, offset);
          offsets.put(
              new String(key, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
        });
    pending.clear();
    return offsets;
  }
}
