package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.sql.parser.SqlParserPos;

/** A function call being compiled: its typed arguments and what functions may read. */
record Call(
    String name,
    List<Typed> arguments,
    List<SqlParserPos> positions,
    SqlParserPos pos,
    Clock clock,
    Function<String, String> environment) {

  int size() {
    return arguments.size();
  }

  Typed argument(int index) {
    return arguments.get(index);
  }

  SqlParserPos position(int index) {
    SqlParserPos position = positions.get(index);
    return position.getLineNum() == 0 ? pos : position;
  }

  boolean allConstant() {
    return arguments.stream().allMatch(Typed::constant);
  }

  ExpressionException error(int index, String reason) {
    return new ExpressionException(position(index), name + ": " + reason);
  }

  /** Argument {@code index}, which must have one of the given roots (or be NULL). */
  Typed require(int index, String expected, DataTypeRoot... roots) {
    Typed argument = argument(index);
    if (argument.isNullLiteral()) {
      return argument;
    }
    for (DataTypeRoot root : roots) {
      if (argument.is(root)) {
        return argument;
      }
    }
    throw error(
        index,
        "argument " + (index + 1) + " must be " + expected + " but is " + argument.typeName());
  }

  Evaluator string(int index) {
    return require(index, "a STRING", DataTypeRoot.STRING).evaluator();
  }

  /** An INT or BIGINT argument, as an Integer. */
  /** The zone of wall-clock times: pipeline option local-time-zone, the clock's zone. */
  ZoneId zone() {
    return clock.getZone();
  }

  Evaluator integer(int index) {
    Typed argument = require(index, "an integer", DataTypeRoot.INT, DataTypeRoot.BIGINT);
    return Operators.coerce(argument, Types.INT, position(index), zone());
  }

  /** Any argument as text (CAST to STRING). */
  Evaluator text(int index) {
    return Operators.coerce(argument(index), Types.STRING, position(index), zone());
  }

  /** The value of an argument that must be a constant. */
  Object constantValue(int index, String what) {
    Typed argument = argument(index);
    if (!argument.constant()) {
      throw error(index, what + " must be a constant");
    }
    return argument.value();
  }

  Typed result(DataType type, Evaluator evaluator) {
    return new Typed(type, evaluator, false);
  }
}
