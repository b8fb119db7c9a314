package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Comparisons and SQL three-valued logic: a comparison with a NULL operand is NULL. */
final class Predicates {

  private Predicates() {}

  static Typed compare(String operator, Typed left, Typed right, SqlParserPos pos, ZoneId zone) {
    DataType type = comparisonType(left, right, pos);
    Comparator<Object> comparator = comparator(type);
    IntPredicate test =
        switch (operator) {
          case "=" -> c -> c == 0;
          case "<>" -> c -> c != 0;
          case "<" -> c -> c < 0;
          case "<=" -> c -> c <= 0;
          case ">" -> c -> c > 0;
          case ">=" -> c -> c >= 0;
          default -> throw new IllegalArgumentException("Cannot compare with: " + operator);
        };
    Evaluator a = Operators.coerce(left, type, pos, zone);
    Evaluator b = Operators.coerce(right, type, pos, zone);
    return new Typed(
        Types.BOOLEAN,
        Operators.strict(a, b, (x, y) -> test.test(comparator.compare(x, y))),
        left.constant() && right.constant());
  }

  /** The type both sides are converted to; text meets other types as that type. */
  static DataType comparisonType(Typed left, Typed right, SqlParserPos pos) {
    if (left.isNullLiteral() || right.isNullLiteral()) {
      return left.isNullLiteral()
          ? (right.isNullLiteral() ? Types.INT : right.type())
          : left.type();
    }
    DataType l = left.type();
    DataType r = right.type();
    DataType common = Types.common(l, r);
    if (common != null) {
      return common;
    }
    if (l.root() == DataTypeRoot.STRING && r.root() != DataTypeRoot.BINARY) {
      return r;
    }
    if (r.root() == DataTypeRoot.STRING && l.root() != DataTypeRoot.BINARY) {
      return l;
    }
    throw new ExpressionException(pos, "cannot compare " + l + " with " + r);
  }

  @SuppressWarnings("unchecked")
  static Comparator<Object> comparator(DataType type) {
    return switch (type.root()) {
      case INT, BIGINT ->
          (a, b) -> Long.compare(((Number) a).longValue(), ((Number) b).longValue());
      case FLOAT, DOUBLE ->
          (a, b) ->
              Double.compare(((Number) a).doubleValue() + 0.0, ((Number) b).doubleValue() + 0.0);
      case DECIMAL -> (a, b) -> ((BigDecimal) a).compareTo((BigDecimal) b);
      case BINARY -> (a, b) -> Arrays.compareUnsigned((byte[]) a, (byte[]) b);
      case BOOLEAN, STRING, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, UUID ->
          (a, b) -> ((Comparable<Object>) a).compareTo(b);
      case ARRAY -> arrayComparator(comparator(type.elementType()));
    };
  }

  /** Element by element, a null element before any value, a shorter array before its extensions. */
  private static Comparator<Object> arrayComparator(Comparator<Object> elements) {
    Comparator<Object> nullsFirst = Comparator.nullsFirst(elements);
    return (a, b) -> {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
        int c = nullsFirst.compare(x.get(i), y.get(i));
        if (c != 0) {
          return c;
        }
      }
      return Integer.compare(x.size(), y.size());
    };
  }

  static Typed and(Typed left, Typed right, SqlParserPos pos) {
    Evaluator a = bool(left, "AND", pos);
    Evaluator b = bool(right, "AND", pos);
    return new Typed(
        Types.BOOLEAN,
        (row, context) -> {
          Object x = a.evaluate(row, context);
          if (Boolean.FALSE.equals(x)) {
            return Boolean.FALSE;
          }
          Object y = b.evaluate(row, context);
          if (Boolean.FALSE.equals(y)) {
            return Boolean.FALSE;
          }
          return x == null || y == null ? null : Boolean.TRUE;
        },
        left.constant() && right.constant());
  }

  static Typed or(Typed left, Typed right, SqlParserPos pos) {
    Evaluator a = bool(left, "OR", pos);
    Evaluator b = bool(right, "OR", pos);
    return new Typed(
        Types.BOOLEAN,
        (row, context) -> {
          Object x = a.evaluate(row, context);
          if (Boolean.TRUE.equals(x)) {
            return Boolean.TRUE;
          }
          Object y = b.evaluate(row, context);
          if (Boolean.TRUE.equals(y)) {
            return Boolean.TRUE;
          }
          return x == null || y == null ? null : Boolean.FALSE;
        },
        left.constant() && right.constant());
  }

  static Typed not(Typed operand, SqlParserPos pos) {
    Evaluator a = bool(operand, "NOT", pos);
    return new Typed(Types.BOOLEAN, Operators.strict(a, x -> !(Boolean) x), operand.constant());
  }

  /** IS [NOT] NULL, IS [NOT] TRUE, IS [NOT] FALSE: never NULL. */
  static Typed is(String test, Typed operand, SqlParserPos pos) {
    Evaluator a = test.endsWith("NULL") ? operand.evaluator() : bool(operand, "IS " + test, pos);
    Evaluator evaluator =
        switch (test) {
          case "NULL" -> (row, context) -> a.evaluate(row, context) == null;
          case "NOT NULL" -> (row, context) -> a.evaluate(row, context) != null;
          case "TRUE" -> (row, context) -> Boolean.TRUE.equals(a.evaluate(row, context));
          case "NOT TRUE" -> (row, context) -> !Boolean.TRUE.equals(a.evaluate(row, context));
          case "FALSE" -> (row, context) -> Boolean.FALSE.equals(a.evaluate(row, context));
          case "NOT FALSE" -> (row, context) -> !Boolean.FALSE.equals(a.evaluate(row, context));
          default -> throw new IllegalArgumentException("Cannot test: IS " + test);
        };
    return new Typed(Types.BOOLEAN, evaluator, operand.constant());
  }

  /** value IN (list): TRUE on a match, else NULL when the value or an element is NULL. */
  static Typed in(Typed value, List<Typed> list, SqlParserPos pos, ZoneId zone) {
    DataType type = value.type();
    for (Typed element : list) {
      type = comparisonType(type == null ? Typed.NULL : new Typed(type, null, false), element, pos);
    }
    DataType common = type == null ? Types.INT : type;
    Evaluator needle = Operators.coerce(value, common, pos, zone);
    boolean allConstant = list.stream().allMatch(Typed::constant);
    if (allConstant
        && common.root() != DataTypeRoot.BINARY
        && common.root() != DataTypeRoot.DECIMAL
        && common.root() != DataTypeRoot.FLOAT
        && common.root() != DataTypeRoot.DOUBLE) {
      Set<Object> set = new HashSet<>();
      boolean hasNull = false;
      for (Typed element : list) {
        Object v = Operators.coerce(element, common, pos, zone).evaluate(null, null);
        hasNull |= v == null;
        if (v != null) {
          set.add(v);
        }
      }
      Boolean missing = hasNull ? null : Boolean.FALSE;
      return new Typed(
          Types.BOOLEAN,
          (row, context) -> {
            Object v = needle.evaluate(row, context);
            return v == null ? null : set.contains(v) ? Boolean.TRUE : missing;
          },
          value.constant());
    }
    Comparator<Object> comparator = comparator(common);
    Evaluator[] elements =
        list.stream().map(e -> Operators.coerce(e, common, pos, zone)).toArray(Evaluator[]::new);
    return new Typed(
        Types.BOOLEAN,
        (row, context) -> {
          Object v = needle.evaluate(row, context);
          if (v == null) {
            return null;
          }
          boolean sawNull = false;
          for (Evaluator element : elements) {
            Object e = element.evaluate(row, context);
            if (e == null) {
              sawNull = true;
            } else if (comparator.compare(v, e) == 0) {
              return Boolean.TRUE;
            }
          }
          return sawNull ? null : Boolean.FALSE;
        },
        false);
  }

  /** CASE WHEN c1 THEN r1 ... [ELSE e] END (a simple CASE arrives rewritten as this by Calcite). */
  static Typed caseWhen(
      List<Typed> conditions, List<Typed> results, Typed otherwise, SqlParserPos pos, ZoneId zone) {
    DataType type = otherwise.type();
    for (Typed result : results) {
      type = commonOrFail(type, result, "CASE", pos);
    }
    DataType resultType = type == null ? Types.STRING : type;
    Evaluator[] whens = new Evaluator[conditions.size()];
    Evaluator[] thens = new Evaluator[results.size()];
    for (int i = 0; i < whens.length; i++) {
      whens[i] = bool(conditions.get(i), "CASE WHEN", pos);
      thens[i] = Operators.coerce(results.get(i), resultType, pos, zone);
    }
    Evaluator fallback = Operators.coerce(otherwise, resultType, pos, zone);
    return new Typed(
        resultType,
        (row, context) -> {
          for (int i = 0; i < whens.length; i++) {
            if (Boolean.TRUE.equals(whens[i].evaluate(row, context))) {
              return thens[i].evaluate(row, context);
            }
          }
          return fallback.evaluate(row, context);
        },
        false);
  }

  static Typed coalesce(List<Typed> arguments, SqlParserPos pos, ZoneId zone) {
    DataType type = null;
    for (Typed argument : arguments) {
      type = commonOrFail(type, argument, "COALESCE", pos);
    }
    DataType resultType = type == null ? Types.STRING : type;
    Evaluator[] values =
        arguments.stream()
            .map(a -> Operators.coerce(a, resultType, pos, zone))
            .toArray(Evaluator[]::new);
    return new Typed(
        resultType,
        (row, context) -> {
          for (Evaluator value : values) {
            Object v = value.evaluate(row, context);
            if (v != null) {
              return v;
            }
          }
          return null;
        },
        false);
  }

  static Typed ifThenElse(
      Typed condition, Typed then, Typed otherwise, SqlParserPos pos, ZoneId zone) {
    return caseWhen(List.of(condition), List.of(then), otherwise, pos, zone);
  }

  private static DataType commonOrFail(DataType type, Typed next, String what, SqlParserPos pos) {
    if (next.isNullLiteral()) {
      return type;
    }
    DataType common = Types.common(type, next.type());
    if (common == null) {
      throw new ExpressionException(
          pos, what + " results have no common type: " + type + " and " + next.typeName());
    }
    return common;
  }

  /** The evaluator of a BOOLEAN operand. */
  static Evaluator bool(Typed operand, String what, SqlParserPos pos) {
    if (!operand.isNullLiteral() && !operand.is(DataTypeRoot.BOOLEAN)) {
      throw new ExpressionException(pos, what + " needs a BOOLEAN but got " + operand.typeName());
    }
    return operand.evaluator();
  }
}
