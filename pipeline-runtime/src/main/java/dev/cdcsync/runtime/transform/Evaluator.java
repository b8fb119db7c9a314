package dev.cdcsync.runtime.transform;

/** One compiled expression node: computes its value (null for SQL NULL) for an input row. */
@FunctionalInterface
interface Evaluator {

  Object evaluate(Object[] row, RowContext context);
}
