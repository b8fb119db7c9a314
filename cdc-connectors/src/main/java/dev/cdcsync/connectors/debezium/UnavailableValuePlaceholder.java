package dev.cdcsync.connectors.debezium;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Schema;

/**
 * Recognises the placeholder Debezium puts where a change left a value out (its {@code
 * unavailable.value.placeholder}), in the form Debezium gives it for each kind of column: the text
 * itself, its bytes, a one-element list of either (arrays), the bytes as numbers (integer
 * arrays), a UUID made from the bytes (uuid arrays) or a one-entry map (hstore).
 */
final class UnavailableValuePlaceholder {

  private final String text;
  private final byte[] bytes;
  private final List<Integer> asInts;
  private final List<Long> asLongs;
  private final String asUuid;

  UnavailableValuePlaceholder(String text) {
    this.text = text;
    this.bytes = text.getBytes(StandardCharsets.UTF_8);
    Integer[] ints = new Integer[bytes.length];
    Long[] longs = new Long[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      ints[i] = (int) bytes[i];
      longs[i] = (long) bytes[i];
    }
    this.asInts = List.of(ints);
    this.asLongs = List.of(longs);
    this.asUuid = UUID.nameUUIDFromBytes(bytes).toString();
  }

  /** How to recognise the placeholder in values of {@code schema}; empty where it cannot appear. */
  Optional<Predicate<Object>> matcher(Schema schema) {
    return Optional.ofNullable(
        switch (schema.type()) {
          case STRING -> text::equals;
          case BYTES -> this::isBytes;
          case ARRAY -> value -> value instanceof List<?> list && isListPlaceholder(list);
          case MAP ->
              value ->
                  value instanceof Map<?, ?> map && map.size() == 1 && text.equals(map.get(text));
          case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRUCT -> null;
        });
  }

  private boolean isBytes(Object value) {
    if (value instanceof byte[] array) {
      return Arrays.equals(array, bytes);
    }
    return value instanceof ByteBuffer buffer
        && buffer.remaining() == bytes.length
        && buffer.equals(ByteBuffer.wrap(bytes));
  }

  private boolean isListPlaceholder(List<?> list) {
    if (list.size() == 1) {
      Object only = list.get(0);
      return text.equals(only) || asUuid.equals(only) || (only != null && isBytes(only));
    }
    return list.size() == bytes.length && (list.equals(asInts) || list.equals(asLongs));
  }
}
