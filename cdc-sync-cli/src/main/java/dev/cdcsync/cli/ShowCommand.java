package dev.cdcsync.cli;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.iceberg.IcebergTableReader;
import dev.cdcsync.iceberg.IcebergTableReader.TableContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cdc-sync show WHERE TABLE}: prints a sink table's rows. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = "Prints the rows of an Iceberg table, read with Iceberg's own reader.")
final class ShowCommand implements Callable<Integer> {

  @Parameters(
      index = "0",
      paramLabel = "PIPELINE_FILE|WAREHOUSE_DIR",
      description =
          "A pipeline file (its sink's catalog is used) or a local warehouse directory (hadoop catalog).")
  Path where;

  @Parameters(index = "1", paramLabel = "TABLE", description = "The table, e.g. public.orders.")
  String table;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "Rows to print (0 or more). Default: ${DEFAULT-VALUE}.")
  int limit;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    if (limit < 0) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--limit': expected 0 or more but got " + limit);
    }
    if (!Files.exists(where)) {
      return CommandFailures.report(
          new ConfigurationException(
              "Cannot show table "
                  + table
                  + ": there is no pipeline file or warehouse directory at "
                  + where.toAbsolutePath()));
    }
    try {
      Configuration sinkOptions =
          Files.isDirectory(where)
              ? IcebergTableReader.hadoopWarehouse(where.toAbsolutePath().toUri().toString())
              : PipelineProcess.load(where).pipeline().sinkOptions();
      TableContents contents = IcebergTableReader.read(sinkOptions, TableId.parse(table), limit);
      print(contents);
      return ExitCodes.OK;
    } catch (RuntimeException e) {
      return CommandFailures.report(e);
    }
  }

  private void print(TableContents contents) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(contents.columns());
    lines.addAll(contents.rows());
    int[] widths = new int[contents.columns().size()];
    for (List<String> line : lines) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.min(40, Math.max(widths[i], line.get(i).length()));
      }
    }
    for (int l = 0; l < lines.size(); l++) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        String value = lines.get(l).get(i);
        if (value.length() > widths[i]) {
          value = value.substring(0, widths[i] - 1) + "…";
        }
        text.append(i == 0 ? "" : " | ").append(String.format("%-" + widths[i] + "s", value));
      }
      System.out.println(text.toString().stripTrailing());
      if (l == 0) {
        System.out.println("-".repeat(text.length()));
      }
    }
    System.out.printf(
        "(%d of %,d rows; checkpoint %s)%n",
        contents.rows().size(),
        contents.totalRows(),
        contents.summary().getOrDefault("cdc-sync.checkpoint-id", "-"));
  }
}
