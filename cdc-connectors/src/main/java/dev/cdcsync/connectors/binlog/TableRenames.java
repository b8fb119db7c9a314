package dev.cdcsync.connectors.binlog;

import dev.cdcsync.api.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds table renames in MySQL / MariaDB statements ({@code RENAME TABLE a TO b, c TO d}, {@code
 * ALTER TABLE a RENAME [TO | AS] b}), to tell a table that joins option {@code tables} by a
 * rename: its rows from before are in no binlog event the pipeline reads.
 */
public final class TableRenames {

  /** One rename: the table's name before and after, as {@code database.table}. */
  public record Rename(TableId from, TableId to) {}

  private static final String NAME = "(`(?:[^`]|``)+`|[\\w$]+)";
  private static final String QUALIFIED = NAME + "(?:\\s*\\.\\s*" + NAME + ")?";
  private static final Pattern RENAME_TABLE =
      Pattern.compile("(?is)^\\s*RENAME\\s+TABLES?\\s+(?:IF\\s+EXISTS\\s+)?(.*)$");
  private static final Pattern PAIR =
      Pattern.compile(
          "(?is)\\G\\s*"
              + QUALIFIED
              + "(?:\\s+(?:WAIT\\s+\\d+|NOWAIT))?\\s+TO\\s+"
              + QUALIFIED
              + "\\s*(?:,|;?\\s*$)");
  private static final Pattern ALTER =
      Pattern.compile(
          "(?is)^\\s*ALTER\\s+(?:ONLINE\\s+|IGNORE\\s+)*TABLE\\s+(?:IF\\s+EXISTS\\s+)?"
              + QUALIFIED
              + "(?:\\s+(?:WAIT\\s+\\d+|NOWAIT))?\\s+(.*)$");
  private static final Pattern ALTER_RENAME =
      Pattern.compile(
          "(?is)(?:^|,)\\s*RENAME\\s+(?:TO\\s+|AS\\s+)?(?!COLUMN\\b|INDEX\\b|KEY\\b)" + QUALIFIED);

  private TableRenames() {}

  /** The table renames in {@code ddl}, run in {@code database}; none if it renames no table. */
  public static List<Rename> parse(String database, String ddl) {
    ddl = DdlComments.strip(ddl);
    List<Rename> renames = new ArrayList<>();
    Matcher rename = RENAME_TABLE.matcher(ddl);
    if (rename.matches()) {
      Matcher pair = PAIR.matcher(rename.group(1));
      while (pair.find()) {
        renames.add(
            new Rename(
                table(database, pair.group(1), pair.group(2)),
                table(database, pair.group(3), pair.group(4))));
      }
      return renames;
    }
    Matcher alter = ALTER.matcher(ddl);
    if (alter.matches()) {
      Matcher to = ALTER_RENAME.matcher(alter.group(3));
      if (to.find()) {
        renames.add(
            new Rename(
                table(database, alter.group(1), alter.group(2)),
                table(database, to.group(1), to.group(2))));
      }
    }
    return renames;
  }

  private static TableId table(String database, String first, String second) {
    return second == null
        ? TableId.of(database, unquote(first))
        : TableId.of(unquote(first), unquote(second));
  }

  private static String unquote(String name) {
    return name.startsWith("`") ? name.substring(1, name.length() - 1).replace("``", "`") : name;
  }
}
