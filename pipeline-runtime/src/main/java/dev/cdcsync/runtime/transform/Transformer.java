package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@code transform} rules: the first rule whose {@code source-table} matches a table
 * projects and filters its changes; a table no rule matches passes as it is.
 *
 * <p>The filter decides on the row after the change. An insert it rejects is dropped; an update
 * it rejects becomes a delete of the row, so that a row that leaves the filter leaves the sink
 * table too. Deletes always pass, since a source may give only the key of a deleted row (a delete
 * of a row the sink never had changes nothing in an upsert table). With SOFT_DELETE a delete is
 * written as the row's last values with {@code __data_event_type__} {@code -D}.
 *
 * <p>Not thread-safe: the pipeline calls it from one thread at a time.
 */
public final class Transformer {

  private static final Logger LOG = LoggerFactory.getLogger(Transformer.class);

  /** A transformer without rules. */
  public static final Transformer NONE =
      new Transformer(List.of(), name -> null, Clock.systemUTC());

  private final List<TransformRule> rules;
  private final Function<String, String> environment;
  private final Clock clock;
  private final Map<TableId, Optional<TransformRule>> ruleOfTable = new HashMap<>();

  /** Per source schema (by identity): its compiled rule and the sink-side schema. */
  private final Map<Schema, Compiled> compiled = new IdentityHashMap<>();

  private record Compiled(TransformProgram program, Schema output) {}

  public Transformer(List<TransformRule> rules, Function<String, String> environment, Clock clock) {
    this.rules = List.copyOf(rules);
    this.environment = environment;
    this.clock = clock;
  }

  /** The layout a source table's rule asks of the sink tables it creates. */
  public TableLayout layout(TableId sourceTable) {
    return rule(sourceTable).map(TransformRule::layout).orElse(TableLayout.DEFAULT);
  }

  /**
   * Whether the sink tables of a source table are keyed as the source table is, each source row
   * one sink row: no rule gives them another key ({@code primary-keys}) or keeps deleted rows
   * ({@code SOFT_DELETE}). A projection that leaves a key column out leaves the sink without a key.
   */
  public boolean keepsSourceKeys(TableId sourceTable) {
    return rule(sourceTable)
        .map(rule -> rule.primaryKeys().isEmpty() && !rule.softDelete())
        .orElse(true);
  }

  /** The change as its sink tables receive it, or null when the rule's filter drops it. */
  public DataChangeEvent apply(DataChangeEvent event) {
    Optional<TransformRule> match = rule(event.tableId());
    if (match.isEmpty()) {
      return event;
    }
    TransformRule rule = match.get();
    Compiled program = compiled.computeIfAbsent(event.schema(), schema -> compile(rule, schema));
    TableId table = event.tableId();
    long ts = event.sourceTimestampMillis();
    return switch (event.operation()) {
      case READ, INSERT -> {
        RowContext context = new RowContext(table, "+I", ts);
        if (!program.program().test(event.after(), context)) {
          yield null;
        }
        yield new DataChangeEvent(
            table,
            program.output(),
            event.operation(),
            null,
            project(program, event.after(), context),
            ts);
      }
      case UPDATE -> {
        RowContext after = new RowContext(table, "+U", ts);
        Object[] before =
            event.before() == null
                ? null
                : project(program, event.before(), new RowContext(table, "-U", ts));
        if (program.program().test(event.after(), after)) {
          yield DataChangeEvent.update(
              table, program.output(), before, project(program, event.after(), after), ts);
        }
        // The row leaves the filter: it leaves the sink table too.
        yield DataChangeEvent.delete(
            table,
            program.output(),
            before != null
                ? before
                : project(program, event.after(), new RowContext(table, "-D", ts)),
            ts);
      }
      case DELETE -> {
        Object[] before = project(program, event.before(), new RowContext(table, "-D", ts));
        yield rule.softDelete()
            ? DataChangeEvent.update(table, program.output(), null, before, ts)
            : DataChangeEvent.delete(table, program.output(), before, ts);
      }
      case TRUNCATE, DROP_TABLE -> event;
    };
  }

  private static Object[] project(Compiled program, Object[] row, RowContext context) {
    return program.program().project(row, context);
  }

  private Optional<TransformRule> rule(TableId table) {
    return ruleOfTable.computeIfAbsent(
        table, t -> rules.stream().filter(rule -> rule.matches(t)).findFirst());
  }

  private Compiled compile(TransformRule rule, Schema input) {
    TransformProgram program =
        TransformProgram.compile(
            rule.rule(),
            rule.projection(),
            rule.filter(),
            input,
            environment,
            clock,
            rule.userFunctions());
    List<Column> columns = program.outputColumns();
    Map<String, Integer> outputIndex = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      outputIndex.put(columns.get(i).name(), i);
    }
    Map<String, String> copiedTo = new HashMap<>();
    program
        .copiedColumns()
        .forEach((index, inputName) -> copiedTo.putIfAbsent(inputName, columns.get(index).name()));
    List<String> keys = new ArrayList<>();
    if (!rule.primaryKeys().isEmpty()) {
      for (String key : rule.primaryKeys()) {
        if (!outputIndex.containsKey(key)) {
          throw new PermanentPipelineException(
              "Cannot apply "
                  + rule.rule()
                  + ": primary key column '"
                  + key
                  + "' is not among the projection's columns "
                  + columns.stream().map(Column::name).toList());
        }
        keys.add(key);
      }
    } else {
      for (String key : input.primaryKeys()) {
        String copied = copiedTo.get(key);
        if (copied == null) {
          LOG.warn(
              "{}: the projection leaves out key column {}; the sink table has no key and is written"
                  + " as a changelog (set primary-keys to give it one)",
              rule.rule(),
              key);
          keys.clear();
          break;
        }
        keys.add(copied);
      }
    }
    Map<String, String> renamedFrom = new LinkedHashMap<>();
    input
        .renamedFrom()
        .forEach(
            (to, from) -> {
              String copied = copiedTo.get(to);
              if (to.equals(copied)) {
                renamedFrom.put(to, from);
              }
            });
    return new Compiled(program, new Schema(columns, keys, renamedFrom, input.comment()));
  }
}
