package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.function.UnaryOperator;

/** ABS, CEIL, FLOOR, ROUND and MOD; each keeps its argument's type (DECIMAL scales aside). */
final class NumericFunctions {

  private static final DataTypeRoot[] NUMERIC = {
    DataTypeRoot.INT,
    DataTypeRoot.BIGINT,
    DataTypeRoot.FLOAT,
    DataTypeRoot.DOUBLE,
    DataTypeRoot.DECIMAL
  };

  private NumericFunctions() {}

  private static Typed numeric(Call call, int index) {
    Typed argument = call.require(index, "a number", NUMERIC);
    return argument.isNullLiteral() ? new Typed(Types.INT, argument.evaluator(), true) : argument;
  }

  static Typed abs(Call call) {
    Typed x = numeric(call, 0);
    UnaryOperator<Object> abs =
        switch (x.type().root()) {
          case INT -> value -> Math.abs((Integer) value);
          case BIGINT -> value -> Math.abs((Long) value);
          case FLOAT -> value -> Math.abs((Float) value);
          case DOUBLE -> value -> Math.abs((Double) value);
          default -> value -> ((BigDecimal) value).abs();
        };
    return call.result(x.type(), Operators.strict(x.evaluator(), abs));
  }

  static Typed ceil(Call call) {
    return rounding(call, RoundingMode.CEILING);
  }

  static Typed floor(Call call) {
    return rounding(call, RoundingMode.FLOOR);
  }

  private static Typed rounding(Call call, RoundingMode mode) {
    Typed x = numeric(call, 0);
    boolean up = mode == RoundingMode.CEILING;
    return switch (x.type().root()) {
      case INT, BIGINT -> x;
      case FLOAT ->
          call.result(
              x.type(),
              Operators.strict(
                  x.evaluator(),
                  value -> (float) (up ? Math.ceil((Float) value) : Math.floor((Float) value))));
      case DOUBLE ->
          call.result(
              x.type(),
              Operators.strict(
                  x.evaluator(),
                  value -> up ? Math.ceil((Double) value) : Math.floor((Double) value)));
      default -> {
        DataType type = roundedDecimal(x.type(), 0);
        yield call.result(
            type,
            Operators.strict(
                x.evaluator(), value -> Types.fit(((BigDecimal) value).setScale(0, mode), type)));
      }
    };
  }

  /** ROUND(x [, n]): half away from zero; n may be negative. */
  static Typed round(Call call) {
    Typed x = numeric(call, 0);
    int digits = 0;
    if (call.size() == 2) {
      call.require(1, "an integer constant", DataTypeRoot.INT);
      Object n = call.constantValue(1, "the number of digits");
      if (n == null) {
        return new Typed(x.type(), (row, context) -> null, true);
      }
      digits = (Integer) n;
    }
    int n = digits;
    return switch (x.type().root()) {
      case INT ->
          call.result(
              x.type(),
              Operators.strict(
                  x.evaluator(),
                  value ->
                      BigDecimal.valueOf((Integer) value)
                          .setScale(n, RoundingMode.HALF_UP)
                          .intValue()));
      case BIGINT ->
          call.result(
              x.type(),
              Operators.strict(
                  x.evaluator(),
                  value ->
                      BigDecimal.valueOf((Long) value)
                          .setScale(n, RoundingMode.HALF_UP)
                          .longValue()));
      case FLOAT ->
          call.result(
              x.type(),
              Operators.strict(
                  x.evaluator(),
                  value ->
                      finite((Float) value)
                          ? new BigDecimal(value.toString())
                              .setScale(n, RoundingMode.HALF_UP)
                              .floatValue()
                          : value));
      case DOUBLE ->
          call.result(
              x.type(),
              Operators.strict(
                  x.evaluator(),
                  value ->
                      finite((Double) value)
                          ? BigDecimal.valueOf((Double) value)
                              .setScale(n, RoundingMode.HALF_UP)
                              .doubleValue()
                          : value));
      default -> {
        DataType type = roundedDecimal(x.type(), n);
        yield call.result(
            type,
            Operators.strict(
                x.evaluator(),
                value ->
                    Types.fit(
                        ((BigDecimal) value)
                            .setScale(n, RoundingMode.HALF_UP)
                            .setScale(type.scale()),
                        type)));
      }
    };
  }

  private static boolean finite(double value) {
    return !Double.isNaN(value) && !Double.isInfinite(value);
  }

  /** DECIMAL(p, s) rounded to n digits: one more integer digit, scale n (as Flink's). */
  private static DataType roundedDecimal(DataType type, int digits) {
    if (digits >= type.scale()) {
      return type;
    }
    int scale = Math.max(digits, 0);
    int precision =
        Math.min(DataType.MAX_DECIMAL_PRECISION, type.precision() - type.scale() + scale + 1);
    return DataType.decimal(precision, scale);
  }

  static Typed mod(Call call) {
    return Operators.arithmetic("%", call.argument(0), call.argument(1), call.pos());
  }
}
