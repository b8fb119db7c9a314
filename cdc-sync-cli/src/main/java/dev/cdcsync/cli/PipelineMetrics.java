package dev.cdcsync.cli;

import dev.cdcsync.api.TableId;
import dev.cdcsync.runtime.PipelineStatus;
import dev.cdcsync.runtime.PipelineStatus.LoadChunks;
import dev.cdcsync.runtime.PipelineStatus.TableStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's counters as Prometheus metrics ({@code cdc_sync_*}), plus the JVM's. Tables are
 * added as they appear; every value is read from {@link PipelineStatus} when scraped.
 */
final class PipelineMetrics implements AutoCloseable {

  private final PipelineStatus status;
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final Set<TableId> writtenTables = new HashSet<>();
  private final Set<String> committedTables = new HashSet<>();
  private final Set<TableId> estimatedTables = new HashSet<>();
  private final Set<TableId> chunkedTables = new HashSet<>();

  PipelineMetrics(String pipeline, PipelineStatus status) {
    this.status = status;
    registry.config().commonTags("pipeline", pipeline);
    FunctionCounter.builder("cdc_sync.changes.read", status, PipelineStatus::changesRead)
        .description("Changes read from the source")
        .register(registry);
    FunctionTimer.builder(
            "cdc_sync.checkpoint.commit",
            status,
            PipelineStatus::checkpointsCommitted,
            PipelineStatus::commitNanos,
            TimeUnit.NANOSECONDS)
        .description(
            "Checkpoints committed (record, table commits, acknowledgement) and the time they took")
        .register(registry);
    FunctionCounter.builder("cdc_sync.failures", status, PipelineStatus::failures)
        .description(
            "Failures of the pipeline (each is followed by a restart from the last checkpoint, or the end)")
        .register(registry);
    Gauge.builder("cdc_sync.checkpoint.id", status, PipelineStatus::lastCheckpointId)
        .description("The newest committed checkpoint")
        .register(registry);
    TimeGauge.builder(
            "cdc_sync.source.lag",
            status,
            TimeUnit.MILLISECONDS,
            s -> s.sourceLagMillis() < 0 ? Double.NaN : s.sourceLagMillis())
        .description("How far the last streamed change was behind its commit in the source")
        .register(registry);
    Gauge.builder("cdc_sync.snapshot.running", status, s -> s.snapshotting() ? 1 : 0)
        .description("1 while the source reads its snapshot")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** The metrics in Prometheus' text format. */
  synchronized String scrape() {
    for (TableId table : status.changesWritten().keySet()) {
      if (writtenTables.add(table)) {
        String name = table.toString();
        FunctionCounter.builder(
                "cdc_sync.table.changes.written", status, s -> s.changesWritten(table))
            .description("Changes handed to the sink table (committed at the next checkpoint)")
            .tag("table", name)
            .register(registry);
        FunctionCounter.builder("cdc_sync.table.snapshot.rows", status, s -> s.snapshotRows(table))
            .description("Snapshot rows handed to the sink table")
            .tag("table", name)
            .register(registry);
      }
    }
    for (TableId table : status.snapshotEstimates().keySet()) {
      if (estimatedTables.add(table)) {
        Gauge.builder(
                "cdc_sync.table.snapshot.rows.estimated",
                status,
                s -> s.snapshotEstimates().getOrDefault(table, 0L))
            .description(
                "The database's estimate of the sink table's snapshot rows (0 when it has none)")
            .tag("table", table.toString())
            .register(registry);
      }
    }
    for (TableId table : status.snapshotChunks().keySet()) {
      if (chunkedTables.add(table)) {
        Gauge.builder(
                "cdc_sync.table.snapshot.chunks.loaded",
                status,
                s -> chunks(s, table).chunksLoaded())
            .description("Chunks of the sink table's initial load read, earlier runs' included")
            .tag("table", table.toString())
            .register(registry);
        Gauge.builder(
                "cdc_sync.table.snapshot.chunks.expected",
                status,
                s -> chunks(s, table).chunksExpected())
            .description("About how many chunks the sink table's initial load has in all")
            .tag("table", table.toString())
            .register(registry);
        Gauge.builder(
                "cdc_sync.table.snapshot.rows.loaded.before",
                status,
                s -> chunks(s, table).rowsBefore())
            .description(
                "Rows of the sink table's initial load read by earlier runs (a resumed load)")
            .tag("table", table.toString())
            .register(registry);
      }
    }
    for (TableStatus table : status.tables()) {
      String name = table.sinkTable().toString();
      if (committedTables.add(name)) {
        FunctionCounter.builder(
                "cdc_sync.table.changes.committed",
                status,
                s -> committed(s, name).changesCommitted())
            .description("Changes committed to the sink table")
            .tag("table", name)
            .register(registry);
        TimeGauge.builder(
                "cdc_sync.table.commit.lag",
                status,
                TimeUnit.MILLISECONDS,
                s -> committed(s, name).lagMillis())
            .description(
                "At the table's last commit: how long ago its newest change was committed in the source")
            .tag("table", name)
            .register(registry);
        Gauge.builder(
                "cdc_sync.table.last.commit.timestamp",
                status,
                s -> committed(s, name).lastCommit().toEpochMilli() / 1000.0)
            .description("When the table was last committed (epoch seconds)")
            .tag("table", name)
            .baseUnit("seconds")
            .register(registry);
      }
    }
    return registry.scrape();
  }

  private static LoadChunks chunks(PipelineStatus status, TableId table) {
    return status.snapshotChunks().getOrDefault(table, new LoadChunks(0, 0, 0));
  }

  private static TableStatus committed(PipelineStatus status, String table) {
    return status.tables().stream()
        .filter(t -> t.sinkTable().toString().equals(table))
        .findFirst()
        .orElseThrow();
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
