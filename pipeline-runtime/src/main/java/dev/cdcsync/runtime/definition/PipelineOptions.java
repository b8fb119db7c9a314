package dev.cdcsync.runtime.definition;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.runtime.schema.SchemaChangeBehavior;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The options of a pipeline file's {@code pipeline:} section: cdc-sync's own and every one Flink
 * CDC 3.6 documents (those that steer Flink's job graph are accepted and have no effect).
 */
public final class PipelineOptions {

  /** How the pipeline runs (Flink CDC's {@code execution.runtime-mode}); only streaming exists here. */
  public enum RuntimeMode {
    STREAMING
  }

  /** Which route rules apply to a table (Flink CDC's {@code route-mode}). */
  public enum RouteMode {
    /** Every rule whose source-table matches. */
    ALL_MATCH,
    /** Only the first rule whose source-table matches. */
    FIRST_MATCH
  }

  public static final ConfigOption<String> NAME =
      ConfigOption.optional(
          "name",
          String.class,
          null,
          "Name of the pipeline; keys its state and is recorded in every Iceberg commit."
              + " Defaults to the pipeline file's name without extension.");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOption.optional(
          "checkpoint.interval",
          Duration.class,
          Duration.ofSeconds(30),
          "How often buffered changes are committed to the sink tables.");

  public static final ConfigOption<String> STATE_LOCATION =
      ConfigOption.optional(
          "state.location",
          String.class,
          null,
          "Directory or URI (a local path, file:///..., s3://bucket/prefix) under which pipelines"
              + " keep their state (checkpoints with source offsets, instance epochs, schema"
              + " history), each in a subdirectory named after it. Defaults to .cdc-sync inside the"
              + " warehouse.");

  public static final ConfigOption<SchemaChangeBehavior> SCHEMA_CHANGE_BEHAVIOR =
      ConfigOption.optional(
          "schema.change.behavior",
          SchemaChangeBehavior.class,
          SchemaChangeBehavior.LENIENT,
          "What a change of a source table's columns does to its sink table: exception, evolve,"
              + " try_evolve, lenient (add and widen columns, keep dropped ones) or ignore.");

  public static final ConfigOption<RouteMode> ROUTE_MODE =
      ConfigOption.optional(
          "route-mode",
          RouteMode.class,
          RouteMode.ALL_MATCH,
          "all_match: every route rule whose source-table matches a table applies;"
              + " first_match: only the first one.");

  public static final ConfigOption<ZoneId> LOCAL_TIME_ZONE =
      ConfigOption.optional(
          "local-time-zone",
          ZoneId.class,
          ZoneOffset.UTC,
          "Time zone in which transform expressions read and write wall-clock times: LOCALTIMESTAMP,"
              + " CURRENT_DATE, TIMESTAMP_LTZ values formatted or cast to text, DATE or TIMESTAMP,"
              + " and text or TIMESTAMP values read as TIMESTAMP_LTZ; a zone id, an offset or"
              + " systemDefault.",
          PipelineOptions::zone,
          "a time zone id such as UTC, Europe/Berlin, +02:00 or systemDefault");

  public static final ConfigOption<RuntimeMode> RUNTIME_MODE =
      ConfigOption.optional(
          "execution.runtime-mode",
          RuntimeMode.class,
          RuntimeMode.STREAMING,
          "streaming, the only mode: read the snapshot, then stream changes until stopped.");

  // Flink CDC options that steer Flink's job graph, which cdc-sync does not have.

  public static final ConfigOption<Integer> PARALLELISM =
      ConfigOption.withoutEffect(
          "parallelism",
          Integer.class,
          1,
          "cdc-sync runs a pipeline in one process; PostgreSQL and MariaDB sources set their load's readers with scan.snapshot.readers");

  public static final ConfigOption<String> OPERATOR_UID_PREFIX =
      ConfigOption.withoutEffect(
          "operator.uid.prefix", String.class, null, "cdc-sync has no Flink operators to name");

  public static final ConfigOption<String> SCHEMA_OPERATOR_UID =
      ConfigOption.withoutEffect(
          "schema.operator.uid", String.class, null, "cdc-sync has no Flink operators to name");

  public static final ConfigOption<Duration> SCHEMA_OPERATOR_RPC_TIMEOUT =
      ConfigOption.withoutEffect(
          "schema-operator.rpc-timeout",
          Duration.class,
          Duration.ofMinutes(3),
          "schema changes are applied in the pipeline's own thread, without operators to wait for");

  public static final List<ConfigOption<?>> ALL =
      List.of(
          NAME,
          CHECKPOINT_INTERVAL,
          STATE_LOCATION,
          SCHEMA_CHANGE_BEHAVIOR,
          ROUTE_MODE,
          LOCAL_TIME_ZONE,
          RUNTIME_MODE,
          PARALLELISM,
          OPERATOR_UID_PREFIX,
          SCHEMA_OPERATOR_UID,
          SCHEMA_OPERATOR_RPC_TIMEOUT);

  private static ZoneId zone(String text) {
    if (text.equalsIgnoreCase("systemDefault")) {
      return ZoneId.systemDefault();
    }
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      return null;
    }
  }

  private PipelineOptions() {}
}
