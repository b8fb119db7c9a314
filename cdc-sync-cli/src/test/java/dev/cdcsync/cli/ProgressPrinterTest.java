package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.PipelineStatus;
import dev.cdcsync.runtime.PipelineStatus.LoadChunks;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

  private static final TableId ORDERS = TableId.of("public", "orders");
  private static final TableId ITEMS = TableId.of("public", "items");

  @Test
  void showsEachTablesSnapshotRowsAgainstTheEstimateWithAnEta() {
    PipelineStatus status = new PipelineStatus();
    status.recordSnapshotStarting(
        Map.of(ORDERS, 1_000L, ITEMS, 0L), System.currentTimeMillis() - 10_000);
    for (int i = 0; i < 250; i++) {
      status.recordWritten(ORDERS, true);
    }
    status.recordWritten(ITEMS, true);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    new ProgressPrinter(
            status, new PrintStream(bytes, true, StandardCharsets.UTF_8), Duration.ofSeconds(1))
        .printNow();

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(printed).containsPattern("snapshot: 251 rows in 1[01]s \\(2[0-9] rows/s\\)");
    assertThat(printed)
        .containsPattern(
            "public.orders +250 rows of ~1,000 \\(25 %, ETA [0-9.]+s|public.orders +250 rows of ~1,000 \\(25 %, ETA [0-9]+m[0-9]{2}s");
    assertThat(printed).containsPattern("public.items +1 rows\\n");
  }

  @Test
  void aResumedChunkedLoadCountsTheRowsOfEarlierRunsAndShowsItsChunks() {
    PipelineStatus status = new PipelineStatus();
    status.recordSnapshotStarting(Map.of(ORDERS, 1_000L), System.currentTimeMillis() - 10_000);
    status.recordSnapshotChunks(ORDERS, List.of(ORDERS), new LoadChunks(600, 6, 10));
    for (int i = 0; i < 100; i++) {
      status.recordWritten(ORDERS, true);
    }
    status.recordSnapshotChunks(ORDERS, List.of(ORDERS), new LoadChunks(600, 7, 10));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    new ProgressPrinter(
            status, new PrintStream(bytes, true, StandardCharsets.UTF_8), Duration.ofSeconds(1))
        .printNow();

    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertThat(printed)
        .containsPattern(
            "snapshot: 700 rows \\(600 of them loaded before a restart\\) in 1[01]s \\([0-9]+ rows/s\\)");
    assertThat(printed)
        .containsPattern(
            "public.orders +700 rows of ~1,000 \\(70 %, ETA [0-9.]+s\\), 7 of ~10 chunks");
  }
}
