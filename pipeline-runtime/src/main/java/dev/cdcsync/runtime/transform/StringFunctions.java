package dev.cdcsync.runtime.transform;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * String functions. Lengths and positions count Unicode code points (as PostgreSQL does; Flink
 * CDC counts UTF-16 units, which differs only outside the Basic Multilingual Plane).
 */
final class StringFunctions {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private StringFunctions() {}

  static Typed charLength(Call call) {
    return call.result(
        Types.INT,
        Operators.strict(
            call.string(0),
            value -> ((String) value).codePointCount(0, ((String) value).length())));
  }

  static Typed upper(Call call) {
    return call.result(
        Types.STRING,
        Operators.strict(call.string(0), value -> ((String) value).toUpperCase(Locale.ROOT)));
  }

  static Typed lower(Call call) {
    return call.result(
        Types.STRING,
        Operators.strict(call.string(0), value -> ((String) value).toLowerCase(Locale.ROOT)));
  }

  /** TRIM([BOTH|LEADING|TRAILING] [characters] FROM s): removes any of the characters (default ' '). */
  static Typed trim(Call call) {
    String flag = (String) call.constantValue(0, "the trim mode");
    boolean leading = !"TRAILING".equals(flag);
    boolean trailing = !"LEADING".equals(flag);
    Evaluator characters = call.string(1);
    Evaluator string = call.string(2);
    return call.result(
        Types.STRING,
        Operators.strict(
            string, characters, (s, c) -> trim((String) s, (String) c, leading, trailing)));
  }

  static String trim(String s, String characters, boolean leading, boolean trailing) {
    int start = 0;
    int end = s.length();
    while (leading && start < end && characters.indexOf(s.codePointAt(start)) >= 0) {
      start += Character.charCount(s.codePointAt(start));
    }
    while (trailing && end > start && characters.indexOf(s.codePointBefore(end)) >= 0) {
      end -= Character.charCount(s.codePointBefore(end));
    }
    return s.substring(start, end);
  }

  /**
   * SUBSTR(s, start [, length]) and SUBSTRING(s FROM start [FOR length]): start counts from 1; 0
   * means 1; a negative start counts from the end (as Flink CDC).
   */
  static Typed substring(Call call) {
    Evaluator string = call.string(0);
    Evaluator start = call.integer(1);
    Evaluator length = call.size() == 3 ? call.integer(2) : (row, context) -> Integer.MAX_VALUE;
    Evaluator range =
        Operators.strict(start, length, (b, l) -> new int[] {(Integer) b, (Integer) l});
    return call.result(
        Types.STRING,
        Operators.strict(
            string, range, (s, r) -> substring((String) s, ((int[]) r)[0], ((int[]) r)[1])));
  }

  private static String substring(String s, int start, int length) {
    if (length < 0) {
      throw new EvaluationException("SUBSTRING: the length is negative");
    }
    int points = s.codePointCount(0, s.length());
    int first = start > 0 ? start - 1 : start < 0 ? points + start : 0;
    if (first < 0 || first >= points) {
      return "";
    }
    int last = (int) Math.min((long) first + length, points);
    return s.substring(s.offsetByCodePoints(0, first), s.offsetByCodePoints(0, last));
  }

  /** CONCAT(a, b, ...) and a || b: NULL when any argument is NULL (as Flink SQL); any type is cast to text. */
  static Typed concat(Call call) {
    Evaluator[] parts = new Evaluator[call.size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = call.text(i);
    }
    if (parts.length == 2) {
      return call.result(
          Types.STRING, Operators.strict(parts[0], parts[1], (a, b) -> (String) a + b));
    }
    return call.result(
        Types.STRING,
        (row, context) -> {
          StringBuilder text = new StringBuilder();
          for (Evaluator part : parts) {
            Object value = part.evaluate(row, context);
            if (value == null) {
              return null;
            }
            text.append((String) value);
          }
          return text.toString();
        });
  }

  /** s [NOT] LIKE pattern [ESCAPE c]: % any sequence, _ any one character. */
  static Typed like(Typed string, Typed pattern, Typed escape, boolean negated, SqlParserPos pos) {
    Call call =
        new Call(
            "LIKE",
            escape == null ? List.of(string, pattern) : List.of(string, pattern, escape),
            escape == null ? List.of(pos, pos) : List.of(pos, pos, pos),
            pos,
            null,
            null);
    Evaluator s = call.string(0);
    Evaluator p = call.string(1);
    Character escapeCharacter = null;
    if (escape != null) {
      call.string(2);
      String e = (String) call.constantValue(2, "the escape character");
      if (e == null || e.length() != 1) {
        throw call.error(2, "the escape must be one character");
      }
      escapeCharacter = e.charAt(0);
    }
    Character esc = escapeCharacter;
    Evaluator matches;
    if (pattern.constant() && !pattern.isNullLiteral()) {
      Pattern regex = likePattern((String) pattern.value(), esc, pos);
      matches = Operators.strict(s, value -> regex.matcher((String) value).matches());
    } else {
      matches =
          Operators.strict(
              s,
              p,
              (value, like) ->
                  likePattern((String) like, esc, null).matcher((String) value).matches());
    }
    Evaluator result = negated ? Operators.strict(matches, value -> !(Boolean) value) : matches;
    return new Typed(Types.BOOLEAN, result, false);
  }

  private static Pattern likePattern(String like, Character escape, SqlParserPos pos) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char c = like.charAt(i);
      if (escape != null && c == escape) {
        if (i + 1 == like.length()) {
          if (pos != null) {
            throw new ExpressionException(pos, "LIKE: the pattern ends with the escape character");
          }
          throw new EvaluationException("LIKE: the pattern ends with the escape character");
        }
        regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }

  static Typed uuid(Call call) {
    return call.result(Types.STRING, (row, context) -> UUID.randomUUID().toString());
  }

  /**
   * PARSE_JSON(s): the model has no VARIANT type, so the result is the JSON text normalized
   * (whitespace removed). NULL or empty input gives NULL; invalid JSON is an error.
   */
  static Typed parseJson(Call call) {
    return call.result(
        Types.STRING,
        Operators.strict(
            call.string(0),
            value -> {
              String normalized = normalizeJson((String) value);
              if (normalized == null && !((String) value).isEmpty()) {
                throw new EvaluationException("PARSE_JSON: the value is not valid JSON");
              }
              return normalized;
            }));
  }

  /** TRY_PARSE_JSON(s): as PARSE_JSON, but NULL for invalid JSON. */
  static Typed tryParseJson(Call call) {
    return call.result(
        Types.STRING, Operators.strict(call.string(0), value -> normalizeJson((String) value)));
  }

  private static String normalizeJson(String text) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return JSON.writeValueAsString(JSON.readTree(text));
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
