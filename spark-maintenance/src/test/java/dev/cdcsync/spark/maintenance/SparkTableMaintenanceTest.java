package dev.cdcsync.spark.maintenance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SparkTableMaintenanceTest {

  @Test
  void defaultsKeepADayOfSnapshotsAndAWeekOfOrphans() {
    SparkTableMaintenance.Settings settings = SparkTableMaintenance.parse("--catalog", "lake");
    assertThat(settings.expireOlderThan()).isEqualTo(Duration.ofDays(1));
    assertThat(settings.retainLast()).isEqualTo(10);
    assertThat(settings.removeOrphansOlderThan()).isEqualTo(Duration.ofDays(7));
    assertThat(settings.rewriteOptions())
        .containsEntry("partial-progress.enabled", "true")
        .containsEntry("delete-file-threshold", "1");
    assertThat(
            SparkTableMaintenance.parse(
                    "--catalog", "lake",
                    "--remove-orphans-older-than", "off",
                    "--rewrite-option", "delete-file-threshold=4")
                .rewriteOptions())
        .containsEntry("delete-file-threshold", "4");
  }

  @Test
  void refusesAnOrphanAgeBelowADayAndNamesBadArguments() {
    assertThatThrownBy(
            () ->
                SparkTableMaintenance.parse(
                    "--catalog", "lake", "--remove-orphans-older-than", "2h"))
        .hasMessageContaining("--remove-orphans-older-than 2h is shorter than a day");
    assertThatThrownBy(() -> SparkTableMaintenance.parse("--tables", ".*"))
        .hasMessageContaining("--catalog is required");
    assertThatThrownBy(() -> SparkTableMaintenance.parse("--catalog", "lake", "--retain-last", "0"))
        .hasMessageContaining("--retain-last takes a whole number above 0, not '0'");
    assertThatThrownBy(() -> SparkTableMaintenance.parse("--catalog", "lake", "--expire", "1d"))
        .hasMessageContaining("unknown argument --expire");
  }
}
