package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.ConfigurationException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/** Start-up checks of transform expressions that need no schema. */
public final class TransformSyntax {

  /** Call kinds the compiler handles itself; every other call is looked up as a function. */
  static final Set<SqlKind> OPERATORS =
      EnumSet.of(
          SqlKind.AS,
          SqlKind.PLUS,
          SqlKind.MINUS,
          SqlKind.TIMES,
          SqlKind.DIVIDE,
          SqlKind.MOD,
          SqlKind.MINUS_PREFIX,
          SqlKind.PLUS_PREFIX,
          SqlKind.EQUALS,
          SqlKind.NOT_EQUALS,
          SqlKind.LESS_THAN,
          SqlKind.LESS_THAN_OR_EQUAL,
          SqlKind.GREATER_THAN,
          SqlKind.GREATER_THAN_OR_EQUAL,
          SqlKind.AND,
          SqlKind.OR,
          SqlKind.NOT,
          SqlKind.IS_NULL,
          SqlKind.IS_NOT_NULL,
          SqlKind.IS_TRUE,
          SqlKind.IS_NOT_TRUE,
          SqlKind.IS_FALSE,
          SqlKind.IS_NOT_FALSE,
          SqlKind.IN,
          SqlKind.NOT_IN,
          SqlKind.BETWEEN,
          SqlKind.LIKE,
          SqlKind.CAST,
          SqlKind.SAFE_CAST,
          SqlKind.TRIM,
          SqlKind.TIMESTAMP_ADD,
          SqlKind.TIMESTAMP_DIFF,
          SqlKind.ITEM,
          SqlKind.CASE);

  private TransformSyntax() {}

  /**
   * Checks the syntax, that every function is known and takes that many arguments, and that
   * computed projection items are named.
   *
   * @param projection the projection text, or null for all columns
   * @param filter the filter text, or null for none
   * @throws ConfigurationException naming the rule, the expression and the position
   */
  public static void check(String rule, String projection, String filter) {
    check(rule, projection, filter, UserFunctions.NONE);
  }

  /** As {@link #check(String, String, String)}, knowing these user-defined functions too. */
  public static void check(
      String rule, String projection, String filter, UserFunctions userFunctions) {
    if (projection != null && !projection.isBlank()) {
      check(ExpressionText.projection(rule, projection), userFunctions);
    }
    if (filter != null && !filter.isBlank()) {
      check(ExpressionText.filter(rule, filter), userFunctions);
    }
  }

  private static void check(ExpressionText text, UserFunctions userFunctions) {
    try {
      List<SqlNode> items = text.parse();
      for (SqlNode item : items) {
        if (text.part().equals("projection")) {
          checkProjectionItem(item, userFunctions);
        } else {
          walk(item, userFunctions);
        }
      }
    } catch (ExpressionException e) {
      throw new ConfigurationException(text.message("check", e.getMessage(), e.position()));
    }
  }

  /** Names an item's output column: the alias, or the name of a plain column reference. */
  static String checkProjectionItem(SqlNode item, UserFunctions userFunctions) {
    if (item instanceof SqlIdentifier identifier) {
      if (!identifier.isStar() && !identifier.isSimple()) {
        throw new ExpressionException(
            item.getParserPosition(), "qualified names are not supported: " + identifier);
      }
      return identifier.isStar() ? "*" : identifier.getSimple();
    }
    if (item.getKind() == SqlKind.AS) {
      List<SqlNode> operands = ((SqlCall) item).getOperandList();
      if (operands.size() != 2) {
        throw new ExpressionException(item.getParserPosition(), "AS takes one column name");
      }
      walk(operands.get(0), userFunctions);
      return ((SqlIdentifier) operands.get(1)).getSimple();
    }
    walk(item, userFunctions);
    throw new ExpressionException(
        item.getParserPosition(), "a computed column needs a name: write <expression> AS <name>");
  }

  private static void walk(SqlNode node, UserFunctions userFunctions) {
    if (node instanceof SqlIdentifier identifier && identifier.isStar()) {
      throw new ExpressionException(
          node.getParserPosition(), "* is only allowed as a projection item");
    }
    if (node instanceof SqlDataTypeSpec spec) {
      CastTypes.of(spec);
      return;
    }
    if (node instanceof SqlNodeList list) {
      list.forEach(item -> walk(item, userFunctions));
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    if (call.getKind() == SqlKind.AS) {
      throw new ExpressionException(
          node.getParserPosition(), "AS is only allowed after a projection item");
    }
    if (!OPERATORS.contains(call.getKind())
        && call instanceof SqlBasicCall
        && !"||".equals(call.getOperator().getName())) {
      String name = call.getOperator().getName();
      FunctionCatalog.Entry entry = FunctionCatalog.find(name);
      UserFunctions.Function user = entry == null ? userFunctions.find(name) : null;
      int count = call.operandCount();
      if (entry == null && user == null) {
        throw new ExpressionException(node.getParserPosition(), unknownFunction(name));
      }
      if (user != null && !user.takes(count)) {
        throw new ExpressionException(
            node.getParserPosition(),
            user.name() + " takes no " + count + " arguments: it has " + user.arities());
      }
      if (entry != null && (count < entry.minArguments() || count > entry.maxArguments())) {
        throw new ExpressionException(
            node.getParserPosition(),
            FunctionCatalog.display(name) + " takes " + entry.arity() + " but got " + count);
      }
    }
    for (SqlNode operand : call.getOperandList()) {
      if (operand != null) {
        walk(operand, userFunctions);
      }
    }
  }

  static String unknownFunction(String name) {
    List<String> close = FunctionCatalog.closeMatches(name);
    return "unknown function "
        + FunctionCatalog.display(name)
        + (close.isEmpty() ? "" : "; did you mean " + String.join(", ", close) + "?");
  }
}
