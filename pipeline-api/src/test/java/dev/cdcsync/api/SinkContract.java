package dev.cdcsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Sink} must do. An implementation's test extends this class and says how to
 * open a sink on one store (again, as a restarted process would) and how to read a table's
 * committed rows back with the store's own reader.
 */
public abstract class SinkContract {

  private static final TableId SOURCE = TableId.of("shop", "public", "items");
  private static final TableId ITEMS = TableId.of("public", "items");
  private static final TableId LOG = TableId.of("public", "log");
  private static final Schema KEYED =
      Schema.of(
          List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("name", DataTypeRoot.STRING)),
          List.of("id"));
  private static final Schema UNKEYED =
      Schema.of(
          List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("name", DataTypeRoot.STRING)),
          List.of());

  private Sink sink;
  private long sequence;
  private long checkpoint;

  /** A sink on the store the test's other sinks share; each call a new instance. */
  protected abstract Sink openSink() throws Exception;

  /** The table's committed rows, each its values in column order. */
  protected abstract List<List<Object>> committedRows(TableId table) throws Exception;

  @BeforeEach
  void open() throws Exception {
    sink = openSink();
  }

  @AfterEach
  void close() throws Exception {
    sink.close();
  }

  @Test
  public void showsNothingBeforeTheCommitAndEverythingAfter() throws Exception {
    write(ITEMS, DataChangeEvent.read(SOURCE, KEYED, row(1, "one"), 1));
    write(ITEMS, DataChangeEvent.read(SOURCE, KEYED, row(2, "two"), 2));
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    assertThat(prepared).containsOnlyKeys(ITEMS);
    assertThat(rowsOrNone(ITEMS)).isEmpty();

    List<TableCommit> commits = sink.commit(nextCheckpoint(), prepared);

    assertThat(commits).containsExactly(new TableCommit(ITEMS, 2, 2));
    assertThat(rows(ITEMS)).containsExactly(List.of(1L, "one"), List.of(2L, "two"));
  }

  @Test
  public void appliesChangesToOneKeyInTheOrderWritten() throws Exception {
    write(ITEMS, DataChangeEvent.read(SOURCE, KEYED, row(1, "one"), 1));
    write(ITEMS, DataChangeEvent.read(SOURCE, KEYED, row(2, "two"), 1));
    commit();

    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(3, "three"), 2));
    write(ITEMS, DataChangeEvent.update(SOURCE, KEYED, row(3, "three"), row(3, "drei"), 3));
    write(ITEMS, DataChangeEvent.delete(SOURCE, KEYED, row(3, "drei"), 4));
    write(ITEMS, DataChangeEvent.update(SOURCE, KEYED, row(1, "one"), row(1, "uno"), 5));
    write(ITEMS, DataChangeEvent.delete(SOURCE, KEYED, row(2, "two"), 6));
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(2, "two again"), 7));
    // A key change: an update whose before and after keys differ.
    write(ITEMS, DataChangeEvent.update(SOURCE, KEYED, row(1, "uno"), row(4, "uno moved"), 8));
    commit();

    assertThat(rows(ITEMS)).containsExactly(List.of(2L, "two again"), List.of(4L, "uno moved"));
  }

  @Test
  public void commitsACheckpointOnceHoweverOftenItIsCommittedOrRecovered() throws Exception {
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(1, "one"), 1));
    Map<TableId, byte[]> first = sink.prepareCommit();
    Checkpoint one = nextCheckpoint();
    sink.commit(one, first);
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(2, "two"), 2));
    Checkpoint two = nextCheckpoint();
    sink.commit(two, sink.prepareCommit());

    assertThat(sink.commit(one, first)).isEmpty();
    try (Sink restarted = openSink()) {
      assertThat(restarted.recover(two, Map.of())).isEmpty();
      assertThat(restarted.recover(one, first)).isEmpty();
    }
    assertThat(rows(ITEMS)).containsExactly(List.of(1L, "one"), List.of(2L, "two"));
  }

  @Test
  public void anotherInstanceCommitsWhatThisOnePrepared() throws Exception {
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(1, "one"), 1));
    Map<TableId, byte[]> prepared = sink.prepareCommit();

    // As a process started after a crash between prepare and commit would.
    try (Sink restarted = openSink()) {
      assertThat(restarted.recover(nextCheckpoint(), prepared))
          .containsExactly(new TableCommit(ITEMS, 1, 1));
    }
    assertThat(rows(ITEMS)).containsExactly(List.of(1L, "one"));
  }

  @Test
  public void abortDropsWhatWasWrittenSinceThePrepare() throws Exception {
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(1, "one"), 1));
    commit();
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(2, "two"), 2));

    sink.abort();

    assertThat(sink.prepareCommit()).isEmpty();
    assertThat(rows(ITEMS)).containsExactly(List.of(1L, "one"));
  }

  @Test
  public void keepsEveryRowOfATableWithoutAKey() throws Exception {
    write(LOG, DataChangeEvent.insert(SOURCE, UNKEYED, row(1, "same"), 1));
    write(LOG, DataChangeEvent.insert(SOURCE, UNKEYED, row(1, "same"), 2));
    commit();

    // The sink may keep columns of its own after the event's (e.g. what each change was).
    assertThat(rows(LOG))
        .extracting(row -> row.subList(0, 2))
        .containsExactly(List.of(1L, "same"), List.of(1L, "same"));
  }

  @Test
  public void reportsTheTablesColumnsAndKeyAndAddsAColumnWithItsDefault() throws Exception {
    assertThat(sink.tableSchema(ITEMS)).isEmpty();
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(1, "one"), 1));
    commit();
    Schema schema = sink.tableSchema(ITEMS).orElseThrow();
    assertThat(schema.columns()).extracting(Column::name).containsExactly("id", "name");
    assertThat(schema.primaryKeys()).containsExactly("id");

    Column qty = new Column("qty", DataType.of(DataTypeRoot.INT), 7, null);
    sink.applySchemaChanges(ITEMS, List.of(new SchemaChange.AddColumn(qty, "name")));
    Schema wider =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("name", DataTypeRoot.STRING),
                Column.of("qty", DataTypeRoot.INT)),
            List.of("id"));
    write(ITEMS, DataChangeEvent.insert(SOURCE, wider, new Object[] {2L, "two", 3}, 2));
    commit();

    assertThat(sink.tableSchema(ITEMS).orElseThrow().columns())
        .extracting(Column::name)
        .containsExactly("id", "name", "qty");
    assertThat(rows(ITEMS)).containsExactly(List.of(1L, "one", 7), List.of(2L, "two", 3));
  }

  @Test
  public void truncatesAndDropsATableAtOnce() throws Exception {
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(1, "one"), 1));
    commit();

    sink.truncate(ITEMS);
    assertThat(rows(ITEMS)).isEmpty();

    sink.dropTable(ITEMS);
    assertThat(sink.tableSchema(ITEMS)).isEmpty();
    sink.dropTable(ITEMS);
  }

  @Test
  public void recoveryLeavesOutATableDroppedSinceItsCheckpoint() throws Exception {
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(1, "one"), 1));
    commit();
    write(ITEMS, DataChangeEvent.insert(SOURCE, KEYED, row(2, "two"), 2));
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    Checkpoint next = nextCheckpoint();
    sink.dropTable(ITEMS);

    try (Sink restarted = openSink()) {
      assertThat(restarted.recover(next, prepared)).isEmpty();
    }
    assertThat(sink.tableSchema(ITEMS)).isEmpty();
  }

  private void write(TableId table, DataChangeEvent event) throws Exception {
    sink.write(table, event, sequence++);
  }

  private void commit() throws Exception {
    sink.commit(nextCheckpoint(), sink.prepareCommit());
  }

  private Checkpoint nextCheckpoint() {
    checkpoint++;
    return new Checkpoint(checkpoint, "contract", 1, "position " + checkpoint);
  }

  private List<List<Object>> rowsOrNone(TableId table) throws Exception {
    return sink.tableSchema(table).isPresent() ? rows(table) : List.of();
  }

  private static Object[] row(long id, String name) {
    return new Object[] {id, name};
  }

  /** The table's committed rows in the order of their values (a store keeps no order). */
  private List<List<Object>> rows(TableId table) throws Exception {
    List<List<Object>> sorted = new ArrayList<>(committedRows(table));
    sorted.sort(Comparator.comparing(row -> Arrays.toString(row.toArray())));
    return sorted;
  }
}
