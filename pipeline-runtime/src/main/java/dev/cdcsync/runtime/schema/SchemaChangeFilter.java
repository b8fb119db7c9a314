package dev.cdcsync.runtime.schema;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.runtime.definition.SinkOptions;
import dev.cdcsync.runtime.definition.SourceSectionOptions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which kinds of schema change reach the sink ({@code sink.include.schema.changes} minus {@code
 * sink.exclude.schema.changes}, as in Flink CDC: exclusions win). A kind left out is treated as
 * the lenient behavior treats changes it does not apply.
 */
public record SchemaChangeFilter(Set<SchemaChangeKind> included) {

  public static final SchemaChangeFilter ALL =
      new SchemaChangeFilter(EnumSet.allOf(SchemaChangeKind.class));

  public SchemaChangeFilter {
    included = Set.copyOf(included);
  }

  /** The filter a sink section's options describe. */
  public static SchemaChangeFilter of(Configuration sinkOptions) {
    Set<SchemaChangeKind> included =
        EnumSet.copyOf(sinkOptions.get(SinkOptions.INCLUDE_SCHEMA_CHANGES).kinds());
    sinkOptions
        .optional(SinkOptions.EXCLUDE_SCHEMA_CHANGES)
        .ifPresent(excluded -> included.removeAll(excluded.kinds()));
    return new SchemaChangeFilter(included);
  }

  /**
   * The filter of a pipeline: only the creation of sink tables when the source's {@code
   * schema-change.enabled} is false (as in Flink CDC, whose sources then send only the tables'
   * first schemas), else what the sink section's options describe.
   */
  public static SchemaChangeFilter of(Configuration sourceOptions, Configuration sinkOptions) {
    if (!sourceOptions.get(SourceSectionOptions.SCHEMA_CHANGE_ENABLED)) {
      return new SchemaChangeFilter(Set.of(SchemaChangeKind.CREATE_TABLE));
    }
    return of(sinkOptions);
  }

  public boolean includes(SchemaChangeKind kind) {
    return included.contains(kind);
  }
}
