package dev.cdcsync.runtime.transform;

import org.apache.calcite.sql.parser.SqlParserPos;

/** A compile-time mistake in an expression, at a position of the parsed text. */
final class ExpressionException extends RuntimeException {

  private final transient SqlParserPos position;

  ExpressionException(SqlParserPos position, String reason) {
    super(reason, null, false, false);
    this.position = position;
  }

  SqlParserPos position() {
    return position;
  }
}
