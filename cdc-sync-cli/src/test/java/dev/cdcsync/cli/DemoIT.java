package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cdc-sync demo}, as the README runs it, for a few seconds. */
class DemoIT {

  @TempDir Path work;

  @Test
  void replicatesTheDemoShopAndFindsSourceAndIcebergEqual() throws Exception {
    try (CdcSyncProcess demo = CdcSyncProcess.start(work, Map.of(), "demo", "--duration", "8")) {
      assertThat(demo.waitFor(180)).as(demo.describe()).isEqualTo(ExitCodes.OK);
      assertThat(demo.output())
          .contains("PostgreSQL is up on 127.0.0.1:")
          .containsPattern("checkpoint \\d+, [\\d,]+ changes read")
          .containsPattern(
              "public\\.orders +[\\d,]+ changes +last commit \\d\\d:\\d\\d:\\d\\d +lag \\d+\\.\\ds")
          .containsPattern("public\\.customers +source +1,000 +iceberg +1,000 +equal")
          .containsPattern("public\\.orders +source +([\\d,]+) +iceberg +\\1 +equal")
          .contains("./cdc-sync show " + work.resolve("demo-warehouse") + " public.orders");
      // INFO lines are for people: checkpoints, changes, tables, time; source offsets stay at
      // DEBUG.
      assertThat(demo.output() + demo.errors())
          .containsPattern(
              "Checkpoint \\d+ committed \\d+ changes to \\d+ table\\(s\\) in \\d+ ms\n")
          .doesNotContain("lsn_proc")
          .doesNotContain("\"lsn\"")
          .doesNotContain("source position");
    }
    Map<Object, Map<String, Object>> products =
        IcebergRows.rows(work.resolve("demo-warehouse"), "public", "products", "id");
    assertThat(products).hasSize(200);
  }
}
