package dev.cdcsync.runtime.transform;

import static dev.cdcsync.api.DataType.MAX_DECIMAL_PRECISION;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.math.BigDecimal;
import java.math.RoundingMode;

/** Type rules: numeric widening, SQL decimal precision and scale, common types of branches. */
final class Types {

  static final DataType BOOLEAN = DataType.of(DataTypeRoot.BOOLEAN);
  static final DataType INT = DataType.of(DataTypeRoot.INT);
  static final DataType BIGINT = DataType.of(DataTypeRoot.BIGINT);
  static final DataType FLOAT = DataType.of(DataTypeRoot.FLOAT);
  static final DataType DOUBLE = DataType.of(DataTypeRoot.DOUBLE);
  static final DataType STRING = DataType.of(DataTypeRoot.STRING);
  static final DataType BINARY = DataType.of(DataTypeRoot.BINARY);
  static final DataType DATE = DataType.of(DataTypeRoot.DATE);
  static final DataType TIME = DataType.of(DataTypeRoot.TIME);
  static final DataType TIMESTAMP = DataType.of(DataTypeRoot.TIMESTAMP);
  static final DataType TIMESTAMP_LTZ = DataType.of(DataTypeRoot.TIMESTAMP_LTZ);
  static final DataType UUID = DataType.of(DataTypeRoot.UUID);

  private Types() {}

  static boolean isNumeric(DataType type) {
    return switch (type.root()) {
      case INT, BIGINT, FLOAT, DOUBLE, DECIMAL -> true;
      case BOOLEAN, STRING, BINARY, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, UUID, ARRAY -> false;
    };
  }

  static boolean isInteger(DataType type) {
    return type.root() == DataTypeRoot.INT || type.root() == DataTypeRoot.BIGINT;
  }

  static boolean isTemporal(DataType type) {
    return switch (type.root()) {
      case DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ -> true;
      case BOOLEAN, INT, BIGINT, FLOAT, DOUBLE, DECIMAL, STRING, BINARY, UUID, ARRAY -> false;
    };
  }

  /** An integer type as the decimal that holds all its values. */
  static DataType asDecimal(DataType type) {
    return switch (type.root()) {
      case INT -> DataType.decimal(10, 0);
      case BIGINT -> DataType.decimal(19, 0);
      default -> type;
    };
  }

  /** The type both numeric operands are converted to before an operation. */
  static DataType widerNumeric(DataType left, DataType right) {
    DataTypeRoot l = left.root();
    DataTypeRoot r = right.root();
    if (l == DataTypeRoot.DOUBLE || r == DataTypeRoot.DOUBLE) {
      return DOUBLE;
    }
    if (l == DataTypeRoot.FLOAT || r == DataTypeRoot.FLOAT) {
      return l == DataTypeRoot.DECIMAL || r == DataTypeRoot.DECIMAL ? DOUBLE : FLOAT;
    }
    if (l == DataTypeRoot.DECIMAL || r == DataTypeRoot.DECIMAL) {
      DataType a = asDecimal(left);
      DataType b = asDecimal(right);
      int scale = Math.max(a.scale(), b.scale());
      int integerDigits = Math.max(a.precision() - a.scale(), b.precision() - b.scale());
      return bounded(integerDigits + scale, scale);
    }
    return l == DataTypeRoot.BIGINT || r == DataTypeRoot.BIGINT ? BIGINT : INT;
  }

  /** The result type of {@code + - * / %} on two decimals (SQL rules, as Flink's). */
  static DataType decimalResult(String operator, DataType left, DataType right) {
    DataType a = asDecimal(left);
    DataType b = asDecimal(right);
    int p1 = a.precision();
    int s1 = a.scale();
    int p2 = b.precision();
    int s2 = b.scale();
    return switch (operator) {
      case "+", "-" -> {
        int scale = Math.max(s1, s2);
        yield bounded(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
      }
      case "*" -> bounded(p1 + p2, s1 + s2);
      case "/" -> {
        int scale = Math.max(6, s1 + p2 + 1);
        yield bounded(p1 - s1 + s2 + scale, scale);
      }
      case "%" -> {
        int scale = Math.max(s1, s2);
        yield bounded(Math.min(p1 - s1, p2 - s2) + scale, scale);
      }
      default -> throw new IllegalArgumentException("Cannot type decimal operator: " + operator);
    };
  }

  /** Caps a decimal at 38 digits, keeping integer digits first but at least 6 fraction digits. */
  static DataType bounded(int precision, int scale) {
    if (precision <= MAX_DECIMAL_PRECISION) {
      return DataType.decimal(Math.max(precision, 1), scale);
    }
    int integerDigits = precision - scale;
    int keptScale = Math.max(MAX_DECIMAL_PRECISION - integerDigits, Math.min(scale, 6));
    return DataType.decimal(MAX_DECIMAL_PRECISION, Math.min(keptScale, MAX_DECIMAL_PRECISION));
  }

  /** The type of CASE, COALESCE and IF results, or null when the branches do not agree. */
  static DataType common(DataType left, DataType right) {
    if (left == null) {
      return right;
    }
    if (right == null || left.equals(right)) {
      return left;
    }
    if (isNumeric(left) && isNumeric(right)) {
      return widerNumeric(left, right);
    }
    if (left.root() == DataTypeRoot.TIMESTAMP_LTZ && right.root() == DataTypeRoot.TIMESTAMP
        || left.root() == DataTypeRoot.TIMESTAMP && right.root() == DataTypeRoot.TIMESTAMP_LTZ) {
      return TIMESTAMP_LTZ;
    }
    return null;
  }

  /** Fits a decimal to its type: the type's scale (rounding half up), at most its precision. */
  static BigDecimal fit(BigDecimal value, DataType type) {
    BigDecimal scaled =
        value.scale() == type.scale() ? value : value.setScale(type.scale(), RoundingMode.HALF_UP);
    if (scaled.precision() - scaled.scale() > type.precision() - type.scale()) {
      throw new EvaluationException("the result does not fit " + type);
    }
    return scaled;
  }
}
