package dev.cdcsync.api;

import java.util.List;

/**
 * Common part of {@link SourceFactory} and {@link SinkFactory}: the {@code type} that selects it in
 * a pipeline file and the options it accepts. Found through {@link java.util.ServiceLoader}.
 */
public interface Factory {

  /** The value of {@code type:} that selects this factory, e.g. {@code postgres}. */
  String type();

  /** Every option this factory accepts by exact key. */
  List<ConfigOption<?>> options();

  /**
   * Key prefixes passed through as they are (e.g. {@code debezium.}); any key starting with one of
   * them is accepted.
   */
  default List<String> passThroughPrefixes() {
    return List.of();
  }

  /**
   * Warnings about options that are valid but do not apply as given (e.g. a value beyond what is
   * used), each naming the option and saying why; shown once by {@code validate} and {@code run}.
   * Options declared {@link ConfigOption#withoutEffect} are warned about by the caller already.
   *
   * @param options the validated options
   */
  default List<String> warnings(Configuration options) {
    return List.of();
  }
}
