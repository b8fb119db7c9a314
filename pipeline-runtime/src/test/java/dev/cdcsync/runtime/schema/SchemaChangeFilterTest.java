package dev.cdcsync.runtime.schema;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.Configuration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaChangeFilterTest {

  @Test
  void letsOnlyTableCreationThroughWhenTheSourceDisablesSchemaChanges() {
    SchemaChangeFilter filter =
        SchemaChangeFilter.of(
            Configuration.of(Map.of("schema-change.enabled", "false")), Configuration.of(Map.of()));

    assertThat(filter.included()).containsExactly(SchemaChangeKind.CREATE_TABLE);
  }

  @Test
  void followsTheSinkOptionsWhenTheSourceEnablesSchemaChanges() {
    SchemaChangeFilter filter =
        SchemaChangeFilter.of(
            Configuration.of(Map.of()), Configuration.of(Map.of("exclude.schema.changes", "drop")));

    assertThat(filter.included())
        .isEqualTo(
            EnumSet.complementOf(
                EnumSet.of(SchemaChangeKind.DROP_COLUMN, SchemaChangeKind.DROP_TABLE)));
  }
}
