package dev.cdcsync.api;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The validated options of one component (source, sink or pipeline): textual values by key, read
 * back typed through {@link ConfigOption}s. Immutable.
 */
public final class Configuration {

  private final Map<String, String> values;

  public Configuration(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  public static Configuration of(Map<String, String> values) {
    return new Configuration(values);
  }

  /** The option's value, its default, or empty. */
  public <T> Optional<T> optional(ConfigOption<T> option) {
    String text = values.get(option.key());
    if (text == null) {
      return option.defaultValue();
    }
    try {
      return Optional.of(option.parse(text));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(
          "Cannot read option '" + option.key() + "': " + e.getMessage());
    }
  }

  /** The option's value or default; fails if it has neither. */
  public <T> T get(ConfigOption<T> option) {
    return optional(option)
        .orElseThrow(
            () -> new ConfigurationException("Missing required option '" + option.key() + "'"));
  }

  public boolean contains(ConfigOption<?> option) {
    return values.containsKey(option.key());
  }

  /** The options under a prefix, with the prefix removed: {@code debezium.a.b -> a.b}. */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> result = new TreeMap<>();
    values.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            result.put(key.substring(prefix.length()), value);
          }
        });
    return result;
  }

  public Map<String, String> asMap() {
    return values;
  }
}
