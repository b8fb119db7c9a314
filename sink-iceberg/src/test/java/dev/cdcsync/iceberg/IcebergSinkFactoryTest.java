package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.ConfigOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IcebergSinkFactoryTest {

  @Test
  void pinsEveryDefaultAndDescribesEveryOption() {
    Map<String, Object> defaults = new LinkedHashMap<>();
    for (ConfigOption<?> option : new IcebergSinkFactory().options()) {
      assertThat(option.description()).as(option.key()).isNotBlank();
      defaults.put(option.key(), option.defaultValue().orElse(null));
    }
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("catalog.properties.type", null);
    expected.put("catalog.properties.catalog-impl", null);
    expected.put("catalog.properties.warehouse", null);
    expected.put("catalog.name", "cdc_sync");
    expected.put("write.mode", WriteMode.UPSERT);
    expected.put("maintenance.enabled", true);
    expected.put("maintenance.interval", Duration.ofHours(1));
    expected.put("maintenance.snapshot.max-age", Duration.ofDays(1));
    expected.put("maintenance.snapshot.min-count", 10);
    expected.put("partition.key", new IcebergPartitionKeys(Map.of()));
    expected.put("sink.compaction.enabled", false);
    expected.put("sink.compaction.commit.interval", 10);
    expected.put("sink.compaction.commit.parallelism", -1);
    expected.put("job.id.prefix", "cdc");
    assertThat(defaults).containsExactlyEntriesOf(expected);
  }

  @Test
  void acceptsFlinkCdcsCompactionAndJobOptionsWithoutEffect() {
    assertThat(new IcebergSinkFactory().options())
        .filteredOn(option -> option.noEffectReason().isPresent())
        .extracting(ConfigOption::key)
        .containsExactly(
            "sink.compaction.enabled",
            "sink.compaction.commit.interval",
            "sink.compaction.commit.parallelism",
            "job.id.prefix");
  }
}
