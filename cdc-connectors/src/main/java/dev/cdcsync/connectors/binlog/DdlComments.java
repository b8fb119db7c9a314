package dev.cdcsync.connectors.binlog;

/**
 * Removes the comments from a MySQL / MariaDB statement, as the server reads it: tools mark their
 * statements with them ({@code rename /* gh-ost *&#47; table ...}), which the statement patterns
 * would otherwise have to allow everywhere. An executable comment ({@code /*!50100 ... *&#47;},
 * {@code /*M! ... *&#47;}) keeps its text, which the server runs. Quoted names and strings are left
 * as they are.
 */
final class DdlComments {

  private DdlComments() {}

  static String strip(String ddl) {
    if (ddl.indexOf("/*") < 0 && ddl.indexOf("--") < 0 && ddl.indexOf('#') < 0) {
      return ddl;
    }
    StringBuilder text = new StringBuilder(ddl.length());
    int i = 0;
    while (i < ddl.length()) {
      char c = ddl.charAt(i);
      if (c == '`' || c == '\'' || c == '"') {
        int end = closingQuote(ddl, i);
        text.append(ddl, i, end);
        i = end;
      } else if (ddl.startsWith("/*", i)) {
        int end = ddl.indexOf("*/", i + 2);
        end = end < 0 ? ddl.length() : end;
        int body = executableBody(ddl, i + 2, end);
        text.append(' ');
        if (body >= 0) {
          text.append(ddl, body, end).append(' ');
        }
        i = Math.min(ddl.length(), end + 2);
      } else if (c == '#'
          || (ddl.startsWith("--", i)
              && (i + 2 == ddl.length() || Character.isWhitespace(ddl.charAt(i + 2))))) {
        int end = ddl.indexOf('\n', i);
        text.append(' ');
        i = end < 0 ? ddl.length() : end;
      } else {
        text.append(c);
        i++;
      }
    }
    return text.toString();
  }

  /** Where an executable comment's text starts ({@code !}, {@code !50100}, {@code M!}); -1 if it is none. */
  private static int executableBody(String ddl, int start, int end) {
    int i = start;
    if (i < end && ddl.charAt(i) == 'M') {
      i++;
    }
    if (i >= end || ddl.charAt(i) != '!') {
      return -1;
    }
    i++;
    while (i < end && Character.isDigit(ddl.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index after the quote that closes the one at {@code start}; doubled quotes and backslashes escape. */
  private static int closingQuote(String ddl, int start) {
    char quote = ddl.charAt(start);
    int i = start + 1;
    while (i < ddl.length()) {
      char c = ddl.charAt(i);
      if (c == '\\' && quote != '`') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < ddl.length() && ddl.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return ddl.length();
  }
}
