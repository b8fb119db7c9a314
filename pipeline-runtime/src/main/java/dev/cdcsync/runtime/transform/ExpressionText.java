package dev.cdcsync.runtime.transform;

import java.util.List;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.validate.SqlConformanceEnum;

/**
 * The text of a projection or a filter as the user wrote it, parsed with Calcite configured as
 * Flink CDC does (case-sensitive, backtick quoting, names kept as written, lenient conformance for
 * IF, {@code !=} and {@code %}), and positions in messages relative to that text.
 *
 * @param part "projection" or "filter"
 */
record ExpressionText(String rule, String part, String text) {

  private static final String SELECT = "SELECT ";
  private static final SqlParser.Config CONFIG =
      SqlParser.config()
          .withQuoting(Quoting.BACK_TICK)
          .withQuotedCasing(Casing.UNCHANGED)
          .withUnquotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(true)
          .withConformance(SqlConformanceEnum.LENIENT);

  static ExpressionText projection(String rule, String text) {
    return new ExpressionText(rule, "projection", text);
  }

  static ExpressionText filter(String rule, String text) {
    return new ExpressionText(rule, "filter", text);
  }

  private boolean isProjection() {
    return part.equals("projection");
  }

  /** The items of a projection (a star stays an identifier), or the one expression of a filter. */
  List<SqlNode> parse() {
    try {
      if (isProjection()) {
        String sql = SELECT + unescapeStars(text) + "\nFROM t";
        SqlSelect select = (SqlSelect) SqlParser.create(sql, CONFIG).parseQuery();
        if (select.getFrom() == null
            || select.getWhere() != null
            || select.getGroup() != null
            || select.isDistinct()
            || select.getOrderList() != null && !select.getOrderList().isEmpty()) {
          throw new ExpressionException(
              SqlParserPos.ZERO, "a projection is a list of expressions only");
        }
        return select.getSelectList().getList();
      }
      return List.of(SqlParser.create(unescapeStars(text), CONFIG).parseExpression());
    } catch (SqlParseException e) {
      String reason =
          e.getMessage()
              .lines()
              .findFirst()
              .orElse("syntax error")
              .replaceAll(" at line \\d+, column \\d+", "")
              .replaceAll("\\.$", "");
      throw new ExpressionException(
          e.getPos() == null ? SqlParserPos.ZERO : e.getPos(), "syntax error: " + reason);
    } catch (ClassCastException e) {
      throw new ExpressionException(
          SqlParserPos.ZERO, "a projection is a list of expressions only");
    }
  }

  /**
   * Rewrites what Calcite cannot read, keeping the length so positions hold: {@code \*} as YAML
   * users write it becomes {@code  *}, and the function {@code UUID(} (a type keyword to Calcite)
   * becomes {@code U$ID(}.
   */
  static String unescapeStars(String text) {
    StringBuilder out = new StringBuilder(text);
    boolean quoted = false;
    for (int i = 0; i < out.length(); i++) {
      char c = out.charAt(i);
      if (c == '\'' || c == '`') {
        quoted = !quoted;
      } else if (!quoted && c == '\\' && i + 1 < out.length() && out.charAt(i + 1) == '*') {
        out.setCharAt(i, ' ');
      } else if (!quoted && isUuidCall(out, i)) {
        out.setCharAt(i + 1, '$');
      }
    }
    return out.toString();
  }

  private static boolean isUuidCall(CharSequence text, int at) {
    if (at + 4 > text.length()
        || !text.subSequence(at, at + 4).toString().equalsIgnoreCase("UUID")
        || at > 0
            && (Character.isLetterOrDigit(text.charAt(at - 1)) || text.charAt(at - 1) == '_')) {
      return false;
    }
    int next = at + 4;
    while (next < text.length() && Character.isWhitespace(text.charAt(next))) {
      next++;
    }
    return next < text.length() && text.charAt(next) == '(';
  }

  /** "line L, column C" inside the user's text, or "" when the position is unknown. */
  String where(SqlParserPos pos) {
    if (pos == null || pos.getLineNum() <= 0) {
      return "";
    }
    int line = pos.getLineNum();
    int column = pos.getColumnNum();
    if (isProjection() && line == 1) {
      column -= SELECT.length();
    }
    if (isProjection() && line > text.lines().count()) {
      return "";
    }
    return " at line " + line + ", column " + Math.max(column, 1);
  }

  /** {@code Cannot <action> the <part> of <rule>: <reason> (at ...): <text>}. */
  String message(String action, String reason, SqlParserPos pos) {
    return "Cannot "
        + action
        + " "
        + part
        + " of "
        + rule
        + ": "
        + reason
        + where(pos)
        + ": "
        + text;
  }
}
