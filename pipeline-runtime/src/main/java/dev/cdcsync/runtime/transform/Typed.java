package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;

/**
 * A compiled expression with its result type. {@code type} is null for the NULL literal, whose
 * type comes from where it is used. A constant has no inputs and is evaluated once, at compile
 * time.
 */
record Typed(DataType type, Evaluator evaluator, boolean constant) {

  static final Typed NULL = new Typed(null, (row, context) -> null, true);

  static Typed constant(DataType type, Object value) {
    return new Typed(type, (row, context) -> value, true);
  }

  boolean isNullLiteral() {
    return type == null;
  }

  boolean is(DataTypeRoot root) {
    return type != null && type.root() == root;
  }

  /** The value of a constant. */
  Object value() {
    return evaluator.evaluate(null, null);
  }

  String typeName() {
    return type == null ? "NULL" : type.toString();
  }
}
