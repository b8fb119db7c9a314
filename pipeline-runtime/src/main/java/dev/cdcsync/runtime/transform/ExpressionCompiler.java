package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalLiteral;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlUnknownLiteral;
import org.apache.calcite.sql.fun.SqlBetweenOperator;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlLikeOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/** Turns a parsed expression into a tree of evaluators, checking names and types on the way. */
final class ExpressionCompiler {

  /** Resolves column names; returns null for an unknown name. */
  interface Scope {
    Typed resolve(SqlIdentifier identifier);

    /** The names a user may refer to, for messages. */
    List<String> names();
  }

  private final Scope scope;
  private final Clock clock;
  private final Function<String, String> environment;
  private final UserFunctions userFunctions;

  ExpressionCompiler(
      Scope scope, Clock clock, Function<String, String> environment, UserFunctions userFunctions) {
    this.scope = scope;
    this.clock = clock;
    this.environment = environment;
    this.userFunctions = userFunctions;
  }

  Typed compile(SqlNode node) {
    Typed typed = compileNode(node);
    if (typed.constant() && !typed.isNullLiteral()) {
      try {
        return Typed.constant(typed.type(), typed.value());
      } catch (EvaluationException e) {
        return new Typed(
            typed.type(), typed.evaluator(), false); // fails per row, with the rule named
      }
    }
    return typed;
  }

  private Typed compileNode(SqlNode node) {
    SqlParserPos pos = node.getParserPosition();
    if (node instanceof SqlIdentifier identifier) {
      return identifier(identifier);
    }
    if (node instanceof SqlLiteral literal) {
      return literal(literal);
    }
    if (node instanceof SqlCase sqlCase) {
      List<Typed> conditions = compileAll(sqlCase.getWhenOperands());
      List<Typed> results = compileAll(sqlCase.getThenOperands());
      SqlNode otherwise = sqlCase.getElseOperand();
      return Predicates.caseWhen(
          conditions,
          results,
          otherwise == null ? Typed.NULL : compile(otherwise),
          pos,
          clock.getZone());
    }
    if (!(node instanceof SqlBasicCall call)) {
      throw new ExpressionException(pos, "unsupported expression: " + node);
    }
    List<SqlNode> operands = call.getOperandList();
    return switch (call.getKind()) {
      case AS -> throw new ExpressionException(pos, "AS is only allowed after a projection item");
      case PLUS -> {
        if (operands.get(0) instanceof SqlIntervalLiteral interval) {
          yield Intervals.add(compile(operands.get(1)), interval, false, pos, clock.getZone());
        }
        if (operands.get(1) instanceof SqlIntervalLiteral interval) {
          yield Intervals.add(compile(operands.get(0)), interval, false, pos, clock.getZone());
        }
        yield Operators.arithmetic("+", compile(operands.get(0)), compile(operands.get(1)), pos);
      }
      case MINUS -> {
        if (operands.get(1) instanceof SqlIntervalLiteral interval) {
          yield Intervals.add(compile(operands.get(0)), interval, true, pos, clock.getZone());
        }
        yield Operators.arithmetic("-", compile(operands.get(0)), compile(operands.get(1)), pos);
      }
      case TIMES ->
          Operators.arithmetic("*", compile(operands.get(0)), compile(operands.get(1)), pos);
      case DIVIDE ->
          Operators.arithmetic("/", compile(operands.get(0)), compile(operands.get(1)), pos);
      case MOD ->
          Operators.arithmetic("%", compile(operands.get(0)), compile(operands.get(1)), pos);
      case MINUS_PREFIX -> Operators.negate(compile(operands.get(0)), pos);
      case PLUS_PREFIX -> compile(operands.get(0));
      case EQUALS -> comparison("=", operands, pos);
      case NOT_EQUALS -> comparison("<>", operands, pos);
      case LESS_THAN -> comparison("<", operands, pos);
      case LESS_THAN_OR_EQUAL -> comparison("<=", operands, pos);
      case GREATER_THAN -> comparison(">", operands, pos);
      case GREATER_THAN_OR_EQUAL -> comparison(">=", operands, pos);
      case AND -> logic(true, operands, pos);
      case OR -> logic(false, operands, pos);
      case NOT -> Predicates.not(compile(operands.get(0)), pos);
      case IS_NULL -> Predicates.is("NULL", compile(operands.get(0)), pos);
      case IS_NOT_NULL -> Predicates.is("NOT NULL", compile(operands.get(0)), pos);
      case IS_TRUE -> Predicates.is("TRUE", compile(operands.get(0)), pos);
      case IS_NOT_TRUE -> Predicates.is("NOT TRUE", compile(operands.get(0)), pos);
      case IS_FALSE -> Predicates.is("FALSE", compile(operands.get(0)), pos);
      case IS_NOT_FALSE -> Predicates.is("NOT FALSE", compile(operands.get(0)), pos);
      case IN, NOT_IN -> in(call, operands, pos);
      case BETWEEN -> between(call, operands, pos);
      case LIKE ->
          StringFunctions.like(
              compile(operands.get(0)),
              compile(operands.get(1)),
              operands.size() > 2 ? compile(operands.get(2)) : null,
              ((SqlLikeOperator) call.getOperator()).isNegated(),
              pos);
      case CAST -> cast(operands, false, pos);
      case SAFE_CAST -> cast(operands, true, pos);
      case TRIM ->
          function(
              "TRIM",
              List.of(
                  Typed.constant(
                      Types.STRING, ((SqlLiteral) operands.get(0)).getValueAs(Enum.class).name()),
                  compile(operands.get(1)),
                  compile(operands.get(2))),
              call,
              pos);
      case EXTRACT ->
          function("EXTRACT", List.of(unit(operands.get(0)), compile(operands.get(1))), call, pos);
      case ITEM ->
          ArrayFunctions.item(
              compile(operands.get(0)), compile(operands.get(1)), pos, clock.getZone());
      case TIMESTAMP_ADD, TIMESTAMP_DIFF ->
          function(
              call.getOperator().getName(),
              List.of(unit(operands.get(0)), compile(operands.get(1)), compile(operands.get(2))),
              call,
              pos);
      case FLOOR, CEIL -> {
        if (operands.size() != 1) {
          throw new ExpressionException(
              pos, call.getOperator().getName() + " ... TO <unit> is not supported");
        }
        yield function(call.getOperator().getName(), compileAll(operands), call, pos);
      }
      default ->
          "||".equals(call.getOperator().getName())
              ? function("CONCAT", compileAll(operands), call, pos)
              : function(call.getOperator().getName(), compileAll(operands), call, pos);
    };
  }

  private List<Typed> compileAll(List<SqlNode> nodes) {
    List<Typed> typed = new ArrayList<>(nodes.size());
    for (SqlNode node : nodes) {
      typed.add(compile(node));
    }
    return typed;
  }

  private Typed comparison(String operator, List<SqlNode> operands, SqlParserPos pos) {
    return Predicates.compare(
        operator, compile(operands.get(0)), compile(operands.get(1)), pos, clock.getZone());
  }

  private Typed logic(boolean and, List<SqlNode> operands, SqlParserPos pos) {
    Typed result = compile(operands.get(0));
    for (int i = 1; i < operands.size(); i++) {
      Typed next = compile(operands.get(i));
      result = and ? Predicates.and(result, next, pos) : Predicates.or(result, next, pos);
    }
    return result;
  }

  private Typed in(SqlBasicCall call, List<SqlNode> operands, SqlParserPos pos) {
    if (!(operands.get(1) instanceof SqlNodeList list)) {
      throw new ExpressionException(pos, "IN needs a list of values");
    }
    Typed in =
        Predicates.in(compile(operands.get(0)), compileAll(list.getList()), pos, clock.getZone());
    return call.getKind() == org.apache.calcite.sql.SqlKind.NOT_IN ? Predicates.not(in, pos) : in;
  }

  private Typed between(SqlBasicCall call, List<SqlNode> operands, SqlParserPos pos) {
    Typed value = compile(operands.get(0));
    Typed low = compile(operands.get(1));
    Typed high = compile(operands.get(2));
    Typed between =
        Predicates.and(
            Predicates.compare(">=", value, low, pos, clock.getZone()),
            Predicates.compare("<=", value, high, pos, clock.getZone()),
            pos);
    return ((SqlBetweenOperator) call.getOperator()).isNegated()
        ? Predicates.not(between, pos)
        : between;
  }

  private Typed cast(List<SqlNode> operands, boolean orNull, SqlParserPos pos) {
    Typed value = compile(operands.get(0));
    DataType target = CastTypes.of((SqlDataTypeSpec) operands.get(1));
    if (value.isNullLiteral()) {
      return new Typed(target, value.evaluator(), true);
    }
    UnaryOperator<Object> converter = Casts.converter(value.type(), target, clock.getZone());
    if (converter == null) {
      throw new ExpressionException(pos, "cannot cast " + value.typeName() + " to " + target);
    }
    UnaryOperator<Object> conversion =
        !orNull
            ? converter
            : v -> {
              try {
                return converter.apply(v);
              } catch (EvaluationException e) {
                return null;
              }
            };
    return new Typed(target, Operators.strict(value.evaluator(), conversion), value.constant());
  }

  private static Typed unit(SqlNode node) {
    String unit =
        node instanceof SqlIntervalQualifier qualifier
            ? qualifier.getUnit().name()
            : node.toString().toUpperCase(Locale.ROOT);
    return Typed.constant(Types.STRING, unit);
  }

  private Typed function(String name, List<Typed> arguments, SqlCall call, SqlParserPos pos) {
    FunctionCatalog.Entry entry = FunctionCatalog.find(name);
    if (entry == null) {
      UserFunctions.Function user = userFunctions.find(name);
      if (user == null) {
        throw new ExpressionException(pos, TransformSyntax.unknownFunction(name));
      }
      // Not folded when its arguments are constant: a function may differ from call to call.
      return user.compile(
          new Call(
              user.name(), arguments, positions(arguments, call, pos), pos, clock, environment));
    }
    if (arguments.size() < entry.minArguments() || arguments.size() > entry.maxArguments()) {
      throw new ExpressionException(
          pos,
          FunctionCatalog.display(name)
              + " takes "
              + entry.arity()
              + " but got "
              + arguments.size());
    }
    Call compiled =
        new Call(
            FunctionCatalog.display(name),
            arguments,
            positions(arguments, call, pos),
            pos,
            clock,
            environment);
    Typed result = entry.compiler().apply(compiled);
    boolean deterministic = !"UUID".equals(compiled.name()) && !arguments.isEmpty();
    return result.constant() || !deterministic || !compiled.allConstant()
        ? result
        : new Typed(result.type(), result.evaluator(), true);
  }

  private static List<SqlParserPos> positions(
      List<Typed> arguments, SqlCall call, SqlParserPos pos) {
    List<SqlParserPos> positions = new ArrayList<>();
    for (int i = 0; i < arguments.size(); i++) {
      positions.add(
          call == null || i >= call.operandCount() || call.operand(i) == null
              ? pos
              : call.operand(i).getParserPosition());
    }
    return positions;
  }

  private Typed identifier(SqlIdentifier identifier) {
    SqlParserPos pos = identifier.getParserPosition();
    if (identifier.isStar()) {
      throw new ExpressionException(pos, "* is only allowed as a projection item");
    }
    Typed column = scope.resolve(identifier);
    if (column != null) {
      return column;
    }
    if (identifier.isSimple()
        && FunctionCatalog.NILADIC.contains(identifier.getSimple().toUpperCase(Locale.ROOT))) {
      return function(identifier.getSimple(), List.of(), null, pos);
    }
    throw new ExpressionException(
        pos,
        "unknown column "
            + identifier
            + "; available columns: "
            + String.join(", ", scope.names()));
  }

  private static Typed literal(SqlLiteral literal) {
    SqlParserPos pos = literal.getParserPosition();
    if (literal.getTypeName() == SqlTypeName.NULL) {
      return Typed.NULL;
    }
    if (literal instanceof SqlNumericLiteral number) {
      BigDecimal value = number.getValueAs(BigDecimal.class);
      if (!number.isExact()) {
        return Typed.constant(Types.DOUBLE, value.doubleValue());
      }
      if (value.scale() <= 0) {
        BigDecimal integer = value.setScale(0);
        if (integer.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0
            && integer.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0) {
          return Typed.constant(Types.INT, integer.intValue());
        }
        if (integer.toBigInteger().bitLength() < 64) {
          return Typed.constant(Types.BIGINT, integer.longValue());
        }
      }
      int scale = Math.max(value.scale(), 0);
      int precision = Math.max(value.precision(), scale);
      if (precision > DataType.MAX_DECIMAL_PRECISION) {
        throw new ExpressionException(pos, "the number has more than 38 digits");
      }
      DataType type = DataType.decimal(precision, scale);
      return Typed.constant(type, value.setScale(scale));
    }
    if (literal instanceof SqlIntervalLiteral) {
      throw new ExpressionException(
          pos, "an INTERVAL is only added to or subtracted from a DATE, TIME or TIMESTAMP");
    }
    if (literal instanceof SqlCharStringLiteral) {
      return Typed.constant(Types.STRING, literal.getValueAs(String.class));
    }
    if (literal.getTypeName() == SqlTypeName.BOOLEAN) {
      return Typed.constant(Types.BOOLEAN, literal.booleanValue());
    }
    if (literal instanceof SqlUnknownLiteral unknown) {
      DataType type =
          switch (unknown.tag.toUpperCase(Locale.ROOT)) {
            case "DATE" -> Types.DATE;
            case "TIME" -> Types.TIME;
            case "TIMESTAMP" -> Types.TIMESTAMP;
            default -> throw new ExpressionException(pos, "unsupported literal: " + unknown.tag);
          };
      try {
        // A DATE, TIME or TIMESTAMP literal: no instant, so no zone is involved.
        return Typed.constant(
            type, Casts.converter(Types.STRING, type, ZoneOffset.UTC).apply(unknown.getValue()));
      } catch (EvaluationException e) {
        throw new ExpressionException(pos, "invalid " + type + " literal");
      }
    }
    throw new ExpressionException(pos, "unsupported literal: " + literal);
  }
}
