package dev.cdcsync.runtime.definition;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a section's options against the options a component declares: unknown keys (with the
 * allowed ones and a likely intended key), missing required keys, and values of the wrong type,
 * each with its line. Never repeats a secret's value.
 */
public final class OptionsValidator {

  private OptionsValidator() {}

  public static Configuration validate(
      String location,
      ComponentDefinition section,
      String componentName,
      List<ConfigOption<?>> options,
      List<String> passThroughPrefixes) {
    return validate(
        location, section, componentName, options, passThroughPrefixes, new ArrayList<>());
  }

  /**
   * As {@link #validate(String, ComponentDefinition, String, List, List)}, adding to {@code
   * warnings} one line per given option that has no effect here, with its line and the reason.
   */
  public static Configuration validate(
      String location,
      ComponentDefinition section,
      String componentName,
      List<ConfigOption<?>> options,
      List<String> passThroughPrefixes,
      List<String> warnings) {
    Map<String, ConfigOption<?>> byKey = new LinkedHashMap<>();
    options.forEach(option -> byKey.put(option.key(), option));
    List<String> errors = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();

    section
        .options()
        .forEach(
            (key, value) -> {
              ConfigOption<?> option = byKey.get(key);
              if (value.list()
                  && (option == null
                      ? byPrefix(key, passThroughPrefixes)
                      : !option.acceptsList())) {
                errors.add(
                    "line "
                        + value.line()
                        + ": "
                        + section.section()
                        + " option '"
                        + key
                        + "' must be a single value, not a list");
                return;
              }
              if (option == null) {
                if (byPrefix(key, passThroughPrefixes)) {
                  values.put(key, value.text());
                } else {
                  errors.add(
                      unknownKey(
                          section.section(),
                          componentName,
                          key,
                          value.line(),
                          byKey,
                          passThroughPrefixes));
                }
                return;
              }
              try {
                option.parse(value.text());
                values.put(key, value.text());
                option
                    .noEffectReason()
                    .ifPresent(
                        reason ->
                            warnings.add(
                                "line "
                                    + value.line()
                                    + ": "
                                    + section.section()
                                    + " option '"
                                    + key
                                    + "' has no effect: "
                                    + reason));
              } catch (IllegalArgumentException e) {
                errors.add(
                    "line "
                        + value.line()
                        + ": "
                        + section.section()
                        + " option '"
                        + key
                        + "': "
                        + e.getMessage());
              }
            });
    for (ConfigOption<?> option : options) {
      if (option.isRequired() && !section.options().containsKey(option.key())) {
        errors.add(
            "line "
                + section.line()
                + ": "
                + section.section()
                + " of type "
                + componentName
                + " needs option '"
                + option.key()
                + "' ("
                + option.description()
                + ")");
      }
    }
    if (!errors.isEmpty()) {
      throw PipelineDefinitionParser.invalid(location, errors);
    }
    return Configuration.of(values);
  }

  private static boolean byPrefix(String key, List<String> passThroughPrefixes) {
    return passThroughPrefixes.stream()
        .anyMatch(prefix -> key.startsWith(prefix) && key.length() > prefix.length());
  }

  private static String unknownKey(
      String section,
      String componentName,
      String key,
      int line,
      Map<String, ConfigOption<?>> known,
      List<String> prefixes) {
    List<String> allowed = new ArrayList<>(known.keySet());
    prefixes.forEach(prefix -> allowed.add(prefix + "*"));
    StringBuilder message =
        new StringBuilder()
            .append("line ")
            .append(line)
            .append(": unknown ")
            .append(section)
            .append(" option '")
            .append(key)
            .append("'");
    message.append(suggestion(key, known.keySet()));
    return message
        .append("; allowed for ")
        .append(componentName)
        .append(": ")
        .append(String.join(", ", allowed))
        .toString();
  }

  /** {@code " (did you mean 'x'?)"} for the known key closest to a misspelt one, or empty. */
  static String suggestion(String key, java.util.Collection<String> known) {
    return known.stream()
        .min(Comparator.comparingInt(candidate -> distance(candidate, key)))
        .filter(candidate -> distance(candidate, key) <= Math.max(2, key.length() / 4))
        .map(candidate -> " (did you mean '" + candidate + "'?)")
        .orElse("");
  }

  /** Levenshtein distance, for suggesting the name a user probably meant. */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  /** Rejects a section value that names no known component. */
  public static ConfigurationException unknownType(
      String location, ComponentDefinition section, List<String> knownTypes) {
    return PipelineDefinitionParser.invalid(
        location,
        List.of(
            "line "
                + section.line()
                + ": unknown "
                + section.section()
                + " type '"
                + section.type()
                + "'; available: "
                + String.join(", ", knownTypes)));
  }
}
