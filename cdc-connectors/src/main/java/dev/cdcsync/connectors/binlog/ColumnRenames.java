package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.TableId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds column renames in MySQL / MariaDB {@code ALTER TABLE} statements ({@code RENAME COLUMN a
 * TO b}, {@code CHANGE [COLUMN] a b type}), which the binlog's row events cannot tell from a drop
 * and an add.
 */
public final class ColumnRenames {

  /** The renames of one statement: the table, and new column name to old name. */
  public record Renames(TableId table, Map<String, String> newToOld) {}

  private static final String NAME = "(`(?:[^`]|``)+`|[\\w$]+)";
  private static final Pattern ALTER =
      Pattern.compile(
          "(?is)^\\s*ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)*TABLE\\s+(?:IF\\s+EXISTS\\s+)?"
              + NAME
              + "(?:\\s*\\.\\s*"
              + NAME
              + ")?\\s+(.*)$");
  private static final Pattern RENAME =
      Pattern.compile(
          "(?is)\\bRENAME\\s+COLUMN\\s+(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s+TO\\s+" + NAME);
  private static final Pattern CHANGE =
      Pattern.compile(
          "(?is)\\bCHANGE\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?" + NAME + "\\s+" + NAME + "\\s");

  private ColumnRenames() {}

  /** The renames in {@code ddl}, run in {@code database}, if it renames any column. */
  public static Optional<Renames> parse(String database, String ddl) {
    Matcher alter = ALTER.matcher(DdlComments.strip(ddl));
    if (!alter.matches()) {
      return Optional.empty();
    }
    String schema = alter.group(2) == null ? database : unquote(alter.group(1));
    String table = unquote(alter.group(2) == null ? alter.group(1) : alter.group(2));
    String actions = alter.group(3);
    Map<String, String> renames = new LinkedHashMap<>();
    for (Pattern pattern : new Pattern[] {RENAME, CHANGE}) {
      Matcher matcher = pattern.matcher(actions);
      while (matcher.find()) {
        String from = unquote(matcher.group(1));
        String to = unquote(matcher.group(2));
        if (!from.equals(to)) {
          renames.put(to, from);
        }
      }
    }
    return renames.isEmpty() || schema == null
        ? Optional.empty()
        : Optional.of(new Renames(TableId.of(schema, table), renames));
  }

  private static String unquote(String name) {
    return name.startsWith("`") ? name.substring(1, name.length() - 1).replace("``", "`") : name;
  }
}
