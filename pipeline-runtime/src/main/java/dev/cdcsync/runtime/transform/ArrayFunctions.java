package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * ARRAY[…], {@code array[index]} and the functions on arrays, as Flink CDC has them. Indexes and
 * positions count from 1; elements compare by value, as {@code =} does (an INT element equals the
 * DECIMAL 1.0).
 */
final class ArrayFunctions {

  private ArrayFunctions() {}

  /** ARRAY[v1, v2, …]: the values' common type is the element type. */
  static Typed array(Call call) {
    DataType element = null;
    for (int i = 0; i < call.size(); i++) {
      Typed value = call.argument(i);
      DataType common = value.isNullLiteral() ? element : Types.common(element, value.type());
      if (common == null && !value.isNullLiteral()) {
        throw call.error(
            i, "the elements have no common type: " + element + " and " + value.typeName());
      }
      element = common;
    }
    if (element == null) {
      throw call.error(0, "an array of NULLs only has no element type: CAST one of them");
    }
    Evaluator[] values = new Evaluator[call.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = Operators.coerce(call.argument(i), element, call.position(i), call.zone());
    }
    return call.result(
        DataType.array(element),
        (row, context) -> {
          Object[] elements = new Object[values.length];
          for (int i = 0; i < values.length; i++) {
            elements[i] = values[i].evaluate(row, context);
          }
          return Arrays.asList(elements);
        });
  }

  /** {@code array[index]}: the element at a 1-based index, NULL outside the array. */
  static Typed item(Typed array, Typed index, SqlParserPos pos, ZoneId zone) {
    if (!array.isNullLiteral() && !array.is(DataTypeRoot.ARRAY)) {
      throw new ExpressionException(pos, "[…] takes an ARRAY, not " + array.typeName());
    }
    if (!index.isNullLiteral() && !Types.isInteger(index.type())) {
      throw new ExpressionException(pos, "an array index is an integer, not " + index.typeName());
    }
    if (array.isNullLiteral()) {
      return Typed.NULL;
    }
    return new Typed(
        array.type().elementType(),
        Operators.strict(
            array.evaluator(),
            Operators.coerce(index, Types.INT, pos, zone),
            (a, i) -> {
              List<?> elements = (List<?>) a;
              int at = (Integer) i;
              return at >= 1 && at <= elements.size() ? elements.get(at - 1) : null;
            }),
        false);
  }

  /** CARDINALITY(array): the number of elements. */
  static Typed cardinality(Call call) {
    return call.result(
        Types.INT, Operators.strict(array(call, 0).evaluator(), a -> ((List<?>) a).size()));
  }

  /** ELEMENT(array): the only element; NULL for an empty array; more stop the pipeline. */
  static Typed element(Call call) {
    Typed array = array(call, 0);
    return call.result(
        elementType(array),
        Operators.strict(
            array.evaluator(),
            a -> {
              List<?> elements = (List<?>) a;
              if (elements.size() > 1) {
                throw new EvaluationException(
                    "ELEMENT: the array has " + elements.size() + " elements, not one");
              }
              return elements.isEmpty() ? null : elements.get(0);
            }));
  }

  /** ARRAY_CONTAINS(array, value): whether an element equals the value (a NULL one, for NULL). */
  static Typed arrayContains(Call call) {
    Typed array = array(call, 0);
    Evaluator elements = array.evaluator();
    Evaluator value = needle(call, array);
    Comparator<Object> equality = equality(call, array);
    return call.result(
        Types.BOOLEAN,
        (row, context) -> {
          Object a = elements.evaluate(row, context);
          if (a == null) {
            return null;
          }
          Object v = value.evaluate(row, context);
          for (Object element : (List<?>) a) {
            if (element == null ? v == null : v != null && equality.compare(element, v) == 0) {
              return true;
            }
          }
          return false;
        });
  }

  /** ARRAY_POSITION(array, value): the 1-based position of the first equal element, 0 if none. */
  static Typed arrayPosition(Call call) {
    Typed array = array(call, 0);
    Comparator<Object> equality = equality(call, array);
    return call.result(
        Types.INT,
        Operators.strict(
            array.evaluator(),
            needle(call, array),
            (a, v) -> {
              List<?> elements = (List<?>) a;
              for (int i = 0; i < elements.size(); i++) {
                if (elements.get(i) != null && equality.compare(elements.get(i), v) == 0) {
                  return i + 1;
                }
              }
              return 0;
            }));
  }

  private static Typed array(Call call, int index) {
    return call.require(index, "an ARRAY", DataTypeRoot.ARRAY);
  }

  private static DataType elementType(Typed array) {
    return array.isNullLiteral() ? Types.STRING : array.type().elementType();
  }

  /** The type an element and the value are compared as. */
  private static DataType comparedAs(Call call, Typed array) {
    return Predicates.comparisonType(
        new Typed(elementType(array), null, false), call.argument(1), call.position(1));
  }

  /** The value argument, as the type elements are compared as. */
  private static Evaluator needle(Call call, Typed array) {
    return Operators.coerce(
        call.argument(1), comparedAs(call, array), call.position(1), call.zone());
  }

  /** Compares an element (of the element type) with the value (converted by {@link #needle}). */
  private static Comparator<Object> equality(Call call, Typed array) {
    DataType type = comparedAs(call, array);
    Comparator<Object> comparator = Predicates.comparator(type);
    DataType element = elementType(array);
    UnaryOperator<Object> converter =
        element.equals(type)
            ? UnaryOperator.identity()
            : Casts.converter(element, type, call.zone());
    if (converter == null) {
      throw call.error(1, "cannot compare " + element + " elements with " + type);
    }
    return (e, v) -> comparator.compare(converter.apply(e), v);
  }
}
