package dev.cdcsync.api;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Table selections in Flink CDC syntax, matched as Flink CDC's {@code Selectors} match them: a
 * list of patterns separated by {@code ,}, each split into parts at every {@code .}; a backslash
 * escapes the character after it from both splits, and {@code \.} then stands for the regex
 * {@code .} (any character), {@code \,} for a comma. Each part is trimmed, is itself a list of
 * regular expressions separated by commas (so {@code \,} separates alternatives of one part),
 * and matches a name when one of them matches the whole name, case-insensitively. Empty items and
 * empty parts are skipped. Example: {@code shop.public.order_\.*, shop.public.customers}.
 */
public final class TablePatterns {

  /** One pattern, split into its parts, each a regular expression as {@link #part} gives it. */
  public record TablePattern(List<String> parts) {
    public TablePattern {
      parts = List.copyOf(parts);
    }

    /** The regex of a part; a part of several alternatives is {@code (?:a)|(?:b)}. */
    public String part(int index) {
      return parts.get(index);
    }

    /**
     * Whether the table's id matches: every part against its part of the id, or, for a pattern of
     * fewer parts than the id, against the id's last parts (a PostgreSQL {@code schema.table}
     * pattern, as Flink CDC's PostgreSQL table ids leave out the database by default).
     */
    public boolean matches(TableId table) {
      List<String> names = table.parts();
      if (names.size() < parts.size()) {
        return false;
      }
      int offset = names.size() - parts.size();
      for (int i = 0; i < parts.size(); i++) {
        if (!Pattern.compile(parts.get(i), Pattern.CASE_INSENSITIVE)
            .matcher(names.get(offset + i))
            .matches()) {
          return false;
        }
      }
      return true;
    }

    /** Whether the pattern names exactly one table. */
    public boolean isLiteral() {
      return parts.stream().allMatch(TablePatterns::isLiteral);
    }

    /**
     * A regex for the full names {@code part.part} of the parts from {@code first} on, in
     * Debezium's include-list syntax: no comma in it (a comma is written {@code \x2C}), to be
     * compiled case-insensitively as Debezium does.
     */
    public String fullNameRegex(int first) {
      return parts.subList(first, parts.size()).stream()
          .map(part -> "(?:" + part.replace("\\,", "\\x2C").replace(",", "\\x2C") + ")")
          .collect(Collectors.joining("\\."));
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
    return parse(subject, text, List.of(parts), format);
  }

  /**
   * Parses {@code text} into patterns of any of the {@code allowedParts} numbers of parts.
   *
   * @param format the expected shapes, for messages (e.g. {@code database.schema.table or
   *     schema.table})
   * @throws ConfigurationException naming {@code subject} and the pattern
   */
  public static List<TablePattern> parse(
      String subject, String text, List<Integer> allowedParts, String format) {
    List<TablePattern> patterns = new ArrayList<>();
    for (String item : split(subject, text, ',')) {
      String pattern = item.replace("\\,", ",");
      List<String> split = new ArrayList<>();
      for (String part : split(subject, pattern, '.')) {
        split.add(part.replace("\\.", "."));
      }
      if (!allowedParts.contains(split.size())) {
        throw new ConfigurationException(
            "Cannot parse "
                + subject
                + ": expected "
                + format
                + " (write \\. for a regex dot) but got: "
                + pattern);
      }
      List<String> regexes = new ArrayList<>();
      for (String part : split) {
        regexes.add(partRegex(subject, part));
      }
      patterns.add(new TablePattern(regexes));
    }
    if (patterns.isEmpty()) {
      throw new ConfigurationException("Cannot parse " + subject + ": it is empty");
    }
    return patterns;
  }

  /** A part's alternatives (separated by commas, written {@code \,}) as one regex. */
  private static String partRegex(String subject, String part) {
    List<String> alternatives = new ArrayList<>();
    split(subject, part, ',')
        .forEach(alternative -> alternatives.add(alternative.replace("\\,", ",")));
    for (String alternative : alternatives) {
      try {
        Pattern.compile(alternative);
      } catch (PatternSyntaxException e) {
        String hint =
            alternative.contains("{") && !alternative.contains("}")
                ? " (a comma separates patterns, as in Flink CDC: a {n,m} quantifier cannot be written)"
                : "";
        throw new ConfigurationException(
            "Cannot parse "
                + subject
                + ": invalid regular expression '"
                + alternative
                + "': "
                + e.getDescription()
                + hint);
      }
    }
    if (alternatives.size() == 1) {
      return alternatives.get(0);
    }
    return alternatives.stream().map(regex -> "(?:" + regex + ")").collect(Collectors.joining("|"));
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

  /**
   * Splits at each {@code separator} that no backslash escapes, as Flink CDC's splitters do:
   * pieces are trimmed, empty ones skipped, escapes kept.
   */
  private static List<String> split(String subject, String text, char separator) {
    List<String> pieces = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        if (i + 1 == text.length()) {
          throw new ConfigurationException(
              "Cannot parse " + subject + ": it ends with an unfinished escape '\\'");
        }
        current.append(c).append(text.charAt(++i));
      } else if (c == separator) {
        addTrimmed(pieces, current);
      } else {
        current.append(c);
      }
    }
    addTrimmed(pieces, current);
    return pieces;
  }

  private static void addTrimmed(List<String> pieces, StringBuilder current) {
    String piece = current.toString().trim();
    if (!piece.isEmpty()) {
      pieces.add(piece);
    }
    current.setLength(0);
  }
}
