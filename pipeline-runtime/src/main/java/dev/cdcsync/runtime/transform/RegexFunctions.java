package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Functions taking a regular expression (Java's syntax, as in Flink CDC). A constant expression is
 * compiled once and a bad one refused at load, naming it; one read from a column is compiled per
 * row, and a bad one stops the pipeline naming the function. Positions count code points, like the
 * other string functions; a NULL argument makes the result NULL.
 */
final class RegexFunctions {

  private static final DataType STRINGS = DataType.array(Types.STRING);

  private RegexFunctions() {}

  /** REGEXP_REPLACE(s, regex, replacement): every match; the replacement is literal text. */
  static Typed regexpReplace(Call call) {
    Evaluator string = call.string(0);
    Evaluator pattern = pattern(call, 1);
    Evaluator replacement = call.string(2);
    return call.result(
        Types.STRING,
        Operators.strict(
            string,
            pattern,
            replacement,
            (s, p, r) ->
                ((Pattern) p)
                    .matcher((String) s)
                    .replaceAll(Matcher.quoteReplacement((String) r))));
  }

  /**
   * REGEXP_EXTRACT(s, regex[, group]): what the first match's group (default 0, the whole match)
   * captured; NULL without a match or for a group the expression does not have.
   */
  static Typed regexpExtract(Call call) {
    Evaluator pattern = pattern(call, 1);
    return call.result(
        Types.STRING,
        Operators.strict(
            call.string(0),
            pattern,
            group(call, pattern, 0),
            (s, p, g) -> {
              Matcher matcher = ((Pattern) p).matcher((String) s);
              return hasGroup(matcher, (Integer) g) && matcher.find()
                  ? matcher.group((Integer) g)
                  : null;
            }));
  }

  /**
   * REGEXP_EXTRACT_ALL(s, regex[, group]): what each match's group (default 1) captured, as an
   * ARRAY&lt;STRING&gt;, empty without a match; NULL for a group the expression does not have.
   */
  static Typed regexpExtractAll(Call call) {
    Evaluator pattern = pattern(call, 1);
    return call.result(
        STRINGS,
        Operators.strict(
            call.string(0),
            pattern,
            group(call, pattern, 1),
            (s, p, g) -> {
              Matcher matcher = ((Pattern) p).matcher((String) s);
              if (!hasGroup(matcher, (Integer) g)) {
                return null;
              }
              List<String> captured = new ArrayList<>();
              while (matcher.find()) {
                captured.add(matcher.group((Integer) g));
              }
              return captured;
            }));
  }

  /** REGEXP_COUNT(s, regex): the number of matches, not overlapping. */
  static Typed regexpCount(Call call) {
    return matching(call, Types.INT, (matcher, s) -> (int) matcher.results().count());
  }

  /** REGEXP_INSTR(s, regex): the 1-based position of the first match, 0 without one. */
  static Typed regexpInstr(Call call) {
    return matching(
        call,
        Types.INT,
        (matcher, s) -> matcher.find() ? s.codePointCount(0, matcher.start()) + 1 : 0);
  }

  /** REGEXP_SUBSTR(s, regex): the first match, NULL without one. */
  static Typed regexpSubstr(Call call) {
    return matching(call, Types.STRING, (matcher, s) -> matcher.find() ? matcher.group() : null);
  }

  /** A function of a string and an expression, reading the expression's matcher on the string. */
  private static Typed matching(
      Call call, DataType type, BiFunction<Matcher, String, Object> result) {
    return call.result(
        type,
        Operators.strict(
            call.string(0),
            pattern(call, 1),
            (s, p) -> result.apply(((Pattern) p).matcher((String) s), (String) s)));
  }

  /** Argument {@code index}, a regular expression, as a compiled {@link Pattern}. */
  private static Evaluator pattern(Call call, int index) {
    Typed regex = call.require(index, "a STRING", DataTypeRoot.STRING);
    if (regex.constant()) {
      if (regex.isNullLiteral()) {
        return regex.evaluator();
      }
      Pattern pattern;
      try {
        pattern = Pattern.compile((String) regex.value());
      } catch (PatternSyntaxException e) {
        throw call.error(index, "invalid regular expression: " + e.getDescription());
      }
      return (row, context) -> pattern;
    }
    return Operators.strict(
        regex.evaluator(),
        text -> {
          try {
            return Pattern.compile((String) text);
          } catch (PatternSyntaxException e) {
            throw new EvaluationException(
                call.name() + ": invalid regular expression '" + text + "': " + e.getDescription());
          }
        });
  }

  /**
   * The group argument (the third), or {@code fallback} without one; a constant group the constant
   * expression does not have is refused at load.
   */
  private static Evaluator group(Call call, Evaluator pattern, int fallback) {
    boolean constantPattern = call.argument(1).constant() && !call.argument(1).isNullLiteral();
    int groups =
        constantPattern ? ((Pattern) pattern.evaluate(null, null)).matcher("").groupCount() : -1;
    if (call.size() < 3) {
      if (constantPattern) {
        if (groups < fallback) {
          throw call.error(
              1,
              "the expression has no group, and group "
                  + fallback
                  + " is the default: give the group, 0 for the whole match");
        }
      }
      return (row, context) -> fallback;
    }
    Evaluator group = call.integer(2);
    if (constantPattern && call.argument(2).constant() && !call.argument(2).isNullLiteral()) {
      int wanted = ((Number) call.argument(2).value()).intValue();
      if (wanted < 0 || wanted > groups) {
        throw call.error(
            2,
            "the expression has "
                + groups
                + (groups == 1 ? " group" : " groups")
                + ", so there is no group "
                + wanted);
      }
    }
    return group;
  }

  private static boolean hasGroup(Matcher matcher, int group) {
    return group >= 0 && group <= matcher.groupCount();
  }
}
