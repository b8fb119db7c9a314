package dev.cdcsync.runtime.transform;

import dev.cdcsync.runtime.definition.OptionsValidator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The built-in functions: name, number of arguments and how each is compiled. */
final class FunctionCatalog {

  record Entry(int minArguments, int maxArguments, Function<Call, Typed> compiler) {

    String arity() {
      if (minArguments == maxArguments) {
        return minArguments + (minArguments == 1 ? " argument" : " arguments");
      }
      return maxArguments == Integer.MAX_VALUE
          ? "at least " + minArguments + " argument" + (minArguments == 1 ? "" : "s")
          : minArguments + " to " + maxArguments + " arguments";
    }
  }

  /** How {@link ExpressionText} spells UUID( for Calcite, to which UUID is a type keyword. */
  static final String UUID_SPELLING = "U$ID";

  private static final int MANY = Integer.MAX_VALUE;
  private static final Map<String, Entry> FUNCTIONS = new TreeMap<>();

  static {
    add("ABS", 1, 1, NumericFunctions::abs);
    add("CEIL", 1, 1, NumericFunctions::ceil);
    add("CEILING", 1, 1, NumericFunctions::ceil);
    add("FLOOR", 1, 1, NumericFunctions::floor);
    add("ROUND", 1, 2, NumericFunctions::round);
    add("MOD", 2, 2, NumericFunctions::mod);
    add("UUID", 0, 0, StringFunctions::uuid);
    add(UUID_SPELLING, 0, 0, StringFunctions::uuid);
    add("CHAR_LENGTH", 1, 1, StringFunctions::charLength);
    add("CHARACTER_LENGTH", 1, 1, StringFunctions::charLength);
    add("UPPER", 1, 1, StringFunctions::upper);
    add("LOWER", 1, 1, StringFunctions::lower);
    add("TRIM", 3, 3, StringFunctions::trim);
    add("REGEXP_REPLACE", 3, 3, RegexFunctions::regexpReplace);
    add("REGEXP_EXTRACT", 2, 3, RegexFunctions::regexpExtract);
    add("REGEXP_EXTRACT_ALL", 2, 3, RegexFunctions::regexpExtractAll);
    add("REGEXP_COUNT", 2, 2, RegexFunctions::regexpCount);
    add("REGEXP_INSTR", 2, 2, RegexFunctions::regexpInstr);
    add("REGEXP_SUBSTR", 2, 2, RegexFunctions::regexpSubstr);
    add("SUBSTR", 2, 3, StringFunctions::substring);
    add("SUBSTRING", 2, 3, StringFunctions::substring);
    add("CONCAT", 1, MANY, StringFunctions::concat);
    add("LTRIM", 1, 2, TextFunctions::ltrim);
    add("RTRIM", 1, 2, TextFunctions::rtrim);
    add("BTRIM", 1, 2, TextFunctions::btrim);
    add("CONCAT_WS", 2, MANY, TextFunctions::concatWs);
    add("LPAD", 3, 3, TextFunctions::lpad);
    add("RPAD", 3, 3, TextFunctions::rpad);
    add("REPLACE", 3, 3, TextFunctions::replace);
    add("REPEAT", 2, 2, TextFunctions::repeat);
    add("LEFT", 2, 2, TextFunctions::left);
    add("RIGHT", 2, 2, TextFunctions::right);
    add("STARTSWITH", 2, 2, TextFunctions::startsWith);
    add("ENDSWITH", 2, 2, TextFunctions::endsWith);
    add("INSTR", 2, 2, TextFunctions::instr);
    add("LOCATE", 2, 3, TextFunctions::locate);
    add("POSITION", 2, 3, TextFunctions::locate);
    add("OVERLAY", 3, 4, TextFunctions::overlay);
    add("IFNULL", 2, 2, TextFunctions::ifNull);
    add("NULLIF", 2, 2, TextFunctions::nullIf);
    add("PARSE_JSON", 1, 1, StringFunctions::parseJson);
    add("TRY_PARSE_JSON", 1, 1, StringFunctions::tryParseJson);
    add(
        "COALESCE",
        1,
        MANY,
        call -> Predicates.coalesce(call.arguments(), call.pos(), call.zone()));
    add(
        "IF",
        3,
        3,
        call ->
            Predicates.ifThenElse(
                call.argument(0), call.argument(1), call.argument(2), call.pos(), call.zone()));
    add("LOCALTIME", 0, 0, TemporalFunctions::localTime);
    add("CURRENT_TIME", 0, 0, TemporalFunctions::localTime);
    add("LOCALTIMESTAMP", 0, 0, TemporalFunctions::localTimestamp);
    add("CURRENT_DATE", 0, 0, TemporalFunctions::currentDate);
    add("CURRENT_TIMESTAMP", 0, 0, TemporalFunctions::currentTimestamp);
    add("NOW", 0, 0, TemporalFunctions::currentTimestamp);
    add("DATE_FORMAT", 2, 2, TemporalFunctions::dateFormat);
    add("DATE_FORMAT_TZ", 2, 3, TemporalFunctions::dateFormatTz);
    add("TIMESTAMPADD", 3, 3, TemporalFunctions::timestampAdd);
    add("TIMESTAMPDIFF", 3, 3, TemporalFunctions::timestampDiff);
    add("TO_DATE", 1, 2, TemporalFunctions::toDate);
    add("TO_TIMESTAMP", 1, 2, TemporalFunctions::toTimestamp);
    add("TO_TIMESTAMP_LTZ", 1, 3, TemporalFunctions::toTimestampLtz);
    add("FROM_UNIXTIME", 1, 2, TemporalFunctions::fromUnixtime);
    add("UNIX_TIMESTAMP", 0, 2, TemporalFunctions::unixTimestamp);
    add("DATE_ADD", 2, 2, TemporalFunctions::dateAdd);
    add("EXTRACT", 2, 2, DateParts::extract);
    add("YEAR", 1, 1, DateParts.of("YEAR"));
    add("QUARTER", 1, 1, DateParts.of("QUARTER"));
    add("MONTH", 1, 1, DateParts.of("MONTH"));
    add("WEEK", 1, 1, DateParts.of("WEEK"));
    add("DAYOFYEAR", 1, 1, DateParts.of("DOY"));
    add("DAYOFMONTH", 1, 1, DateParts.of("DAY"));
    add("DAYOFWEEK", 1, 1, DateParts.of("DOW"));
    add("HOUR", 1, 1, DateParts.of("HOUR"));
    add("MINUTE", 1, 1, DateParts.of("MINUTE"));
    add("SECOND", 1, 1, DateParts.of("SECOND"));
    add("ARRAY", 1, MANY, ArrayFunctions::array);
    add("CARDINALITY", 1, 1, ArrayFunctions::cardinality);
    add("ELEMENT", 1, 1, ArrayFunctions::element);
    add("ARRAY_CONTAINS", 2, 2, ArrayFunctions::arrayContains);
    add("ARRAY_POSITION", 2, 2, ArrayFunctions::arrayPosition);
    add("SHA256", 1, 2, PrivacyFunctions::sha256);
    add("HMAC_SHA256", 2, 2, PrivacyFunctions::hmacSha256);
    add("MASK", 1, 2, PrivacyFunctions::mask);
    add("REDACT", 1, 1, PrivacyFunctions::redact);
  }

  /** Functions the parser reads as plain identifiers when written without parentheses. */
  static final List<String> NILADIC =
      List.of("LOCALTIME", "LOCALTIMESTAMP", "CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP");

  private FunctionCatalog() {}

  private static void add(String name, int min, int max, Function<Call, Typed> compiler) {
    FUNCTIONS.put(name, new Entry(min, max, compiler));
  }

  /** Every function's name, as the user writes it. */
  static List<String> names() {
    return FUNCTIONS.keySet().stream().filter(name -> !name.equals(UUID_SPELLING)).toList();
  }

  /** The function of that name (any case), or null. */
  static Entry find(String name) {
    return FUNCTIONS.get(display(name));
  }

  /** The name as the user wrote it, in upper case. */
  static String display(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    return upper.equals(UUID_SPELLING) ? "UUID" : upper;
  }

  /** Up to three known names at the smallest edit distance from an unknown one, if close. */
  static List<String> closeMatches(String name) {
    String wanted = name.toUpperCase(Locale.ROOT);
    List<String> names = new ArrayList<>(FUNCTIONS.keySet());
    names.remove(UUID_SPELLING);
    names.sort(
        Comparator.comparingInt((String known) -> OptionsValidator.distance(wanted, known))
            .thenComparing(Comparator.naturalOrder()));
    int best =
        names.isEmpty() ? Integer.MAX_VALUE : OptionsValidator.distance(wanted, names.get(0));
    List<String> close = new ArrayList<>();
    for (String known : names) {
      if (close.size() == 3
          || best > Math.max(2, wanted.length() / 3)
          || OptionsValidator.distance(wanted, known) > best) {
        break;
      }
      close.add(known);
    }
    return close;
  }
}
