package dev.cdcsync.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Table selections in Flink CDC syntax: a comma-separated list of patterns whose parts are
 * separated by {@code .}; each part is a regular expression in which {@code \.} stands for the
 * regex {@code .} (any character). Example: {@code shop.public.order_\.*, shop.public.customers}.
 */
public final class TablePatterns {

  /** One pattern, split into its parts (each a regex). */
  public record TablePattern(List<String> parts) {
    public TablePattern {
      parts = List.copyOf(parts);
    }

    public String part(int index) {
      return parts.get(index);
    }

    /** Whether every part of the table's id matches its part of the pattern. */
    public boolean matches(TableId table) {
      List<String> names = table.parts();
      if (names.size() != parts.size()) {
        return false;
      }
      for (int i = 0; i < parts.size(); i++) {
        if (!Pattern.matches(parts.get(i), names.get(i))) {
          return false;
        }
      }
      return true;
    }

    /** Whether the pattern names exactly one table. */
    public boolean isLiteral() {
      return parts.stream().allMatch(TablePatterns::isLiteral);
    }
  }

  private TablePatterns() {}

  /**
   * Parses {@code text} into patterns of exactly {@code parts} parts.
   *
   * @param subject what is parsed, for messages (e.g. {@code source option 'tables'})
   * @param format the expected shape, for messages (e.g. {@code database.table})
   */
  public static List<TablePattern> parse(String subject, String text, int parts, String format) {
    List<TablePattern> patterns = new ArrayList<>();
    for (String item : splitOutsideBraces(text)) {
      String trimmed = item.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      List<String> split = splitParts(trimmed);
      if (split.size() != parts) {
        throw new ConfigurationException(
            "Cannot parse " + subject + ": expected " + format
                + " (write \\. for a regex dot) but got: " + trimmed);
      }
      for (String part : split) {
        try {
          Pattern.compile(part);
        } catch (PatternSyntaxException e) {
          throw new ConfigurationException(
              "Cannot parse " + subject + ": invalid regular expression '" + part
                  + "': " + e.getDescription());
        }
      }
      patterns.add(new TablePattern(split));
    }
    if (patterns.isEmpty()) {
      throw new ConfigurationException("Cannot parse " + subject + ": it is empty");
    }
    return patterns;
  }

  /**
   * Debezium's {@code table.include.list} for full-name regexes, with the exclusions folded in
   * (Debezium does not accept an include and an exclude list together).
   */
  public static String debeziumIncludeList(List<String> include, List<String> exclude) {
    if (exclude.isEmpty()) {
      return String.join(",", include);
    }
    String excluded = "(?!(?:" + String.join("|", exclude) + ")$)";
    List<String> filtered = new ArrayList<>();
    include.forEach(regex -> filtered.add(excluded + "(?:" + regex + ")"));
    return String.join(",", filtered);
  }

  /** Whether a part is a plain name rather than a regular expression. */
  public static boolean isLiteral(String part) {
    return part.matches("[A-Za-z0-9_$-]+");
  }

  private static List<String> splitOutsideBraces(String text) {
    List<String> items = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        items.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    items.add(current.toString());
    return items;
  }

  private static List<String> splitParts(String pattern) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '.') {
        current.append('.');
        i++;
      } else if (c == '.') {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }
}
