package dev.cdcsync.runtime.transform;

/**
 * More string functions of Flink CDC's dialect: trimming, padding, searching and cutting. Like
 * {@link StringFunctions}, lengths and positions count Unicode code points, and a NULL argument
 * makes the result NULL (CONCAT_WS skips NULL strings, as Flink does).
 */
final class TextFunctions {

  private TextFunctions() {}

  /** LTRIM(s[, characters]): removes any of the characters (default ' ') at the start. */
  static Typed ltrim(Call call) {
    return trim(call, true, false);
  }

  /** RTRIM(s[, characters]): at the end. */
  static Typed rtrim(Call call) {
    return trim(call, false, true);
  }

  /** BTRIM(s[, characters]): at both ends. */
  static Typed btrim(Call call) {
    return trim(call, true, true);
  }

  private static Typed trim(Call call, boolean leading, boolean trailing) {
    Evaluator string = call.string(0);
    Evaluator characters = call.size() > 1 ? call.string(1) : (row, context) -> " ";
    return call.result(
        Types.STRING,
        Operators.strict(
            string,
            characters,
            (s, c) -> StringFunctions.trim((String) s, (String) c, leading, trailing)));
  }

  /** CONCAT_WS(separator, s1, s2, ...): NULL when the separator is; NULL strings are left out. */
  static Typed concatWs(Call call) {
    Evaluator separator = call.string(0);
    Evaluator[] parts = new Evaluator[call.size() - 1];
    for (int i = 1; i < call.size(); i++) {
      parts[i - 1] = call.text(i);
    }
    return call.result(
        Types.STRING,
        (row, context) -> {
          Object between = separator.evaluate(row, context);
          if (between == null) {
            return null;
          }
          StringBuilder text = new StringBuilder();
          boolean first = true;
          for (Evaluator part : parts) {
            Object value = part.evaluate(row, context);
            if (value != null) {
              if (!first) {
                text.append((String) between);
              }
              text.append((String) value);
              first = false;
            }
          }
          return text.toString();
        });
  }

  /** LPAD(s, length, pad): s padded on the left to length, or cut to it; NULL for length < 0. */
  static Typed lpad(Call call) {
    return pad(call, true);
  }

  /** RPAD(s, length, pad): on the right. */
  static Typed rpad(Call call) {
    return pad(call, false);
  }

  private static Typed pad(Call call, boolean left) {
    return call.result(
        Types.STRING,
        Operators.strict(
            call.string(0),
            call.integer(1),
            call.string(2),
            (s, n, p) -> {
              if ((Integer) n < 0) {
                return null;
              }
              int[] chars = ((String) s).codePoints().toArray();
              int wanted = (Integer) n;
              if (chars.length >= wanted) {
                return new String(chars, 0, wanted);
              }
              int[] padding = ((String) p).codePoints().toArray();
              if (padding.length == 0) {
                return null;
              }
              int[] result = new int[wanted];
              int fill = wanted - chars.length;
              for (int i = 0; i < fill; i++) {
                result[left ? i : chars.length + i] = padding[i % padding.length];
              }
              System.arraycopy(chars, 0, result, left ? fill : 0, chars.length);
              return new String(result, 0, wanted);
            }));
  }

  /** REPLACE(s, search, replacement): every occurrence, literally. */
  static Typed replace(Call call) {
    return call.result(
        Types.STRING,
        Operators.strict(
            call.string(0),
            call.string(1),
            call.string(2),
            (s, from, to) -> ((String) s).replace((String) from, (String) to)));
  }

  /** REPEAT(s, n): s n times; empty for n &lt;= 0. */
  static Typed repeat(Call call) {
    return call.result(
        Types.STRING,
        Operators.strict(
            call.string(0),
            call.integer(1),
            (s, n) -> ((String) s).repeat(Math.max(0, (Integer) n))));
  }

  /** LEFT(s, n): the first n characters; empty for n &lt;= 0. */
  static Typed left(Call call) {
    return call.result(
        Types.STRING,
        Operators.strict(
            call.string(0),
            call.integer(1),
            (s, n) -> {
              int[] chars = ((String) s).codePoints().toArray();
              return new String(chars, 0, Math.max(0, Math.min(chars.length, (Integer) n)));
            }));
  }

  /** RIGHT(s, n): the last n characters; empty for n &lt;= 0. */
  static Typed right(Call call) {
    return call.result(
        Types.STRING,
        Operators.strict(
            call.string(0),
            call.integer(1),
            (s, n) -> {
              int[] chars = ((String) s).codePoints().toArray();
              int count = Math.max(0, Math.min(chars.length, (Integer) n));
              return new String(chars, chars.length - count, count);
            }));
  }

  /** STARTSWITH(s, prefix). */
  static Typed startsWith(Call call) {
    return call.result(
        Types.BOOLEAN,
        Operators.strict(
            call.string(0), call.string(1), (s, p) -> ((String) s).startsWith((String) p)));
  }

  /** ENDSWITH(s, suffix). */
  static Typed endsWith(Call call) {
    return call.result(
        Types.BOOLEAN,
        Operators.strict(
            call.string(0), call.string(1), (s, p) -> ((String) s).endsWith((String) p)));
  }

  /** INSTR(s, sub): the 1-based position of sub's first occurrence in s, 0 if none. */
  static Typed instr(Call call) {
    return call.result(
        Types.INT,
        Operators.strict(
            call.string(0), call.string(1), (s, sub) -> position((String) s, (String) sub, 1)));
  }

  /**
   * LOCATE(sub, s[, start]): the 1-based position of sub's first occurrence in s at or after
   * start (default 1), 0 if none.
   */
  static Typed locate(Call call) {
    Evaluator sub = call.string(0);
    Evaluator string = call.string(1);
    Evaluator start = call.size() > 2 ? call.integer(2) : (row, context) -> 1;
    return call.result(
        Types.INT,
        Operators.strict(
            sub,
            string,
            start,
            (what, in, from) -> position((String) in, (String) what, (Integer) from)));
  }

  /**
   * OVERLAY(s PLACING r FROM start [FOR length]): s with {@code length} characters (default: r's
   * length) from {@code start} replaced by r, as the SQL standard defines it (and PostgreSQL): the
   * first start - 1 characters, r, then what follows start + length - 1. A start past the end
   * appends r; a start below 1 leaves s as it is (as Flink CDC).
   */
  static Typed overlay(Call call) {
    Evaluator string = call.string(0);
    Evaluator replacement = call.string(1);
    Evaluator start = call.integer(2);
    Evaluator length = call.size() > 3 ? call.integer(3) : null;
    Evaluator range =
        length == null
            ? Operators.strict(start, replacement, (b, r) -> new int[] {(Integer) b, points(r)})
            : Operators.strict(start, length, (b, l) -> new int[] {(Integer) b, (Integer) l});
    return call.result(
        Types.STRING,
        Operators.strict(
            string,
            replacement,
            range,
            (s, r, bounds) ->
                overlay((String) s, (String) r, ((int[]) bounds)[0], ((int[]) bounds)[1])));
  }

  private static String overlay(String s, String replacement, int start, int length) {
    if (start < 1) {
      return s;
    }
    int points = points(s);
    int kept = Math.min(start - 1, points);
    long resume = Math.max(0L, Math.min((long) start - 1 + length, points));
    return s.substring(0, s.offsetByCodePoints(0, kept))
        + replacement
        + s.substring(s.offsetByCodePoints(0, (int) resume));
  }

  private static int points(Object s) {
    return ((String) s).codePointCount(0, ((String) s).length());
  }

  /** The 1-based code point position of sub in s at or after from, 0 if none. */
  private static int position(String s, String sub, int from) {
    if (from < 1) {
      return 0;
    }
    int length = s.codePointCount(0, s.length());
    if (from > length + 1) {
      return 0;
    }
    int index = s.indexOf(sub, s.offsetByCodePoints(0, from - 1));
    return index < 0 ? 0 : s.codePointCount(0, index) + 1;
  }

  /** IFNULL(value, replacement): the value, or the replacement when it is NULL. */
  static Typed ifNull(Call call) {
    return Predicates.coalesce(call.arguments(), call.pos(), call.zone());
  }

  /** NULLIF(a, b): NULL when a equals b, else a. */
  static Typed nullIf(Call call) {
    Typed equal =
        Predicates.compare("=", call.argument(0), call.argument(1), call.pos(), call.zone());
    return Predicates.ifThenElse(equal, Typed.NULL, call.argument(0), call.pos(), call.zone());
  }
}
