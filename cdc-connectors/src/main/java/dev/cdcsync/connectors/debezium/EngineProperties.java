package dev.cdcsync.connectors.debezium;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.connectors.SourceOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Properties;

/** The Debezium engine settings every cdc-sync source shares. */
public final class EngineProperties {

  /** Topic prefix Debezium requires; it never leaves the process. */
  public static final String TOPIC_PREFIX = "cdc_sync";

  private EngineProperties() {}

  /**
   * Settings common to all connectors; the caller adds connector-specific ones, then applies
   * {@link #applyUserOverrides} last.
   */
  public static Properties common(
      String connectorClass, Configuration options, PipelineContext context) {
    try {
      Files.createDirectories(context.workDirectory());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create the pipeline work directory " + context.workDirectory(), e);
    }
    Properties properties = new Properties();
    properties.setProperty("name", context.pipelineName());
    properties.setProperty("connector.class", connectorClass);
    properties.setProperty("topic.prefix", TOPIC_PREFIX);
    properties.setProperty("database.hostname", options.get(SourceOptions.HOSTNAME));
    properties.setProperty("database.user", options.get(SourceOptions.USERNAME));
    properties.setProperty("database.password", options.get(SourceOptions.PASSWORD));
    properties.setProperty(
        "snapshot.mode",
        switch (options.get(SourceOptions.STARTUP_MODE)) {
          case INITIAL, SNAPSHOT -> "initial";
          // A binlog start position is seeded by the source (see InitialLoad.streamStart); a slot
          // streams from its own.
          case LATEST_OFFSET, EARLIEST_OFFSET, SPECIFIC_OFFSET, TIMESTAMP, COMMITTED_OFFSET ->
              "no_data";
        });
    // Offsets come from the pipeline's checkpoints (see DebeziumSource); acknowledgements flush.
    properties.setProperty("offset.flush.interval.ms", "0");
    // A failure ends the engine, and the pipeline restarts from its last checkpoint: Debezium's own
    // retries would resume from the last acknowledgement and hand over changes twice.
    properties.setProperty("errors.max.retries", "0");
    // BEGIN / END records tell where a source transaction ends, so no commit splits one.
    properties.setProperty("provide.transaction.metadata", "true");
    // Heartbeats make the engine call in while the database is idle, so commits stay on time.
    properties.setProperty(
        "heartbeat.interval.ms",
        Long.toString(SourceOptions.heartbeatInterval(options).toMillis()));
    properties.setProperty("tombstones.on.delete", "false");
    // Truncates reach the pipeline, whose schema change behavior decides what they do.
    properties.setProperty("skipped.operations", "none");
    properties.setProperty("decimal.handling.mode", "precise");
    properties.setProperty("time.precision.mode", "adaptive_time_microseconds");
    properties.setProperty("binary.handling.mode", "bytes");
    options
        .withPrefix(SourceOptions.JDBC_PREFIX)
        .forEach((key, value) -> properties.setProperty("driver." + key, value));
    return properties;
  }

  /** Applies {@code debezium.*} options over everything cdc-sync chose. */
  public static void applyUserOverrides(Properties properties, Configuration options) {
    options.withPrefix(SourceOptions.DEBEZIUM_PREFIX).forEach(properties::setProperty);
  }
}
