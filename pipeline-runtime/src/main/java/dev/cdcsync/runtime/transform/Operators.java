package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/** Arithmetic and the coercions every operator and function shares. */
final class Operators {

  private Operators() {}

  /**
   * The evaluator of {@code typed} converted to {@code to} (NULL stays NULL), wall-clock times
   * meeting instants in {@code zone}.
   */
  static Evaluator coerce(Typed typed, DataType to, SqlParserPos pos, ZoneId zone) {
    if (typed.isNullLiteral() || typed.type().equals(to)) {
      return typed.evaluator();
    }
    UnaryOperator<Object> converter = Casts.converter(typed.type(), to, zone);
    if (converter == null) {
      throw new ExpressionException(pos, "cannot convert " + typed.typeName() + " to " + to);
    }
    Evaluator evaluator = typed.evaluator();
    return (row, context) -> {
      Object value = evaluator.evaluate(row, context);
      return value == null ? null : converter.apply(value);
    };
  }

  /** A strict binary operation: NULL when either operand is NULL. */
  static Evaluator strict(Evaluator left, Evaluator right, BinaryOperator<Object> operation) {
    return (row, context) -> {
      Object a = left.evaluate(row, context);
      if (a == null) {
        return null;
      }
      Object b = right.evaluate(row, context);
      return b == null ? null : operation.apply(a, b);
    };
  }

  /** An operation of three operands. */
  interface TernaryOperator {
    Object apply(Object a, Object b, Object c);
  }

  /** A strict operation of three operands: NULL when any of them is NULL. */
  static Evaluator strict(
      Evaluator first, Evaluator second, Evaluator third, TernaryOperator operation) {
    return (row, context) -> {
      Object a = first.evaluate(row, context);
      if (a == null) {
        return null;
      }
      Object b = second.evaluate(row, context);
      if (b == null) {
        return null;
      }
      Object c = third.evaluate(row, context);
      return c == null ? null : operation.apply(a, b, c);
    };
  }

  /** A strict unary operation. */
  static Evaluator strict(Evaluator operand, UnaryOperator<Object> operation) {
    return (row, context) -> {
      Object a = operand.evaluate(row, context);
      return a == null ? null : operation.apply(a);
    };
  }

  static Typed arithmetic(String operator, Typed left, Typed right, SqlParserPos pos) {
    if (left.isNullLiteral() && right.isNullLiteral()) {
      return new Typed(Types.INT, (row, context) -> null, true);
    }
    DataType l = left.isNullLiteral() ? right.type() : left.type();
    DataType r = right.isNullLiteral() ? left.type() : right.type();
    if (!Types.isNumeric(l) || !Types.isNumeric(r)) {
      throw new ExpressionException(
          pos,
          "operator "
              + operator
              + " needs numbers but got "
              + left.typeName()
              + " and "
              + right.typeName());
    }
    DataType operands = Types.widerNumeric(l, r);
    DataType result =
        operands.root() == DataTypeRoot.DECIMAL ? Types.decimalResult(operator, l, r) : operands;
    // Numbers only: no wall-clock time meets an instant here.
    Evaluator a = coerce(left, operands, pos, ZoneOffset.UTC);
    Evaluator b = coerce(right, operands, pos, ZoneOffset.UTC);
    BinaryOperator<Object> operation =
        switch (operands.root()) {
          case INT -> intOperation(operator);
          case BIGINT -> longOperation(operator);
          case FLOAT -> floatOperation(operator);
          case DOUBLE -> doubleOperation(operator);
          case DECIMAL -> decimalOperation(operator, result);
          default -> throw new IllegalStateException("Cannot happen: " + operands);
        };
    return new Typed(result, strict(a, b, operation), left.constant() && right.constant());
  }

  static Typed negate(Typed operand, SqlParserPos pos) {
    if (operand.isNullLiteral()) {
      return operand;
    }
    UnaryOperator<Object> negation =
        switch (operand.type().root()) {
          case INT -> value -> -(Integer) value;
          case BIGINT -> value -> -(Long) value;
          case FLOAT -> value -> -(Float) value;
          case DOUBLE -> value -> -(Double) value;
          case DECIMAL -> value -> ((BigDecimal) value).negate();
          default -> throw new ExpressionException(pos, "cannot negate " + operand.typeName());
        };
    return new Typed(operand.type(), strict(operand.evaluator(), negation), operand.constant());
  }

  private static EvaluationException divisionByZero() {
    return new EvaluationException("division by zero");
  }

  private static BinaryOperator<Object> intOperation(String operator) {
    return switch (operator) {
      case "+" -> (a, b) -> (Integer) a + (Integer) b;
      case "-" -> (a, b) -> (Integer) a - (Integer) b;
      case "*" -> (a, b) -> (Integer) a * (Integer) b;
      case "/" ->
          (a, b) -> {
            if ((Integer) b == 0) {
              throw divisionByZero();
            }
            return (Integer) a / (Integer) b;
          };
      case "%" ->
          (a, b) -> {
            if ((Integer) b == 0) {
              throw divisionByZero();
            }
            return (Integer) a % (Integer) b;
          };
      default -> throw new IllegalArgumentException("Cannot apply operator: " + operator);
    };
  }

  private static BinaryOperator<Object> longOperation(String operator) {
    return switch (operator) {
      case "+" -> (a, b) -> (Long) a + (Long) b;
      case "-" -> (a, b) -> (Long) a - (Long) b;
      case "*" -> (a, b) -> (Long) a * (Long) b;
      case "/" ->
          (a, b) -> {
            if ((Long) b == 0) {
              throw divisionByZero();
            }
            return (Long) a / (Long) b;
          };
      case "%" ->
          (a, b) -> {
            if ((Long) b == 0) {
              throw divisionByZero();
            }
            return (Long) a % (Long) b;
          };
      default -> throw new IllegalArgumentException("Cannot apply operator: " + operator);
    };
  }

  private static BinaryOperator<Object> floatOperation(String operator) {
    return switch (operator) {
      case "+" -> (a, b) -> (Float) a + (Float) b;
      case "-" -> (a, b) -> (Float) a - (Float) b;
      case "*" -> (a, b) -> (Float) a * (Float) b;
      case "/" -> (a, b) -> (Float) a / (Float) b;
      case "%" -> (a, b) -> (Float) a % (Float) b;
      default -> throw new IllegalArgumentException("Cannot apply operator: " + operator);
    };
  }

  private static BinaryOperator<Object> doubleOperation(String operator) {
    return switch (operator) {
      case "+" -> (a, b) -> (Double) a + (Double) b;
      case "-" -> (a, b) -> (Double) a - (Double) b;
      case "*" -> (a, b) -> (Double) a * (Double) b;
      case "/" -> (a, b) -> (Double) a / (Double) b;
      case "%" -> (a, b) -> (Double) a % (Double) b;
      default -> throw new IllegalArgumentException("Cannot apply operator: " + operator);
    };
  }

  private static BinaryOperator<Object> decimalOperation(String operator, DataType result) {
    int scale = result.scale();
    return switch (operator) {
      case "+" -> (a, b) -> Types.fit(((BigDecimal) a).add((BigDecimal) b), result);
      case "-" -> (a, b) -> Types.fit(((BigDecimal) a).subtract((BigDecimal) b), result);
      case "*" -> (a, b) -> Types.fit(((BigDecimal) a).multiply((BigDecimal) b), result);
      case "/" ->
          (a, b) -> {
            if (((BigDecimal) b).signum() == 0) {
              throw divisionByZero();
            }
            return Types.fit(
                ((BigDecimal) a).divide((BigDecimal) b, scale, RoundingMode.HALF_UP), result);
          };
      case "%" ->
          (a, b) -> {
            if (((BigDecimal) b).signum() == 0) {
              throw divisionByZero();
            }
            return Types.fit(((BigDecimal) a).remainder((BigDecimal) b), result);
          };
      default -> throw new IllegalArgumentException("Cannot apply operator: " + operator);
    };
  }
}
