package dev.cdcsync.runtime.definition;

import dev.cdcsync.api.ConfigOption;
import java.util.List;

/** Options every source section accepts, on top of its own: they steer the pipeline, not the source. */
public final class SourceSectionOptions {

  public static final ConfigOption<String> NAME =
      ConfigOption.optional(
          "name", String.class, null, "Display name of the source (Flink CDC); shown by validate.");

  public static final ConfigOption<Boolean> SCHEMA_CHANGE_ENABLED =
      ConfigOption.optional(
          "schema-change.enabled",
          Boolean.class,
          true,
          "Whether changes of the source tables' columns reach the sink tables; false treats every"
              + " schema change as the lenient behavior treats changes it does not apply.");

  public static final List<ConfigOption<?>> ALL = List.of(NAME, SCHEMA_CHANGE_ENABLED);

  private SourceSectionOptions() {}
}
