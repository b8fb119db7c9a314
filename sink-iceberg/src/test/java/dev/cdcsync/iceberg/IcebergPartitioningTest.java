package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.api.TableLayout.PartitionKey;
import dev.cdcsync.api.TableLayout.PartitionTransform;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tables laid out by transform rules: partitioned upsert and append tables, table properties, merged schemas. */
class IcebergPartitioningTest {

  private static final TableId SOURCE = TableId.of("shop", "orders");
  private static final TableId SINK = TableId.of("lake", "orders");
  private static final Schema SCHEMA =
      Schema.of(
          List.of(
              Column.of("region", DataTypeRoot.STRING),
              Column.of("id", DataTypeRoot.BIGINT),
              Column.of("amount", DataTypeRoot.INT),
              Column.of("at", DataTypeRoot.TIMESTAMP_LTZ)),
          List.of("region", "id"));
  private static final Instant AT = Instant.parse("2026-12-04T10:15:30Z");

  @TempDir Path warehouse;
  private Configuration options;
  private Sink sink;
  private long sequence;

  @BeforeEach
  void createSink() {
    sink = sink(Map.of());
  }

  private Sink sink(Map<String, String> extra) {
    Map<String, String> values =
        new java.util.HashMap<>(
            Map.of(
                "catalog.properties.type",
                "hadoop",
                "catalog.properties.warehouse",
                warehouse.toUri().toString()));
    values.putAll(extra);
    options = Configuration.of(values);
    Path state = warehouse.resolve(".state");
    return new IcebergSinkFactory()
        .create(
            options,
            new PipelineContext(
                "test",
                state,
                new IcebergSinkFactory().openStateStorage(options, state.toUri().toString())));
  }

  @AfterEach
  void closeSink() throws Exception {
    sink.close();
  }

  @Test
  void upsertsIntoAPartitionedTableAcrossCheckpoints() throws Exception {
    sink.configureTable(
        SINK,
        layout(
            List.of(
                new PartitionKey(PartitionTransform.IDENTITY, "region", 0),
                new PartitionKey(PartitionTransform.BUCKET, "id", 4)),
            Map.of("commit.retry.num-retries", "8")));
    for (long id = 1; id <= 20; id++) {
      write(DataChangeEvent.read(SOURCE, SCHEMA, row(id % 2 == 0 ? "eu" : "us", id, 1), 1));
    }
    commit(1);
    write(DataChangeEvent.update(SOURCE, SCHEMA, null, row("eu", 2, 20), 2));
    write(DataChangeEvent.update(SOURCE, SCHEMA, null, row("eu", 2, 21), 2));
    write(DataChangeEvent.delete(SOURCE, SCHEMA, row("us", 3, null), 2));
    // The key changes region: the row leaves its partition.
    write(DataChangeEvent.update(SOURCE, SCHEMA, row("us", 5, 1), row("eu", 5, 50), 2));
    commit(2);

    Table table = table();
    assertThat(table.spec().fields())
        .extracting(field -> field.transform().toString())
        .containsExactly("identity", "bucket[4]");
    assertThat(table.properties()).containsEntry("commit.retry.num-retries", "8");
    Map<String, Integer> amounts = amounts(table);
    assertThat(amounts)
        .hasSize(19)
        .containsEntry("eu/2", 21)
        .containsEntry("eu/5", 50)
        .doesNotContainKeys("us/3", "us/5");
    assertThat(amounts).containsEntry("us/1", 1).containsEntry("eu/20", 1);
    for (DataFile file : dataFiles(table)) {
      assertThat(file.partition().get(0, String.class)).isIn("eu", "us");
    }
  }

  /**
   * A table partitioned by day of a date key column: rows of several days updated, some of them
   * then deleted by their key, in one commit. The delete must find the updated row written in the
   * same commit (a position delete): an equality delete does not apply to rows of its own commit.
   */
  @Test
  void deletesUpdatedRowsOfATablePartitionedByDayOfAKeyColumn() throws Exception {
    Schema events =
        Schema.of(
            List.of(
                Column.of("day", DataTypeRoot.DATE),
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("note", DataTypeRoot.STRING)),
            List.of("day", "id"));
    java.time.LocalDate first = java.time.LocalDate.of(2026, 1, 1);
    sink.configureTable(
        SINK, layout(List.of(new PartitionKey(PartitionTransform.DAY, "day", 0)), Map.of()));
    java.util.Map<Long, String> expected = new java.util.TreeMap<>();
    for (long id = 1; id <= 40; id++) {
      write(
          DataChangeEvent.read(
              SOURCE, events, new Object[] {first.plusDays(id % 5), id, "event " + id}, 1));
      expected.put(id, "event " + id);
    }
    commit(1);
    for (long id = 3; id <= 40; id += 3) {
      write(
          DataChangeEvent.update(
              SOURCE, events, null, new Object[] {first.plusDays(id % 5), id, "moved on"}, 2));
      expected.put(id, "moved on");
    }
    for (long id = 8; id <= 40; id += 8) {
      write(
          DataChangeEvent.delete(
              SOURCE, events, new Object[] {first.plusDays(id % 5), id, null}, 3));
      expected.remove(id);
    }
    commit(2);
    java.util.Map<Long, String> rows = new java.util.TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table()).build()) {
      records.forEach(
          record ->
              assertThat(rows.put((Long) record.getField("id"), (String) record.getField("note")))
                  .as("id %s once", record.getField("id"))
                  .isNull());
    }
    assertThat(rows).isEqualTo(expected);
  }

  @Test
  void appendsIntoATablePartitionedByDay() throws Exception {
    sink.close();
    sink = sink(Map.of("write.mode", "append"));
    sink.configureTable(
        SINK, layout(List.of(new PartitionKey(PartitionTransform.DAY, "at", 0)), Map.of()));
    write(DataChangeEvent.insert(SOURCE, SCHEMA, row("eu", 1, 1), 1));
    write(
        DataChangeEvent.insert(
            SOURCE, SCHEMA, new Object[] {"eu", 2L, 2, AT.plusSeconds(86_400)}, 1));
    write(DataChangeEvent.delete(SOURCE, SCHEMA, row("eu", 1, 1), 1));
    commit(1);

    Table table = table();
    assertThat(table.spec().fields())
        .extracting(field -> field.transform().toString())
        .containsExactly("day");
    assertThat(rows(table)).hasSize(3);
    assertThat(dataFiles(table))
        .extracting(file -> file.partition().get(0, Integer.class))
        .containsOnly(20_791, 20_792);
  }

  @Test
  void keepsSnapshotRowsWhenAMergedTableGrowsBeforeTheirCommit() throws Exception {
    Schema narrow =
        Schema.of(
            List.of(Column.of("region", DataTypeRoot.STRING), Column.of("id", DataTypeRoot.INT)),
            List.of("region", "id"));
    write(DataChangeEvent.read(SOURCE, narrow, new Object[] {"eu", 1}, 1));
    sink.applySchemaChanges(
        SINK,
        List.of(
            new SchemaChange.WidenColumnType(
                "id", DataType.of(DataTypeRoot.INT), DataType.of(DataTypeRoot.BIGINT)),
            new SchemaChange.AddColumn(Column.of("amount", DataTypeRoot.INT), "id")));
    write(
        DataChangeEvent.read(
            TableId.of("shop", "orders_2"),
            Schema.of(
                List.of(
                    Column.of("region", DataTypeRoot.STRING),
                    Column.of("id", DataTypeRoot.BIGINT),
                    Column.of("amount", DataTypeRoot.INT)),
                List.of("region", "id")),
            new Object[] {"us", 7_000_000_000L, 3},
            1));
    commit(1);

    Table table = table();
    assertThat(table.schema().findField("id").type()).isEqualTo(Types.LongType.get());
    assertThat(rows(table)).containsExactly("eu/1=null", "us/7000000000=3");
  }

  @Test
  void refusesAPartitionColumnOutsideTheKeyOfAnUpsertTableAndAnUnknownColumn() throws Exception {
    sink.configureTable(
        SINK, layout(List.of(new PartitionKey(PartitionTransform.DAY, "at", 0)), Map.of()));
    assertThatThrownBy(() -> write(DataChangeEvent.insert(SOURCE, SCHEMA, row("eu", 1, 1), 1)))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot create Iceberg table lake.orders with the partition-keys of transform rule 1 (line 9):"
                + " partition column 'at' is not a key column [region, id] of this upsert table; a row's key"
                + " must decide its partition: add the column to the rule's primary-keys, or write the"
                + " table with sink option write.mode: append");
    sink.configureTable(
        SINK, layout(List.of(new PartitionKey(PartitionTransform.IDENTITY, "zone", 0)), Map.of()));
    assertThatThrownBy(() -> write(DataChangeEvent.insert(SOURCE, SCHEMA, row("eu", 1, 1), 1)))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot create Iceberg table lake.orders with the partition-keys of transform rule 1 (line 9):"
                + " 'zone' is not a column of the table; columns: [region, id, amount, at]");
  }

  private static TableLayout layout(List<PartitionKey> keys, Map<String, String> properties) {
    return new TableLayout(keys, properties, "transform rule 1 (line 9)");
  }

  private void write(DataChangeEvent event) throws Exception {
    sink.write(SINK, event, ++sequence);
  }

  private void commit(long id) throws Exception {
    sink.commit(new Checkpoint(id, "test", 1, ""), sink.prepareCommit());
  }

  private static Object[] row(String region, long id, Integer amount) {
    return new Object[] {region, id, amount, AT};
  }

  private Table table() {
    return IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
  }

  private static List<DataFile> dataFiles(Table table) throws Exception {
    List<DataFile> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    return files;
  }

  private static Map<String, Integer> amounts(Table table) throws Exception {
    Map<String, Integer> amounts = new TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        String key = record.getField("region") + "/" + record.getField("id");
        assertThat(amounts.put(key, (Integer) record.getField("amount")))
            .as("rows of %s", key)
            .isNull();
      }
    }
    return amounts;
  }

  private static List<String> rows(Table table) throws Exception {
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows.add(
            record.getField("region")
                + "/"
                + record.getField("id")
                + "="
                + record.getField("amount"));
      }
    }
    rows.sort(null);
    return rows;
  }
}
