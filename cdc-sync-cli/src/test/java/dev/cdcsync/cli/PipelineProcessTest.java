package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ChangeHandler;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.PreflightCheck;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.Source;
import dev.cdcsync.api.SourceAcknowledger;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.api.SourcePosition;
import dev.cdcsync.api.TableId;
import dev.cdcsync.iceberg.IcebergSinkFactory;
import dev.cdcsync.runtime.definition.PipelineDefinition;
import dev.cdcsync.runtime.definition.PipelineDefinitionParser;
import dev.cdcsync.runtime.definition.PipelineLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/** The restart loop: what counts as progress between failures that may pass. */
class PipelineProcessTest {

  private static final TableId ITEMS = TableId.of("shop", "public", "items");
  private static final Schema SCHEMA =
      Schema.of(List.of(Column.of("id", DataTypeRoot.BIGINT)), List.of("id"));

  @TempDir Path directory;

  /**
   * Each attempt reads the same changes again and fails before a checkpoint commits them, as a
   * snapshot that fails on a late row does: rereading is no progress, so the attempts run out
   * (counting changes read restarted such a pipeline forever).
   */
  @Test
  @Timeout(value = 120, threadMode = ThreadMode.SEPARATE_THREAD)
  void endsAfterEightAttemptsThatReadChangesAgainButCommitNothing() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    PipelineProcess process = process(new FailingAfterReadingSourceFactory(attempts));

    assertThatThrownBy(
            () ->
                process.run(
                    new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    Duration.ZERO))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot read changes: connection reset");
    assertThat(attempts).hasValue(PipelineProcess.MAX_ATTEMPTS_WITHOUT_PROGRESS);
    assertThat(process.status().changesRead())
        .isEqualTo(3L * PipelineProcess.MAX_ATTEMPTS_WITHOUT_PROGRESS);
  }

  private PipelineProcess process(SourceFactory sourceFactory) throws Exception {
    Path file = directory.resolve("retry.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "source:",
            "  type: failing-after-reading",
            "sink:",
            "  type: iceberg",
            "  catalog.properties.type: hadoop",
            "  catalog.properties.warehouse: " + directory.resolve("warehouse").toUri(),
            "pipeline:",
            "  checkpoint.interval: 1h",
            ""));
    PipelineDefinition definition = new PipelineDefinitionParser(name -> null).parse(file);
    PipelineLoader loader =
        new PipelineLoader(List.of(sourceFactory), List.of(new IcebergSinkFactory()));
    return PipelineProcess.of(loader.load(definition, "retry"), Duration.ofMillis(1));
  }

  /** Reads three rows from the beginning each time, then loses its connection. */
  private record FailingAfterReadingSourceFactory(AtomicInteger attempts) implements SourceFactory {

    @Override
    public String type() {
      return "failing-after-reading";
    }

    @Override
    public List<ConfigOption<?>> options() {
      return List.of();
    }

    @Override
    public String tableIdFormat() {
      return "database.schema.table";
    }

    @Override
    public List<PreflightCheck> check(Configuration options, PipelineContext context) {
      return List.of();
    }

    @Override
    public Source create(Configuration options, PipelineContext context) {
      return new Source() {
        @Override
        public void run(ChangeHandler handler, Optional<SourcePosition> startAfter)
            throws Exception {
          attempts.incrementAndGet();
          List<DataChangeEvent> rows =
              List.of(1L, 2L, 3L).stream()
                  .map(id -> DataChangeEvent.read(ITEMS, SCHEMA, new Object[] {id}, 0))
                  .toList();
          handler.handle(
              rows,
              new SourceAcknowledger() {
                @Override
                public void acknowledge() {}

                @Override
                public SourcePosition position() {
                  return new SourcePosition(Map.of("row", "3"), "row 3");
                }

                @Override
                public boolean isTransactionBoundary() {
                  return false;
                }
              });
          throw new IllegalStateException("Cannot read changes: connection reset");
        }

        @Override
        public void close() {}
      };
    }
  }
}
