package dev.cdcsync.runtime.schema;

import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.runtime.routing.TableRouter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each sink table's columns in line with the source tables routed to it, as the schema
 * change behavior allows, and rewrites each change for its sink table: a table that merges several
 * source tables takes the union of their columns and their widest types; columns the behavior
 * sends elsewhere or not at all are projected.
 *
 * <p>Each flow (source table to sink table) keeps the schema object it last saw: only an event
 * with another schema object is compared with the sink table's columns.
 */
public final class SinkSchemas {

  private static final Logger LOG = LoggerFactory.getLogger(SinkSchemas.class);

  /** What must happen before a sink table's columns change. */
  public interface BeforeColumnChange {
    /**
     * @param additiveToMergedTable the change only adds columns or widens types of a table that
     *     merges several source tables (its uncommitted snapshot rows may then stay)
     * @param notes what the schema change behavior says of the change, for error messages
     */
    void prepare(TableId sinkTable, boolean additiveToMergedTable, List<String> notes)
        throws Exception;
  }

  /** A source table's changes going to one of its sink tables. */
  private record Flow(TableId source, TableId sink) {}

  /**
   * How a flow's rows reach its sink table: the (transformed) source schema last evolved to, the
   * coercion to a merged table's types and the projection the schema change behavior asks for
   * (each null when not needed).
   */
  private record View(Schema source, SchemaMerger.Coercion coercion, ColumnProjection projection) {
    DataChangeEvent adapt(DataChangeEvent event) {
      DataChangeEvent coerced = coercion == null ? event : coercion.apply(event);
      return projection == null ? coerced : projection.apply(coerced);
    }
  }

  private final Sink sink;
  private final TableRouter router;
  private final SchemaEvolver evolver;
  private final Function<TableId, TableLayout> layouts;
  private final Predicate<TableId> keepsSourceKeys;
  private final Map<Flow, View> views = new HashMap<>();

  /**
   * @param layouts how to lay a new sink table out, by source table (from transform rules)
   * @param keepsSourceKeys whether a source table's sink tables are keyed as it is (see {@link
   *     dev.cdcsync.runtime.transform.Transformer#keepsSourceKeys})
   */
  public SinkSchemas(
      Sink sink,
      TableRouter router,
      SchemaEvolver evolver,
      Function<TableId, TableLayout> layouts,
      Predicate<TableId> keepsSourceKeys) {
    this.sink = sink;
    this.router = router;
    this.evolver = evolver;
    this.layouts = layouts;
    this.keepsSourceKeys = keepsSourceKeys;
  }

  /**
   * The change as the sink table takes it; first brings the table's columns in line when the
   * event's schema is new to this flow, after {@code before} has done what must come first.
   */
  public DataChangeEvent adapt(
      TableId sourceTable, TableId sinkTable, DataChangeEvent event, BeforeColumnChange before)
      throws Exception {
    Flow flow = new Flow(sourceTable, sinkTable);
    View view = views.get(flow);
    if (view == null || view.source() != event.schema()) {
      view = evolve(flow, event, before);
    }
    return view.adapt(event);
  }

  /** Forgets a sink table that was dropped. */
  public void dropped(TableId sinkTable) {
    views.keySet().removeIf(flow -> flow.sink().equals(sinkTable));
  }

  private View evolve(Flow flow, DataChangeEvent event, BeforeColumnChange before)
      throws Exception {
    TableId sinkTable = flow.sink();
    if (router.merges(sinkTable) || !keepsSourceKeys.test(flow.source())) {
      sink.insertsMayRepeatKeys(sinkTable);
    }
    Optional<Schema> current = sink.tableSchema(sinkTable);
    Schema incoming = event.schema();
    SchemaMerger.Coercion coercion = null;
    ColumnProjection projection = null;
    if (current.isPresent()) {
      Schema target = incoming;
      boolean merges = router.merges(sinkTable);
      if (merges) {
        target = SchemaMerger.merge(current.get(), incoming);
        coercion = SchemaMerger.coercion(incoming, target);
      }
      SchemaEvolver.Plan plan = evolver.plan(sinkTable, current.get(), target);
      if (!plan.apply().isEmpty()) {
        before.prepare(sinkTable, merges && SchemaChange.additive(plan.apply()), plan.notes());
        sink.applySchemaChanges(
            sinkTable, merges ? withoutDefaults(sinkTable, plan.apply()) : plan.apply());
        reportUnknownDefaults(sinkTable, plan.apply());
        // Other source tables' rows reach this table differently now.
        dropped(sinkTable);
      }
      for (String note : plan.notes()) {
        LOG.info("Table {}: {}", sinkTable, note);
      }
      Schema written = coercion == null ? incoming : coercion.schema();
      projection = ColumnProjection.of(written, plan.redirects(), plan.unwritten());
    } else {
      evolver.checkCreateTable(sinkTable);
      TableLayout layout = layouts.apply(flow.source());
      if (!layout.equals(TableLayout.DEFAULT)) {
        sink.configureTable(sinkTable, layout);
      }
    }
    View view = new View(incoming, coercion, projection);
    views.put(flow, view);
    return view;
  }

  /**
   * The changes without the defaults of added columns: rows of a table that merges several source
   * tables came from tables that lack the column as well, and which table a row came from is not
   * known, so the rows already written keep NULL.
   */
  private static List<SchemaChange> withoutDefaults(TableId sinkTable, List<SchemaChange> changes) {
    List<SchemaChange> plain = new ArrayList<>(changes.size());
    for (SchemaChange change : changes) {
      if (change instanceof SchemaChange.AddColumn add && add.column().defaultValue() != null) {
        LOG.warn(
            "Table {} merges several source tables: rows written before column {} was added read NULL"
                + " in it, not the default {} the source table that added it gave its existing rows",
            sinkTable,
            add.columnName(),
            add.column().defaultValue());
        plain.add(new SchemaChange.AddColumn(add.column().withoutDefault(), add.afterColumn()));
      } else {
        plain.add(change);
      }
    }
    return plain;
  }

  private static void reportUnknownDefaults(TableId sinkTable, List<SchemaChange> changes) {
    for (SchemaChange change : changes) {
      if (change instanceof SchemaChange.AddColumn add && add.column().unknownDefault() != null) {
        LOG.warn(
            "Table {}: rows that existed when column {} was added read NULL in it until they change, as no change"
                + " carries the value they were given; its default: {}",
            sinkTable,
            add.columnName(),
            add.column().unknownDefault());
      }
    }
  }
}
