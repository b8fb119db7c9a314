package dev.cdcsync.api;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One option of a source, sink or pipeline: its key, value type, default, description, and
 * whether its value is a secret (never printed).
 *
 * <p>Supported value types: {@link String}, {@link Integer}, {@link Long}, {@link Double},
 * {@link Boolean}, {@link Duration} and enums (matched case-insensitively, {@code -} and {@code _} alike), and
 * any other type given with its own parser.
 */
public final class ConfigOption<T> {

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([a-zA-Z]*)");

  private final String key;
  private final Class<T> type;
  private final T defaultValue;
  private final boolean required;
  private final boolean secret;
  private final String description;
  private final Function<String, T> parser;
  private final String parsedTypeDescription;
  private final String noEffectReason;

  private ConfigOption(
      String key,
      Class<T> type,
      T defaultValue,
      boolean required,
      boolean secret,
      String description,
      Function<String, T> parser,
      String parsedTypeDescription,
      String noEffectReason) {
    this.key = Objects.requireNonNull(key, "key");
    this.type = Objects.requireNonNull(type, "type");
    this.defaultValue = defaultValue;
    this.required = required;
    this.secret = secret;
    this.description = Objects.requireNonNull(description, "description");
    this.parser = parser;
    this.parsedTypeDescription = parsedTypeDescription;
    this.noEffectReason = noEffectReason;
  }

  /** An option that must be given. */
  public static <T> ConfigOption<T> required(String key, Class<T> type, String description) {
    return new ConfigOption<>(key, type, null, true, false, description, null, null, null);
  }

  /** An option that may be left out; {@code defaultValue} may be null (no value). */
  public static <T> ConfigOption<T> optional(
      String key, Class<T> type, T defaultValue, String description) {
    return new ConfigOption<>(key, type, defaultValue, false, false, description, null, null, null);
  }

  /**
   * An option that may be left out, whose values {@code parser} reads (returning null for text
   * that is not a value); {@code typeDescription} says in error messages what is expected. A YAML
   * list arrives as its items joined by commas.
   */
  public static <T> ConfigOption<T> optional(
      String key,
      Class<T> type,
      T defaultValue,
      String description,
      Function<String, T> parser,
      String typeDescription) {
    return new ConfigOption<>(
        key,
        type,
        defaultValue,
        false,
        false,
        description,
        Objects.requireNonNull(parser, "parser"),
        Objects.requireNonNull(typeDescription, "typeDescription"),
        null);
  }

  /**
   * An option another tool defines (Flink CDC) that is accepted, and its value checked, but that
   * has no effect here: giving it warns once with {@code reason}, which is also its description.
   */
  public static <T> ConfigOption<T> withoutEffect(
      String key, Class<T> type, T defaultValue, String reason) {
    return new ConfigOption<>(
        key,
        type,
        defaultValue,
        false,
        false,
        reason,
        null,
        null,
        Objects.requireNonNull(reason, "reason"));
  }

  /** The same option, with its value masked whenever options are printed. */
  public ConfigOption<T> asSecret() {
    return new ConfigOption<>(
        key,
        type,
        defaultValue,
        required,
        true,
        description,
        parser,
        parsedTypeDescription,
        noEffectReason);
  }

  /** Why giving this option changes nothing, for options accepted only for compatibility. */
  public Optional<String> noEffectReason() {
    return Optional.ofNullable(noEffectReason);
  }

  public String key() {
    return key;
  }

  public Class<T> type() {
    return type;
  }

  public Optional<T> defaultValue() {
    return Optional.ofNullable(defaultValue);
  }

  public boolean isRequired() {
    return required;
  }

  /** Whether a YAML list is a valid value (options with their own parser take lists). */
  public boolean acceptsList() {
    return parser != null;
  }

  public boolean isSecret() {
    return secret;
  }

  public String description() {
    return description;
  }

  /** A short name of the value type for error messages, e.g. {@code duration (30s, 5 min)}. */
  public String typeDescription() {
    if (parsedTypeDescription != null) {
      return parsedTypeDescription;
    }
    if (type.isEnum()) {
      return "one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT);
    }
    if (type == Duration.class) {
      return "a duration such as 30s, 500ms, 5min, 1h";
    }
    if (type == Boolean.class) {
      return "true or false";
    }
    if (type == Double.class) {
      return "a number";
    }
    return type == String.class ? "a string" : "an integer";
  }

  /**
   * Converts a textual value to this option's type.
   *
   * @throws IllegalArgumentException if the text is not a value of the type; the message says
   *     what was expected but never repeats a secret value
   */
  public T parse(String text) {
    String value = text.trim();
    Object parsed;
    try {
      parsed = parseValue(value);
    } catch (RuntimeException e) {
      parsed = null;
    }
    if (parsed == null) {
      String shown = secret ? "******" : "'" + text + "'";
      throw new IllegalArgumentException("expected " + typeDescription() + " but got " + shown);
    }
    return type.cast(parsed);
  }

  private Object parseValue(String value) {
    if (parser != null) {
      return parser.apply(value);
    }
    if (type == String.class) {
      return value;
    }
    if (type == Integer.class) {
      return Integer.valueOf(value);
    }
    if (type == Long.class) {
      return Long.valueOf(value);
    }
    if (type == Double.class) {
      return Double.valueOf(value);
    }
    if (type == Boolean.class) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "true" -> Boolean.TRUE;
        case "false" -> Boolean.FALSE;
        default -> null;
      };
    }
    if (type == Duration.class) {
      return parseDuration(value);
    }
    if (type.isEnum()) {
      String wanted = value.replace('-', '_');
      for (T constant : type.getEnumConstants()) {
        if (((Enum<?>) constant).name().equalsIgnoreCase(wanted)) {
          return constant;
        }
      }
      return null;
    }
    throw new IllegalStateException("Unsupported option type: " + type);
  }

  private static Duration parseDuration(String value) {
    if (value.startsWith("P") || value.startsWith("p")) {
      return Duration.parse(value);
    }
    Matcher matcher = DURATION.matcher(value);
    if (!matcher.matches()) {
      return null;
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
      case "", "ms", "milli", "millis", "millisecond", "milliseconds" -> Duration.ofMillis(amount);
      case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(amount);
      case "m", "min", "mins", "minute", "minutes" -> Duration.ofMinutes(amount);
      case "h", "hour", "hours" -> Duration.ofHours(amount);
      case "d", "day", "days" -> Duration.ofDays(amount);
      default -> null;
    };
  }

  @Override
  public String toString() {
    return key;
  }
}
