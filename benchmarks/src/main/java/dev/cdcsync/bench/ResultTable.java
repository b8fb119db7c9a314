package dev.cdcsync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/** The results as an aligned text table (stdout) or a Markdown table (--out). */
final class ResultTable {

  private record Column(String title, boolean numeric, Function<ScenarioResult, String> value) {}

  private static final List<Column> COLUMNS =
      List.of(
          new Column("db", false, ScenarioResult::database),
          new Column("mode", false, ScenarioResult::mode),
          new Column("scenario", false, ScenarioResult::scenario),
          new Column(
              "events", true, r -> r.throughput().map(t -> format("%,d", t.events())).orElse("-")),
          new Column(
              "s", true, r -> r.throughput().map(t -> format("%.1f", t.seconds())).orElse("-")),
          new Column(
              "events/s",
              true,
              r -> r.throughput().map(t -> format("%,.0f", t.rate())).orElse("-")),
          new Column(
              "s w/o JVM",
              true,
              r -> optional(r.throughput().map(t -> t.secondsWithoutJvmStart()), "%.1f")),
          new Column(
              "events/s w/o JVM",
              true,
              r -> optional(r.throughput().map(t -> t.rateWithoutJvmStart()), "%,.0f")),
          new Column("baseline/s", true, r -> optional(Optional.of(r.baselineRate()), "%,.0f")),
          new Column("ratio", true, r -> optional(Optional.of(r.ratioToBaseline()), "%.2f")),
          new Column(
              "p50 ms", true, r -> r.latency().map(l -> format("%.0f", l.p50Millis())).orElse("-")),
          new Column(
              "p99 ms", true, r -> r.latency().map(l -> format("%.0f", l.p99Millis())).orElse("-")),
          new Column(
              "CPU µs/event",
              true,
              r -> r.resources().map(u -> format("%.1f", u.cpuMicrosPerEvent())).orElse("-")),
          new Column(
              "own CPU µs/event",
              true,
              r -> optional(r.resources().map(ResourceUsage::ownCpuMicrosPerEvent), "%.1f")),
          new Column(
              "peak RSS MB",
              true,
              r -> optional(r.resources().map(ResourceUsage::peakRssMegabytes), "%.0f")),
          new Column(
              "peak heap MB",
              true,
              r -> optional(r.resources().map(ResourceUsage::peakHeapMegabytes), "%.0f")),
          new Column("check", false, r -> r.check().label()));

  private final List<ScenarioResult> results;

  ResultTable(List<ScenarioResult> results) {
    this.results = List.copyOf(results);
  }

  boolean allPassed() {
    return results.stream().allMatch(result -> result.check().passed());
  }

  String asText() {
    int[] widths = new int[COLUMNS.size()];
    for (int c = 0; c < COLUMNS.size(); c++) {
      widths[c] = COLUMNS.get(c).title().length();
      for (ScenarioResult result : results) {
        widths[c] = Math.max(widths[c], COLUMNS.get(c).value().apply(result).length());
      }
    }
    StringBuilder text = new StringBuilder();
    List<String> titles = COLUMNS.stream().map(Column::title).toList();
    appendAligned(text, titles, widths);
    List<String> rule = new ArrayList<>();
    for (int width : widths) {
      rule.add("-".repeat(width));
    }
    appendAligned(text, rule, widths);
    for (ScenarioResult result : results) {
      appendAligned(
          text, COLUMNS.stream().map(column -> column.value().apply(result)).toList(), widths);
    }
    return text + failures();
  }

  String asMarkdown() {
    StringBuilder text = new StringBuilder();
    text.append("| ")
        .append(String.join(" | ", COLUMNS.stream().map(Column::title).toList()))
        .append(" |\n");
    text.append("|")
        .append(
            String.join(
                "|", COLUMNS.stream().map(column -> column.numeric() ? "---:" : ":---").toList()))
        .append("|\n");
    for (ScenarioResult result : results) {
      text.append("| ")
          .append(
              String.join(
                  " | ", COLUMNS.stream().map(column -> column.value().apply(result)).toList()))
          .append(" |\n");
    }
    return text + failures();
  }

  /** What went wrong in each failed line, below the table. */
  private String failures() {
    StringBuilder text = new StringBuilder();
    for (ScenarioResult result : results) {
      if (!result.check().passed()) {
        if (text.length() == 0) {
          text.append("\nFailures:\n");
        }
        text.append("- ")
            .append(result.database())
            .append(' ')
            .append(result.mode())
            .append(' ')
            .append(result.scenario())
            .append(": ")
            .append(result.check().detail())
            .append('\n');
      }
    }
    return text.toString();
  }

  private static void appendAligned(StringBuilder text, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String padding = " ".repeat(widths[c] - cell.length());
      line.append(c == 0 ? "" : "  ")
          .append(COLUMNS.get(c).numeric() ? padding + cell : cell + padding);
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }

  private static String optional(Optional<OptionalDouble> value, String pattern) {
    return value
        .filter(OptionalDouble::isPresent)
        .map(v -> format(pattern, v.getAsDouble()))
        .orElse("-");
  }

  private static String format(String pattern, Object... arguments) {
    return String.format(Locale.ROOT, pattern, arguments);
  }
}
