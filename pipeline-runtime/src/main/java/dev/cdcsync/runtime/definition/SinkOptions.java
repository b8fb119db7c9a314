package dev.cdcsync.runtime.definition;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.runtime.schema.SchemaChangeKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Options every sink section accepts, on top of its own: they steer the pipeline, not the sink. */
public final class SinkOptions {

  /** A set of schema change kinds, the value of the options below. */
  public record SchemaChangeKinds(Set<SchemaChangeKind> kinds) {
    public SchemaChangeKinds {
      kinds = Set.copyOf(kinds);
    }

    static SchemaChangeKinds parse(String text) {
      Set<SchemaChangeKind> kinds = SchemaChangeKind.parseList(text);
      return kinds == null ? null : new SchemaChangeKinds(kinds);
    }

    @Override
    public String toString() {
      return String.join(",", kinds.stream().sorted().map(SchemaChangeKind::optionName).toList());
    }
  }

  public static final ConfigOption<SchemaChangeKinds> INCLUDE_SCHEMA_CHANGES =
      ConfigOption.optional(
          "include.schema.changes",
          SchemaChangeKinds.class,
          new SchemaChangeKinds(EnumSet.allOf(SchemaChangeKind.class)),
          "The kinds of schema change passed on to the sink tables (a list); others are treated"
              + " as the lenient behavior treats changes it does not apply.",
          SchemaChangeKinds::parse,
          "a list of schema change kinds: " + SchemaChangeKind.NAMES);

  public static final ConfigOption<SchemaChangeKinds> EXCLUDE_SCHEMA_CHANGES =
      ConfigOption.optional(
          "exclude.schema.changes",
          SchemaChangeKinds.class,
          null,
          "The kinds of schema change not passed on to the sink tables (a list); wins over"
              + " include.schema.changes.",
          SchemaChangeKinds::parse,
          "a list of schema change kinds: " + SchemaChangeKind.NAMES);

  public static final ConfigOption<String> NAME =
      ConfigOption.optional(
          "name", String.class, null, "Display name of the sink (Flink CDC); shown by validate.");

  public static final List<ConfigOption<?>> ALL =
      List.of(INCLUDE_SCHEMA_CHANGES, EXCLUDE_SCHEMA_CHANGES, NAME);

  private SinkOptions() {}
}
