package dev.cdcsync.cli;

import dev.cdcsync.api.TableId;
import dev.cdcsync.iceberg.IcebergTableReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cdc-sync demo}: an embedded PostgreSQL with a changing shop schema, replicated into a
 * local Iceberg warehouse until Ctrl-C.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Replicates an embedded PostgreSQL with changing sample tables into a local Iceberg warehouse.",
      "The database gets a stream of inserts, updates and deletes until Ctrl-C. No Docker, no install."
    })
final class DemoCommand implements java.util.concurrent.Callable<Integer> {

  @Option(
      names = "--warehouse",
      defaultValue = "demo-warehouse",
      description = "Warehouse directory; emptied first. Default: ${DEFAULT-VALUE}.")
  Path warehouse;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "Stop by itself after SECONDS (default: run until Ctrl-C).")
  Long durationSeconds;

  @Option(
      names = "--changes-per-second",
      defaultValue = "50",
      description =
          "Source transactions per second (each a few changes). Default: ${DEFAULT-VALUE}.")
  int transactionsPerSecond;

  @Override
  public Integer call() throws Exception {
    Path warehouseDirectory = warehouse.toAbsolutePath().normalize();
    Path work = warehouseDirectory.resolveSibling(".cdc-sync-demo");
    deleteRecursively(warehouseDirectory);
    Files.createDirectories(work);

    System.out.println("Starting an embedded PostgreSQL (first start unpacks its binaries)...");
    try (DemoDatabase database = DemoDatabase.start(work.resolve("postgres"))) {
      Path pipelineFile = work.resolve("pipeline.yaml");
      Files.writeString(pipelineFile, pipelineYaml(database.port(), warehouseDirectory));
      System.out.println(
          "PostgreSQL is up on 127.0.0.1:"
              + database.port()
              + " with database '"
              + DemoDatabase.DATABASE
              + "': customers 1,000 rows, products 200, orders 10,000.");
      System.out.println("The pipeline (" + pipelineFile + "):\n");
      System.out.println(Files.readString(pipelineFile).indent(4));

      PipelineProcess process = PipelineProcess.load(pipelineFile);
      AtomicBoolean workloadRunning = new AtomicBoolean(true);
      AtomicReference<Exception> workloadFailure = new AtomicReference<>();
      Thread workload =
          new Thread(
              () -> runWorkload(database, workloadRunning, workloadFailure), "demo-workload");
      CountDownLatch stopRequested = new CountDownLatch(1);
      Signals.onTerminate(stopRequested::countDown);

      AtomicReference<Exception> pipelineFailure = new AtomicReference<>();
      Thread pipeline =
          new Thread(
              () -> {
                try {
                  process.run(System.out, Duration.ofSeconds(2));
                } catch (Exception e) {
                  pipelineFailure.set(e);
                  stopRequested.countDown();
                }
              },
              "demo-pipeline");
      pipeline.start();
      workload.start();
      System.out.println("Replicating. Press Ctrl-C to stop.\n");
      if (durationSeconds != null) {
        stopRequested.await(durationSeconds, TimeUnit.SECONDS);
      } else {
        stopRequested.await();
      }

      workloadRunning.set(false);
      workload.join();
      if (pipelineFailure.get() == null) {
        System.out.println(
            "\nStopping: the workload has stopped; letting the pipeline catch up...");
        awaitCaughtUp(database.rowCounts(), warehouseDirectory);
        process.stop();
      }
      pipeline.join();
      if (pipelineFailure.get() != null) {
        return CommandFailures.report(pipelineFailure.get());
      }
      if (workloadFailure.get() != null) {
        return CommandFailures.report(workloadFailure.get());
      }
      return compare(database.rowCounts(), warehouseDirectory);
    }
  }

  private void runWorkload(
      DemoDatabase database, AtomicBoolean running, AtomicReference<Exception> failure) {
    long pauseNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, transactionsPerSecond);
    try (Connection connection = database.connect()) {
      while (running.get()) {
        database.applyChanges(connection);
        TimeUnit.NANOSECONDS.sleep(pauseNanos);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure.set(e);
    }
  }

  /**
   * Waits (at most 60 s) until the committed Iceberg tables hold as many rows as the source's:
   * "nothing new read for a while" was no sign of it on a busy machine, where the hand-over from
   * snapshot to stream can pause longer, and the demo then reported tables DIFFERENT.
   */
  private static void awaitCaughtUp(Map<String, Long> sourceCounts, Path warehouse)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline
        && !icebergCounts(sourceCounts.keySet(), warehouse).equals(sourceCounts)) {
      Thread.sleep(1_000);
    }
  }

  /** The committed rows of each table; a table not created yet is left out. */
  private static Map<String, Long> icebergCounts(Set<String> tables, Path warehouse) {
    Map<String, Long> counts = new HashMap<>();
    for (String table : tables) {
      try {
        counts.put(table, icebergRows(warehouse, table));
      } catch (RuntimeException e) {
        // not created yet, or read while a commit replaced its metadata: asked again
      }
    }
    return counts;
  }

  private static long icebergRows(Path warehouse, String table) {
    return IcebergTableReader.read(
            IcebergTableReader.hadoopWarehouse(warehouse.toUri().toString()),
            TableId.of("public", table),
            0)
        .totalRows();
  }

  private static int compare(Map<String, Long> sourceCounts, Path warehouse) {
    System.out.println("\nSource rows vs. Iceberg rows (read back with Iceberg's reader):");
    boolean allEqual = true;
    for (Map.Entry<String, Long> entry : sourceCounts.entrySet()) {
      long iceberg = icebergRows(warehouse, entry.getKey());
      boolean equal = iceberg == entry.getValue();
      allEqual &= equal;
      System.out.printf(
          "  public.%-10s source %,8d   iceberg %,8d   %s%n",
          entry.getKey(), entry.getValue(), iceberg, equal ? "equal" : "DIFFERENT");
    }
    System.out.println("\nLook at the tables:  ./cdc-sync show " + warehouse + " public.orders");
    return allEqual ? ExitCodes.OK : ExitCodes.RUNTIME_FAILURE;
  }

  static String pipelineYaml(int port, Path warehouse) {
    return String.join(
        "\n",
        "source:",
        "  type: postgres",
        "  hostname: 127.0.0.1",
        "  port: " + port,
        "  username: " + DemoDatabase.USER,
        "  password: ${DEMO_PG_PASSWORD:-" + DemoDatabase.PASSWORD + "}",
        "  tables: " + DemoDatabase.DATABASE + ".public.\\.*",
        "  slot.name: cdc_sync_demo",
        "sink:",
        "  type: iceberg",
        "  catalog.properties.type: hadoop",
        "  catalog.properties.warehouse: " + warehouse.toUri(),
        "pipeline:",
        "  name: demo",
        "  checkpoint.interval: 2s",
        "");
  }

  private static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
