package dev.cdcsync.runtime.definition;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One top-level section of a pipeline file ({@code source}, {@code sink} or {@code pipeline}).
 *
 * @param section the section's name
 * @param line the line the section starts on
 * @param type the value of {@code type:}, or null (the {@code pipeline} section has none)
 * @param options every other key, flattened with {@code .} when written as nested mappings
 */
public record ComponentDefinition(
    String section, int line, String type, Map<String, ConfigValue> options) {

  public ComponentDefinition {
    Objects.requireNonNull(section, "section");
    options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  public static ComponentDefinition empty(String section) {
    return new ComponentDefinition(section, 0, null, Map.of());
  }
}
