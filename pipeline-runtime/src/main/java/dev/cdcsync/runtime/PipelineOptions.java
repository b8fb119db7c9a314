package dev.cdcsync.runtime;

import dev.cdcsync.api.ConfigOption;
import java.time.Duration;
import java.util.List;

/** The options of a pipeline file's {@code pipeline:} section. */
public final class PipelineOptions {

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

  public static final ConfigOption<Integer> PARALLELISM =
      ConfigOption.optional(
          "parallelism",
          Integer.class,
          1,
          "Accepted for Flink CDC compatibility; cdc-sync reads each source with one reader.");

  public static final ConfigOption<SchemaChangeBehavior> SCHEMA_CHANGE_BEHAVIOR =
      ConfigOption.optional(
          "schema.change.behavior",
          SchemaChangeBehavior.class,
          SchemaChangeBehavior.LENIENT,
          "What a change of a source table's columns does to its sink table: exception, evolve,"
              + " try_evolve, lenient (add and widen columns, keep dropped ones) or ignore.");

  public static final List<ConfigOption<?>> ALL =
      List.of(NAME, CHECKPOINT_INTERVAL, STATE_LOCATION, PARALLELISM, SCHEMA_CHANGE_BEHAVIOR);

  private PipelineOptions() {}
}
