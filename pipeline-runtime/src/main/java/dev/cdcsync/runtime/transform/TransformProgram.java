package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;

/**
 * A compiled projection and filter for one input schema, in Flink CDC's transform dialect.
 * Immutable and thread-safe; compile once per schema, then call {@link #test} and {@link #project}
 * per row.
 *
 * <p>Names: input columns and the metadata columns {@code __namespace_name__}, {@code
 * __schema_name__}, {@code __table_name__}, {@code __data_event_type__} (STRING) and {@code op_ts}
 * (TIMESTAMP_LTZ, the source commit time) may be used in both the projection and the filter; an
 * input column of the same name hides a metadata column. The filter may also use the names given
 * with AS in the projection; such an alias wins over an input column of the same name, because
 * Flink CDC substitutes the aliased expression into the filter. Names are case-sensitive; when
 * there is no exact match but exactly one that differs only in case, that one is used.
 *
 * <p>Functions without a time zone argument work in the zone of the clock they are given (the
 * pipeline's local-time-zone, UTC unless set).
 */
public final class TransformProgram {

  private final ExpressionText projectionText;
  private final ExpressionText filterText;
  private final List<Column> outputColumns;
  private final Evaluator[] projections;
  private final Evaluator filter;
  private final Map<Integer, String> copiedColumns;

  private TransformProgram(
      ExpressionText projectionText,
      ExpressionText filterText,
      List<Column> outputColumns,
      Evaluator[] projections,
      Evaluator filter,
      Map<Integer, String> copiedColumns) {
    this.projectionText = projectionText;
    this.filterText = filterText;
    this.outputColumns = List.copyOf(outputColumns);
    this.projections = projections;
    this.filter = filter;
    this.copiedColumns = Collections.unmodifiableMap(new LinkedHashMap<>(copiedColumns));
  }

  /**
   * @param rule names the rule in messages, e.g. "transform rule 1 (line 12)"
   * @param projection the projection text, or null for "*" (all columns)
   * @param filter the filter text, or null for none
   * @param input the source table's schema
   * @param environment reads environment variables (for HMAC_SHA256 keys), e.g. System::getenv
   * @param clock for NOW/CURRENT_* functions
   * @throws PermanentPipelineException on an unknown column, a type error, etc.; the message names
   *     the rule, the expression text and the position inside it
   */
  public static TransformProgram compile(
      String rule,
      String projection,
      String filter,
      Schema input,
      Function<String, String> environment,
      Clock clock) {
    return compile(rule, projection, filter, input, environment, clock, UserFunctions.NONE);
  }

  /** As {@link #compile(String, String, String, Schema, Function, Clock)}, with these functions. */
  public static TransformProgram compile(
      String rule,
      String projection,
      String filter,
      Schema input,
      Function<String, String> environment,
      Clock clock,
      UserFunctions userFunctions) {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(clock, "clock");
    InputScope inputs = new InputScope(input);
    ExpressionText projectionText =
        projection == null || projection.isBlank()
            ? null
            : ExpressionText.projection(rule, projection);
    List<Column> columns = new ArrayList<>();
    List<Evaluator> evaluators = new ArrayList<>();
    Map<Integer, String> copied = new LinkedHashMap<>();
    Map<String, Typed> aliases = new LinkedHashMap<>();
    if (projectionText == null) {
      for (int i = 0; i < input.size(); i++) {
        columns.add(input.columns().get(i));
        evaluators.add(InputScope.column(i));
        copied.put(i, input.columns().get(i).name());
      }
    } else {
      ExpressionCompiler compiler =
          new ExpressionCompiler(inputs, clock, environment, userFunctions);
      try {
        for (SqlNode item : projectionText.parse()) {
          String name = TransformSyntax.checkProjectionItem(item, userFunctions);
          if (name.equals("*")) {
            for (int i = 0; i < input.size(); i++) {
              add(columns, evaluators, input.columns().get(i), InputScope.column(i), item);
              copied.put(columns.size() - 1, input.columns().get(i).name());
            }
            continue;
          }
          boolean aliased = item.getKind() == SqlKind.AS;
          SqlNode expression = aliased ? ((SqlCall) item).operand(0) : item;
          Typed typed = compiler.compile(expression);
          if (typed.isNullLiteral()) {
            throw new ExpressionException(
                expression.getParserPosition(),
                "the type of NULL is unknown; write CAST(NULL AS <type>)");
          }
          String source =
              expression instanceof SqlIdentifier identifier ? inputs.inputName(identifier) : null;
          if (!aliased) {
            name = source != null ? source : inputs.resolvedName((SqlIdentifier) expression);
          } else {
            aliases.put(name, typed);
          }
          // A column passed on as it is keeps its default (what earlier rows hold in it) and its
          // comment.
          Column passed = source == null ? null : input.column(source);
          Column column =
              passed != null && passed.type().equals(typed.type())
                  ? new Column(
                      name,
                      typed.type(),
                      passed.defaultValue(),
                      passed.unknownDefault(),
                      passed.comment())
                  : Column.of(name, typed.type());
          add(columns, evaluators, column, typed.evaluator(), item);
          if (source != null) {
            copied.put(columns.size() - 1, source);
          }
        }
      } catch (ExpressionException e) {
        throw new PermanentPipelineException(
            projectionText.message("compile", e.getMessage(), e.position()));
      }
    }
    ExpressionText filterText =
        filter == null || filter.isBlank() ? null : ExpressionText.filter(rule, filter);
    Evaluator filterEvaluator = null;
    if (filterText != null) {
      ExpressionCompiler compiler =
          new ExpressionCompiler(
              new FilterScope(aliases, inputs), clock, environment, userFunctions);
      try {
        SqlNode condition = filterText.parse().get(0);
        Typed typed = compiler.compile(condition);
        if (!typed.isNullLiteral() && !typed.is(DataTypeRoot.BOOLEAN)) {
          throw new ExpressionException(
              condition.getParserPosition(),
              "a filter must be a BOOLEAN condition but is " + typed.typeName());
        }
        filterEvaluator = typed.evaluator();
      } catch (ExpressionException e) {
        throw new PermanentPipelineException(
            filterText.message("compile", e.getMessage(), e.position()));
      }
    }
    return new TransformProgram(
        projectionText,
        filterText,
        columns,
        evaluators.toArray(Evaluator[]::new),
        filterEvaluator,
        copied);
  }

  private static void add(
      List<Column> columns,
      List<Evaluator> evaluators,
      Column column,
      Evaluator evaluator,
      SqlNode item) {
    for (Column existing : columns) {
      if (existing.name().equals(column.name())) {
        throw new ExpressionException(
            item.getParserPosition(), "duplicate output column " + column.name());
      }
    }
    columns.add(column);
    evaluators.add(evaluator);
  }

  /** The output columns, in order (names as written after AS, or the column name for plain refs and *). */
  public List<Column> outputColumns() {
    return outputColumns;
  }

  /** Whether the row passes the filter (true when there is none); NULL does not pass. */
  public boolean test(Object[] inputRow, RowContext context) {
    if (filter == null) {
      return true;
    }
    try {
      return Boolean.TRUE.equals(filter.evaluate(inputRow, context));
    } catch (RuntimeException e) {
      throw failure(filterText, "", e);
    }
  }

  /** The output row for an input row, aligned with {@link #outputColumns()}. */
  public Object[] project(Object[] inputRow, RowContext context) {
    if (projectionText == null) {
      return Arrays.copyOf(inputRow, inputRow.length);
    }
    Object[] output = new Object[projections.length];
    int i = 0;
    try {
      for (; i < output.length; i++) {
        output[i] = projections[i].evaluate(inputRow, context);
      }
    } catch (RuntimeException e) {
      throw failure(projectionText, "column " + outputColumns.get(i).name() + ": ", e);
    }
    return output;
  }

  /** Which output columns are plain copies of an input column: output index to input column name. */
  public Map<Integer, String> copiedColumns() {
    return copiedColumns;
  }

  /** Never carries the row's values: neither in the message nor through a cause. */
  private PermanentPipelineException failure(
      ExpressionText text, String column, RuntimeException e) {
    String reason =
        e instanceof EvaluationException
            ? e.getMessage()
            : e instanceof ArithmeticException
                ? "arithmetic overflow or division by zero"
                : "unexpected " + e.getClass().getSimpleName();
    return new PermanentPipelineException(text.message("evaluate", column + reason, null));
  }
}
