package dev.cdcsync.bench;

import dev.cdcsync.iceberg.WriteMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A pipeline file as an operator would write it: the database, a local Hadoop-catalog warehouse,
 * a write mode, a short checkpoint interval and optionally transform rules. The password stays out
 * of the file, in {@link #PASSWORD_VARIABLE}.
 */
record PipelineFile(Path path, String name, Map<String, String> environment) {

  static final String PASSWORD_VARIABLE = "CDC_SYNC_BENCH_PASSWORD";
  static final String CHECKPOINT_INTERVAL = "1s";
  static final String TRANSFORM_PROJECTION =
      "\\*, UPPER(label) AS label_upper, price * quantity AS total";
  static final String TRANSFORM_FILTER = "id > 0";

  PipelineFile {
    java.util.Objects.requireNonNull(path, "path");
    java.util.Objects.requireNonNull(name, "name");
    environment = Map.copyOf(environment);
  }

  static PipelineFile write(
      Path directory,
      String name,
      BenchDatabase database,
      List<String> sourceLines,
      Path warehouse,
      WriteMode mode)
      throws IOException {
    return write(directory, name, database, sourceLines, warehouse, mode, List.of());
  }

  /**
   * Writes a pipeline file with the given top-level lines after the sink, e.g. from
   * {@link #ruleLines}.
   */
  static PipelineFile write(
      Path directory,
      String name,
      BenchDatabase database,
      List<String> sourceLines,
      Path warehouse,
      WriteMode mode,
      List<String> ruleLines)
      throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("source:");
    lines.add("  type: " + database.type());
    lines.add("  hostname: " + database.server().host());
    lines.add("  port: " + database.server().port());
    lines.add("  username: " + database.server().username());
    lines.add("  password: ${" + PASSWORD_VARIABLE + "}");
    sourceLines.forEach(line -> lines.add("  " + line));
    lines.add("sink:");
    lines.add("  type: iceberg");
    lines.add("  catalog.properties.type: hadoop");
    lines.add("  catalog.properties.warehouse: " + warehouse.toUri());
    lines.add("  write.mode: " + mode.name().toLowerCase(Locale.ROOT));
    lines.addAll(ruleLines);
    lines.add("pipeline:");
    lines.add("  name: " + name);
    lines.add("  checkpoint.interval: " + CHECKPOINT_INTERVAL);
    Files.createDirectories(directory);
    Path path = directory.resolve(name + ".yaml");
    Files.writeString(path, String.join("\n", lines) + "\n");
    return new PipelineFile(path, name, Map.of(PASSWORD_VARIABLE, database.server().password()));
  }

  /**
   * The transform rule on the benchmark table, or none: with {@code --transform} every column plus
   * two computed ones, and a filter every row passes, so that the checks still compare all rows;
   * with {@code --format-version}, the Iceberg format version of the table cdc-sync creates.
   */
  static List<String> ruleLines(String sourceTable, boolean transform, Integer formatVersion) {
    if (!transform && formatVersion == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>(List.of("transform:", "  - source-table: " + sourceTable));
    if (transform) {
      lines.add("    projection: " + TRANSFORM_PROJECTION);
      lines.add("    filter: " + TRANSFORM_FILTER);
    }
    if (formatVersion != null) {
      lines.add("    table-options: format-version=" + formatVersion);
    }
    return lines;
  }
}
