package dev.cdcsync.runtime.transform;

/**
 * An expression cannot be evaluated for a row. The reason never contains a row value (it may be
 * personal data); {@link TransformProgram} adds the rule and the expression.
 */
final class EvaluationException extends RuntimeException {

  EvaluationException(String reason) {
    super(reason, null, false, false);
  }

  EvaluationException(String reason, Throwable cause) {
    super(reason, cause, false, false);
  }
}
