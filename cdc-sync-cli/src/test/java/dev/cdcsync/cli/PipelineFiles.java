package dev.cdcsync.cli;

import dev.cdcsync.testing.TestDatabaseServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes pipeline files for tests. */
final class PipelineFiles {

  private PipelineFiles() {}

  /**
   * A pipeline from {@code server}'s {@code database} into a hadoop warehouse.
   *
   * @param extraSourceLines source options beyond the connection, e.g. tables and slot name
   */
  static Path write(
      Path directory,
      TestDatabaseServer server,
      String name,
      List<String> extraSourceLines,
      Path warehouse,
      String interval)
      throws Exception {
    return write(directory, server, name, extraSourceLines, warehouse, interval, List.of());
  }

  /** The same, with more pipeline options as YAML lines. */
  static Path write(
      Path directory,
      TestDatabaseServer server,
      String name,
      List<String> extraSourceLines,
      Path warehouse,
      String interval,
      List<String> extraPipelineLines)
      throws Exception {
    return write(
        directory.resolve(name + ".yaml"),
        server,
        server.username(),
        server.password(),
        name,
        extraSourceLines,
        warehouse,
        interval,
        extraPipelineLines);
  }

  /**
   * A pipeline into {@code file}, connecting as {@code username}; {@code password} is written as
   * it is, so it may be a {@code ${VARIABLE}}.
   */
  static Path write(
      Path file,
      TestDatabaseServer server,
      String username,
      String password,
      String name,
      List<String> extraSourceLines,
      Path warehouse,
      String interval,
      List<String> extraPipelineLines)
      throws Exception {
    return writeWithSink(
        file,
        server,
        username,
        password,
        name,
        extraSourceLines,
        hadoopSink(warehouse),
        interval,
        extraPipelineLines);
  }

  /** A pipeline into {@code file} whose sink (after {@code type: iceberg}) is {@code sinkLines}. */
  static Path writeWithSink(
      Path file,
      TestDatabaseServer server,
      String username,
      String password,
      String name,
      List<String> extraSourceLines,
      List<String> sinkLines,
      String interval,
      List<String> extraPipelineLines)
      throws Exception {
    List<String> lines = new ArrayList<>();
    lines.add("source:");
    lines.add("  type: " + server.sourceType());
    lines.add("  hostname: " + server.host());
    lines.add("  port: " + server.port());
    lines.add("  username: " + username);
    lines.add("  password: " + password);
    extraSourceLines.forEach(line -> lines.add("  " + line));
    lines.add("sink:");
    lines.add("  type: iceberg");
    sinkLines.forEach(line -> lines.add("  " + line));
    lines.add("pipeline:");
    lines.add("  name: " + name);
    lines.add("  checkpoint.interval: " + interval);
    extraPipelineLines.forEach(line -> lines.add("  " + line));
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  /** The sink options of a hadoop catalog in {@code warehouse}. */
  static List<String> hadoopSink(Path warehouse) {
    return List.of(
        "catalog.properties.type: hadoop", "catalog.properties.warehouse: " + warehouse.toUri());
  }

  static List<String> postgresTables(String database) {
    return List.of("tables: " + database + ".public.\\.*", "slot.name: slot_" + database);
  }

  static List<String> binlogTables(String database, int serverId) {
    return List.of("tables: " + database + ".\\.*", "server-id: " + serverId);
  }
}
