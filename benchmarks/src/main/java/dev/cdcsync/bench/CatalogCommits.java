package dev.cdcsync.bench;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableId;
import dev.cdcsync.iceberg.IcebergSinkFactory;
import dev.cdcsync.testing.TestDatabaseServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How many table commits per second one catalog takes from several pipelines at once: each
 * "pipeline" is cdc-sync's Iceberg sink in this JVM, writing one row into each of its tables and
 * committing them per checkpoint, as a pipeline whose every table changes in every interval does.
 * All pipelines write into one namespace. Catalogs: a JDBC catalog in a PostgreSQL server started
 * here, and a hadoop catalog (no database; the file system's rename) as the reference.
 */
@Command(
    name = "catalog-commits",
    mixinStandardHelpOptions = true,
    description =
        "Table commits per second into one catalog from several pipelines at once (cdc-sync's"
            + " Iceberg sink, one row per table per checkpoint), JDBC catalog on PostgreSQL and"
            + " hadoop catalog. Prints a result table on stdout.")
final class CatalogCommits implements Callable<Integer> {

  enum CatalogKind {
    JDBC,
    HADOOP
  }

  @Option(
      names = "--catalogs",
      split = ",",
      defaultValue = "jdbc,hadoop",
      paramLabel = "LIST",
      description = "Any of jdbc,hadoop. Default: ${DEFAULT-VALUE}.")
  List<CatalogKind> catalogs;

  @Option(
      names = "--pipelines",
      split = ",",
      defaultValue = "1,2,4",
      paramLabel = "LIST",
      description = "Numbers of pipelines committing at once. Default: ${DEFAULT-VALUE}.")
  List<Integer> pipelines;

  @Option(
      names = "--tables",
      defaultValue = "100",
      paramLabel = "N",
      description = "Tables per pipeline. Default: ${DEFAULT-VALUE}.")
  int tables;

  @Option(
      names = "--checkpoints",
      defaultValue = "10",
      paramLabel = "N",
      description =
          "Checkpoints each pipeline commits after the one that creates its tables. Default:"
              + " ${DEFAULT-VALUE}.")
  int checkpoints;

  private static final Schema SCHEMA =
      Schema.of(
          List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("note", DataTypeRoot.STRING)),
          List.of("id"));

  /** One measured run: {@code pipelines} at once, each committing its tables per checkpoint. */
  record Result(
      CatalogKind catalog,
      int pipelines,
      int tablesEach,
      long tableCommits,
      double seconds,
      List<Double> checkpointMillis) {

    double commitsPerSecond() {
      return tableCommits / seconds;
    }

    double percentile(double fraction) {
      List<Double> sorted = checkpointMillis.stream().sorted().toList();
      return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(fraction * sorted.size())));
    }
  }

  @Override
  public Integer call() throws Exception {
    List<Result> results = new ArrayList<>();
    try (Workspace workspace = Workspace.create()) {
      // The server stops with the JVM, as in the other scenarios.
      BenchDatabase postgres = null;
      for (CatalogKind catalog : catalogs) {
        if (catalog == CatalogKind.JDBC && postgres == null) {
          Progress.say("starting PostgreSQL for the JDBC catalog");
          postgres = BenchDatabase.start(BenchDatabase.Kind.POSTGRES);
        }
        for (int count : pipelines) {
          Path warehouse = workspace.directory().resolve(catalog + "-" + count);
          Map<String, String> options = catalogOptions(catalog, postgres, warehouse, count);
          Progress.say(
              String.format(
                  Locale.ROOT,
                  "%s catalog: %d pipelines x %d tables x %d checkpoints",
                  catalog.name().toLowerCase(Locale.ROOT),
                  count,
                  tables,
                  checkpoints));
          results.add(run(catalog, count, options, warehouse));
        }
      }
    }
    System.out.println();
    System.out.printf(
        "%-8s %9s %13s %14s %22s %22s%n",
        "catalog",
        "pipelines",
        "tables each",
        "commits/s",
        "checkpoint commit p50",
        "checkpoint commit p95");
    for (Result result : results) {
      System.out.printf(
          Locale.ROOT,
          "%-8s %9d %13d %14.0f %19.0f ms %19.0f ms%n",
          result.catalog().name().toLowerCase(Locale.ROOT),
          result.pipelines(),
          result.tablesEach(),
          result.commitsPerSecond(),
          result.percentile(0.5),
          result.percentile(0.95));
    }
    System.out.println();
    System.out.println(
        "commits/s: table commits of all pipelines per second of wall time (a checkpoint writes one"
            + " row per table, prepares and commits), the checkpoints that"
            + " create the tables left out. checkpoint commit: one pipeline's commit of all its"
            + " tables (cdc-sync commits up to 8 tables at once).");
    return 0;
  }

  private Map<String, String> catalogOptions(
      CatalogKind catalog, BenchDatabase postgres, Path warehouse, int count) throws Exception {
    Map<String, String> options = new HashMap<>();
    options.put("catalog.properties.warehouse", warehouse.toUri().toString());
    options.put("maintenance.enabled", "false");
    if (catalog == CatalogKind.HADOOP) {
      options.put("catalog.properties.type", "hadoop");
      return options;
    }
    TestDatabaseServer server = postgres.server();
    String database = "catalog_" + count;
    server.createDatabase(database);
    options.put("catalog.properties.type", "jdbc");
    options.put(
        "catalog.properties.uri",
        "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + database);
    options.put("catalog.properties.jdbc.user", server.username());
    options.put("catalog.properties.jdbc.password", server.password());
    options.put("catalog.name", "bench");
    return options;
  }

  private Result run(CatalogKind catalog, int count, Map<String, String> options, Path warehouse)
      throws Exception {
    Configuration configuration = Configuration.of(options);
    IcebergSinkFactory factory = new IcebergSinkFactory();
    List<Sink> sinks = new ArrayList<>();
    for (int pipeline = 0; pipeline < count; pipeline++) {
      Path state = warehouse.resolve(".state-" + pipeline);
      sinks.add(
          factory.create(
              configuration,
              new PipelineContext(
                  "bench-" + pipeline,
                  state,
                  factory.openStateStorage(configuration, state.toUri().toString()))));
    }
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try {
      // The first checkpoint creates each pipeline's tables, all at once.
      await(submit(threads, sinks, 0, 1));
      long start = System.nanoTime();
      List<Double> checkpointMillis = await(submit(threads, sinks, 1, checkpoints));
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Result(
          catalog, count, tables, (long) count * tables * checkpoints, seconds, checkpointMillis);
    } finally {
      threads.shutdownNow();
      for (Sink sink : sinks) {
        sink.close();
      }
    }
  }

  private List<Future<List<Double>>> submit(
      ExecutorService threads, List<Sink> sinks, int firstCheckpoint, int checkpointCount) {
    List<Future<List<Double>>> futures = new ArrayList<>();
    for (int pipeline = 0; pipeline < sinks.size(); pipeline++) {
      Sink sink = sinks.get(pipeline);
      String name = "bench-" + pipeline;
      int pipelineIndex = pipeline;
      futures.add(
          threads.submit(
              () -> {
                List<Double> millis = new ArrayList<>();
                long sequence = (long) firstCheckpoint * tables;
                for (int i = 0; i < checkpointCount; i++) {
                  long checkpoint = firstCheckpoint + i + 1;
                  for (int table = 0; table < tables; table++) {
                    TableId source = TableId.of("source", "public", "t" + table);
                    TableId sinkTable = TableId.of("bench", "p" + pipelineIndex + "_t" + table);
                    Object[] row = {checkpoint, "checkpoint " + checkpoint};
                    sink.write(
                        sinkTable, DataChangeEvent.insert(source, SCHEMA, row, 0), sequence++);
                  }
                  Map<TableId, byte[]> prepared = sink.prepareCommit();
                  long start = System.nanoTime();
                  sink.commit(new Checkpoint(checkpoint, name, 1, "bench"), prepared);
                  millis.add((System.nanoTime() - start) / 1e6);
                }
                return millis;
              }));
    }
    return futures;
  }

  private static List<Double> await(List<Future<List<Double>>> futures) throws Exception {
    List<Double> all = new ArrayList<>();
    for (Future<List<Double>> future : futures) {
      all.addAll(future.get());
    }
    return all;
  }
}
