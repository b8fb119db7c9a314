package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.FencedException;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericFileWriterFactory;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.encryption.EncryptedFiles;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergSinkTest {

  private static final TableId SOURCE = TableId.of("shop", "public", "items");
  private static final TableId SINK = TableId.of("public", "items");
  private static final Schema SCHEMA =
      Schema.of(
          List.of(
              Column.of("id", DataTypeRoot.BIGINT),
              Column.of("name", DataTypeRoot.STRING),
              Column.of("price", DataType.decimal(12, 2)),
              Column.of("flag", DataTypeRoot.BOOLEAN),
              Column.of("small", DataTypeRoot.INT),
              Column.of("ratio", DataTypeRoot.FLOAT),
              Column.of("score", DataTypeRoot.DOUBLE),
              Column.of("payload", DataTypeRoot.BINARY),
              Column.of("day", DataTypeRoot.DATE),
              Column.of("at_time", DataTypeRoot.TIME),
              Column.of("wall_clock", DataTypeRoot.TIMESTAMP),
              Column.of("instant", DataTypeRoot.TIMESTAMP_LTZ),
              Column.of("uid", DataTypeRoot.UUID)),
          List.of("id"));

  @TempDir Path warehouse;
  private long sequence;
  private Configuration options;
  private Sink sink;

  @BeforeEach
  void createSink() {
    createSink(Map.of());
  }

  /** A sink into a hadoop catalog in {@link #warehouse}, with these options besides. */
  private void createSink(Map<String, String> extraOptions) {
    Map<String, String> values = new java.util.HashMap<>(extraOptions);
    values.put("catalog.properties.type", "hadoop");
    values.put("catalog.properties.warehouse", warehouse.toUri().toString());
    options = Configuration.of(values);
    sink = new IcebergSinkFactory().create(options, context(warehouse.resolve(".state")));
  }

  @AfterEach
  void closeSink() throws Exception {
    sink.close();
  }

  @Test
  void roundTripsEveryTypeAndRecordsTheCheckpointInTheSummary() throws Exception {
    Object[] row = {
      1L,
      "Grüße 👋",
      new BigDecimal("1234567890.12"),
      true,
      -7,
      1.5f,
      2.25,
      new byte[] {0, 1, (byte) 255},
      LocalDate.of(2024, 2, 29),
      LocalTime.of(23, 59, 59, 123_456_000),
      LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000),
      Instant.parse("2024-03-10T02:30:00.000001Z"),
      UUID.fromString("123e4567-e89b-12d3-a456-426614174000")
    };
    Object[] nulls = new Object[SCHEMA.size()];
    nulls[0] = 2L;
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row, 1000), sequence++);
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, nulls, 2000), sequence++);

    List<TableCommit> commits = commit(7, "lsn=42");

    assertThat(commits).containsExactly(new TableCommit(SINK, 2, 2000));
    Table table = catalog().loadTable(IcebergTables.identifier(SINK));
    assertThat(table.schema().identifierFieldNames()).containsExactly("id");
    Snapshot snapshot = table.currentSnapshot();
    assertThat(snapshot.summary())
        .containsEntry("cdc-sync.pipeline", "test")
        .containsEntry("cdc-sync.checkpoint-id", "7")
        .containsEntry("cdc-sync.source-position", "lsn=42");
    Map<Long, Record> rows = read(table);
    Record first = rows.get(1L);
    assertThat(first.getField("name")).isEqualTo("Grüße 👋");
    assertThat(first.getField("price")).isEqualTo(new BigDecimal("1234567890.12"));
    assertThat(first.getField("flag")).isEqualTo(true);
    assertThat(first.getField("small")).isEqualTo(-7);
    assertThat(first.getField("ratio")).isEqualTo(1.5f);
    assertThat(first.getField("score")).isEqualTo(2.25);
    assertThat(first.getField("payload")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, (byte) 255}));
    assertThat(first.getField("day")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(first.getField("at_time")).isEqualTo(LocalTime.of(23, 59, 59, 123_456_000));
    assertThat(first.getField("wall_clock"))
        .isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000));
    assertThat(first.getField("instant"))
        .isEqualTo(OffsetDateTime.of(2024, 3, 10, 2, 30, 0, 1000, ZoneOffset.UTC));
    assertThat(first.getField("uid"))
        .isEqualTo(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    Record second = rows.get(2L);
    for (Column column : SCHEMA.columns().subList(1, SCHEMA.size())) {
      assertThat(second.getField(column.name())).as(column.name()).isNull();
    }
  }

  @Test
  void refusesATableWithAColumnTypeItDoesNotWriteNamingTheColumn() {
    org.apache.iceberg.Schema handMade =
        new org.apache.iceberg.Schema(
            Types.NestedField.required(1, "id", Types.LongType.get()),
            Types.NestedField.optional(
                2,
                "address",
                Types.StructType.of(
                    Types.NestedField.optional(3, "city", Types.StringType.get()))));
    catalog().createTable(IcebergTables.identifier(SINK), handMade);

    assertThatThrownBy(() -> sink.tableSchema(SINK))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageStartingWith(
            "Cannot write Iceberg table public.items: its column 'address' has type struct<3: city: optional string>,"
                + " which cdc-sync does not write");
  }

  @Test
  void appliesSeveralChangesToOneKeyWithinOneCheckpointInOrder() throws Exception {
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    commit(1, "");

    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(3, "c"), 2), sequence++);
    sink.write(
        SINK, DataChangeEvent.update(SOURCE, SCHEMA, row(3, "c"), row(3, "c2"), 3), sequence++);
    sink.write(SINK, DataChangeEvent.delete(SOURCE, SCHEMA, row(3, "c2"), 4), sequence++);
    sink.write(
        SINK, DataChangeEvent.update(SOURCE, SCHEMA, row(1, "a"), row(1, "a2"), 5), sequence++);
    sink.write(SINK, DataChangeEvent.update(SOURCE, SCHEMA, null, row(1, "a3"), 6), sequence++);
    sink.write(SINK, DataChangeEvent.delete(SOURCE, SCHEMA, row(2, "b"), 7), sequence++);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b again"), 8), sequence++);
    // A primary-key change arrives as an update whose before and after keys differ.
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(4, "d"), 9), sequence++);
    sink.write(
        SINK,
        DataChangeEvent.update(SOURCE, SCHEMA, row(4, "d"), row(5, "d moved"), 10),
        sequence++);
    List<TableCommit> commits = commit(2, "");

    assertThat(commits).containsExactly(new TableCommit(SINK, 9, 10));
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(new TreeMap<>(Map.of(1L, "a3", 2L, "b again", 5L, "d moved")));
  }

  @Test
  void snapshotsMoreTablesThanMayKeepOpenFilesAndCommitsEveryRow() throws Exception {
    int tables = IcebergSink.MAX_OPEN_WRITERS * 3;
    // Rows arrive table by table, then once more for every table, as a snapshot of many tables
    // and a second pass over them would: most tables' first files are closed early.
    for (int pass = 0; pass < 2; pass++) {
      for (int t = 0; t < tables; t++) {
        TableId table = TableId.of("public", "t" + t);
        sink.write(
            table,
            DataChangeEvent.read(
                TableId.of("shop", "public", "t" + t), SCHEMA, row(pass, "row " + pass), 1),
            sequence++);
      }
    }
    List<TableCommit> commits = commit(1, "");

    assertThat(commits)
        .hasSize(tables)
        .allSatisfy(commit -> assertThat(commit.changes()).isEqualTo(2));
    for (int t = 0; t < tables; t++) {
      Table table = catalog().loadTable(IcebergTables.identifier(TableId.of("public", "t" + t)));
      assertThat(names(read(table)))
          .as("t" + t)
          .isEqualTo(new TreeMap<>(Map.of(0L, "row 0", 1L, "row 1")));
    }
    // Early-closed files were committed with the rest: the first tables have two data files.
    Table first = catalog().loadTable(IcebergTables.identifier(TableId.of("public", "t0")));
    assertThat(first.currentSnapshot().summary()).containsEntry("added-data-files", "2");
  }

  @Test
  void replayedSnapshotRowsAndChangesDoNotDuplicateRows() throws Exception {
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    commit(1, "");
    sink.close();

    // A restart that delivers the snapshot again (the table now has data).
    sink = new IcebergSinkFactory().create(options, context(warehouse));
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    commit(2, "");
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    commit(3, "");

    Map<Long, Record> rows = read(catalog().loadTable(IcebergTables.identifier(SINK)));
    assertThat(names(rows)).isEqualTo(new TreeMap<>(Map.of(1L, "a", 2L, "b")));
  }

  private static final Schema TOKENS =
      Schema.of(
          List.of(Column.of("id", DataTypeRoot.UUID), Column.of("n", DataTypeRoot.BIGINT)),
          List.of("id"));
  private static final TableId TOKENS_SOURCE = TableId.of("shop", "public", "tokens");
  private static final TableId TOKENS_SINK = TableId.of("public", "tokens");
  private static final UUID LOW_UUID = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
  private static final UUID HIGH_UUID = UUID.fromString("f23e4567-e89b-12d3-a456-426614174000");

  /**
   * Keys on both sides of 80000000-…: Iceberg's Java library would read a file's uuid bounds as an
   * empty range (apache/iceberg#14216) and skip the equality deletes of its keys.
   */
  @Test
  void upsertsOnAUuidKeyReplaceTheRowOfThatKey() throws Exception {
    sink.write(TOKENS_SINK, token(DataChangeEvent::read, LOW_UUID, 1), sequence++);
    sink.write(TOKENS_SINK, token(DataChangeEvent::read, HIGH_UUID, 1), sequence++);
    commit(1, "");
    // An update without its before image: an upsert of the key.
    sink.write(
        TOKENS_SINK,
        DataChangeEvent.update(TOKENS_SOURCE, TOKENS, null, new Object[] {LOW_UUID, 2L}, 2),
        sequence++);
    commit(2, "");
    sink.write(
        TOKENS_SINK,
        DataChangeEvent.update(
            TOKENS_SOURCE, TOKENS, new Object[] {HIGH_UUID, 1L}, new Object[] {HIGH_UUID, 3L}, 3),
        sequence++);
    commit(3, "");

    assertThat(tokens()).isEqualTo(Map.of(LOW_UUID, 2L, HIGH_UUID, 3L));
    assertThat(catalog().loadTable(IcebergTables.identifier(TOKENS_SINK)).properties())
        .containsEntry("write.metadata.metrics.column.id", "counts");
  }

  /** A table whose files were written with uuid bounds (by an earlier cdc-sync) gets upserts right too. */
  @Test
  void upsertsOnAUuidKeyReplaceRowsOfFilesWrittenWithBounds() throws Exception {
    sink.write(TOKENS_SINK, token(DataChangeEvent::read, LOW_UUID, 0), sequence++);
    commit(1, "");
    sink.close();
    Table table = catalog().loadTable(IcebergTables.identifier(TOKENS_SINK));
    table.updateProperties().remove("write.metadata.metrics.column.id").commit();
    DataWriter<Record> old =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .build()
            .newDataWriter(
                EncryptedFiles.plainAsEncryptedOutput(
                    table
                        .io()
                        .newOutputFile(table.locationProvider().newDataLocation("old.parquet"))),
                table.spec(),
                null);
    for (UUID id : List.of(UUID.fromString("00000000-0000-0000-0000-000000000001"), HIGH_UUID)) {
      Record row = GenericRecord.create(table.schema());
      row.setField("id", id);
      row.setField("n", 1L);
      old.write(row);
    }
    old.close();
    assertThat(old.toDataFile().lowerBounds()).as("the old file has bounds").isNotEmpty();
    table.newAppend().appendFile(old.toDataFile()).commit();

    sink = new IcebergSinkFactory().create(options, context(warehouse.resolve(".state")));
    sink.write(TOKENS_SINK, token(DataChangeEvent::insert, HIGH_UUID, 2), sequence++);
    commit(2, "");

    assertThat(tokens())
        .isEqualTo(
            Map.of(
                LOW_UUID,
                0L,
                UUID.fromString("00000000-0000-0000-0000-000000000001"),
                1L,
                HIGH_UUID,
                2L));
  }

  @Test
  void anAddedUuidColumnIsWrittenWithoutBoundsToo() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    commit(1, "");
    sink.applySchemaChanges(
        SINK, List.of(new SchemaChange.AddColumn(Column.of("other_uid", DataTypeRoot.UUID), null)));

    assertThat(catalog().loadTable(IcebergTables.identifier(SINK)).properties())
        .containsEntry("write.metadata.metrics.column.uid", "counts")
        .containsEntry("write.metadata.metrics.column.other_uid", "counts");
  }

  private interface TokenEvent {
    DataChangeEvent of(TableId table, Schema schema, Object[] row, long timestamp);
  }

  private static DataChangeEvent token(TokenEvent kind, UUID id, long n) {
    return kind.of(TOKENS_SOURCE, TOKENS, new Object[] {id, n}, n);
  }

  /** The tokens table's rows, failing on a key that shows twice. */
  private Map<UUID, Long> tokens() throws Exception {
    Map<UUID, Long> rows = new TreeMap<>();
    List<UUID> ids = new ArrayList<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(catalog().loadTable(IcebergTables.identifier(TOKENS_SINK))).build()) {
      for (Record record : records) {
        ids.add((UUID) record.getField("id"));
        rows.put((UUID) record.getField("id"), (Long) record.getField("n"));
      }
    }
    assertThat(ids).as("no key appears twice").doesNotHaveDuplicates();
    return rows;
  }

  /**
   * A resumed chunked initial load appends the rows of its further ranges to a table that holds
   * nothing but its own rows: no equality deletes. Any other load, or none, upserts.
   */
  @Test
  void aResumedInitialLoadAppendsToATableHoldingOnlyItsRows() throws Exception {
    sink.initialLoad("load-1", Set.of());
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    commit(1, "");
    assertThat(snapshotSummary()).containsEntry("cdc-sync.initial-load", "load-1");

    restartSink();
    sink.initialLoad("load-1", Set.of());
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(3, "c"), 1), sequence++);
    commit(2, "");
    assertThat(snapshotSummary())
        .containsEntry("cdc-sync.initial-load", "load-1")
        .doesNotContainKey("added-equality-deletes");

    // Another load (its state was reset) finds rows it did not write: upserts.
    restartSink();
    sink.initialLoad("load-2", Set.of());
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(1, "a2"), 1), sequence++);
    commit(3, "");
    assertThat(snapshotSummary())
        .containsEntry("added-equality-deletes", "1")
        .doesNotContainKey("cdc-sync.initial-load");

    // No load running: snapshot rows upsert.
    restartSink();
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(2, "b2"), 1), sequence++);
    commit(4, "");
    assertThat(snapshotSummary()).containsEntry("added-equality-deletes", "1");

    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(new TreeMap<>(Map.of(1L, "a2", 2L, "b2", 3L, "c")));
  }

  /**
   * A table loaded again: the commit of the load's first rows leaves out every row the table held,
   * and a resumed load does not do it again; a table whose source is empty is replaced too.
   */
  @Test
  void aLoadThatReplacesATableLeavesOutItsRowsOnceInTheCommitOfItsFirstRows() throws Exception {
    TableId emptied = TableId.of("db", "emptied");
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "stale"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "old"), 1), sequence++);
    sink.write(emptied, DataChangeEvent.insert(SOURCE, SCHEMA, row(9, "gone"), 1), sequence++);
    commit(1, "");

    restartSink();
    sink.initialLoad("load-1", Set.of(SINK, emptied));
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(2, "new"), 1), sequence++);
    commit(2, "");
    Table table = catalog().loadTable(IcebergTables.identifier(SINK));
    assertThat(names(read(table))).isEqualTo(Map.of(2L, "new"));
    assertThat(table.currentSnapshot().summary())
        .containsEntry("cdc-sync.initial-load", "load-1")
        .containsEntry("total-equality-deletes", "0");
    assertThat(read(catalog().loadTable(IcebergTables.identifier(emptied)))).isEmpty();

    // The load resumes after a crash: its table holds only its rows, which stay.
    restartSink();
    sink.initialLoad("load-1", Set.of(SINK, emptied));
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(3, "c"), 1), sequence++);
    commit(3, "");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(new TreeMap<>(Map.of(2L, "new", 3L, "c")));
  }

  @Test
  void aLoadThatMetAStreamedChangeNoLongerMarksTheTable() throws Exception {
    sink.initialLoad("load-1", Set.of());
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    commit(1, "");
    assertThat(snapshotSummary()).doesNotContainKey("cdc-sync.initial-load");
  }

  /**
   * Inserts of new keys into a table that mirrors its source add no equality delete, across
   * commits and a resumed run; updates and deletes of committed keys do.
   */
  @Test
  void insertsIntoATableMirroringItsSourceWriteNoEqualityDelete() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    // Changed in the same commit: a position delete.
    sink.write(
        SINK, DataChangeEvent.update(SOURCE, SCHEMA, row(2, "b"), row(2, "b2"), 1), sequence++);
    commit(1, "");
    assertThat(snapshotSummary())
        .containsEntry("cdc-sync.mirrors-source", "true")
        .containsEntry("total-equality-deletes", "0")
        .containsEntry("total-position-deletes", "1");

    // A run that resumes after its checkpoint trusts the table's own commit.
    restartSink();
    sink.recover(new Checkpoint(1, "test", 1, ""), Map.of());
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(3, "c"), 1), sequence++);
    commit(2, "");
    assertThat(snapshotSummary())
        .containsEntry("cdc-sync.mirrors-source", "true")
        .containsEntry("total-equality-deletes", "0");

    // A deleted key inserted again: the delete of a committed row is an equality delete, which
    // the later insert's row is not subject to.
    sink.write(SINK, DataChangeEvent.delete(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.update(SOURCE, SCHEMA, null, row(3, "c2"), 1), sequence++);
    commit(3, "");
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a again"), 1), sequence++);
    commit(4, "");
    assertThat(snapshotSummary()).containsEntry("total-equality-deletes", "2");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(new TreeMap<>(Map.of(1L, "a again", 2L, "b2", 3L, "c2")));
  }

  /**
   * A table the pipeline does not know to hold its source's rows only (a start without a
   * checkpoint over rows that are there, as at {@code latest-offset}) upserts its inserts, and its
   * commits no longer say it mirrors its source; a load that replaces its rows makes it mirror
   * again.
   */
  @Test
  void insertsIntoATableHoldingRowsFromElsewhereUpsertUntilALoadReplacesThem() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "old"), 1), sequence++);
    commit(1, "");

    // Started again without its checkpoint: the row of key 1 may be one the source deleted since.
    restartSink();
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "new"), 1), sequence++);
    commit(2, "");
    assertThat(snapshotSummary())
        .doesNotContainKey("cdc-sync.mirrors-source")
        .containsEntry("total-equality-deletes", "1");
    restartSink();
    sink.recover(new Checkpoint(2, "test", 1, ""), Map.of());
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    commit(3, "");
    assertThat(snapshotSummary()).containsEntry("total-equality-deletes", "2");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(new TreeMap<>(Map.of(1L, "new", 2L, "b")));

    restartSink();
    sink.initialLoad("reload", Set.of(SINK));
    sink.write(SINK, DataChangeEvent.read(SOURCE, SCHEMA, row(1, "loaded"), 1), sequence++);
    commit(4, "");
    sink.initialLoad(null, Set.of());
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(5, "e"), 1), sequence++);
    commit(5, "");
    assertThat(snapshotSummary())
        .containsEntry("cdc-sync.mirrors-source", "true")
        .containsEntry("total-equality-deletes", "0");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(new TreeMap<>(Map.of(1L, "loaded", 5L, "e")));
  }

  /**
   * A format v3 table: rows changed in the commit that wrote them get a deletion vector instead of
   * a position delete file, committed rows an equality delete, and Iceberg's reader applies both.
   */
  @Test
  void writesDeletionVectorsIntoAFormatV3Table() throws Exception {
    sink.close();
    createSink(Map.of("table.properties.format-version", "3"));
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    sink.write(
        SINK, DataChangeEvent.update(SOURCE, SCHEMA, row(2, "b"), row(2, "b2"), 1), sequence++);
    commit(1, "");
    sink.write(
        SINK, DataChangeEvent.update(SOURCE, SCHEMA, row(1, "a"), row(1, "a2"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(3, "c"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.delete(SOURCE, SCHEMA, row(3, "c"), 1), sequence++);
    commit(2, "");

    Table table = catalog().loadTable(IcebergTables.identifier(SINK));
    assertThat(
            ((org.apache.iceberg.HasTableOperations) table).operations().current().formatVersion())
        .isEqualTo(3);
    List<org.apache.iceberg.DeleteFile> deletes = new ArrayList<>();
    try (var tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> deletes.addAll(task.deletes()));
    }
    assertThat(deletes)
        .extracting(org.apache.iceberg.DeleteFile::format)
        .containsOnly(FileFormat.PUFFIN, FileFormat.PARQUET);
    assertThat(deletes)
        .filteredOn(file -> file.format() == FileFormat.PUFFIN)
        .as("deletion vectors of the rows changed in the commit that wrote them")
        .hasSize(2);
    assertThat(snapshotSummary()).containsEntry("total-equality-deletes", "1");
    assertThat(names(read(table))).isEqualTo(new TreeMap<>(Map.of(1L, "a2", 2L, "b2")));
  }

  /** A table several source tables write into upserts every insert: their keys may meet. */
  @Test
  void insertsIntoATableThatMayRepeatKeysUpsert() throws Exception {
    TableId otherSource = TableId.of("shop", "public", "items_2");
    sink.insertsMayRepeatKeys(SINK);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    commit(1, "");
    sink.write(
        SINK, DataChangeEvent.insert(otherSource, SCHEMA, row(1, "a from 2"), 1), sequence++);
    commit(2, "");
    assertThat(snapshotSummary())
        .doesNotContainKey("cdc-sync.mirrors-source")
        .containsEntry("total-equality-deletes", "2");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(Map.of(1L, "a from 2"));
  }

  /**
   * A table that kept its rows through a source truncate that was not applied: the next commit
   * says it no longer mirrors its source, even without rows, so a later run upserts too.
   */
  @Test
  void aTableThatNoLongerMirrorsItsSourceSaysSoInItsNextCommit() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    commit(1, "");
    restartSink();
    sink.recover(new Checkpoint(1, "test", 1, ""), Map.of());
    sink.insertsMayRepeatKeys(SINK);
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    assertThat(prepared).containsOnlyKeys(SINK);
    sink.commit(new Checkpoint(2, "test", 1, ""), prepared);
    assertThat(snapshotSummary()).doesNotContainKey("cdc-sync.mirrors-source");

    restartSink();
    sink.recover(new Checkpoint(2, "test", 1, ""), Map.of());
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a again"), 1), sequence++);
    commit(3, "");
    assertThat(snapshotSummary()).containsEntry("total-equality-deletes", "1");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(Map.of(1L, "a again"));
  }

  /** An insert whose source key the table's key does not cover may meet a row of its key. */
  @Test
  void anInsertKeyedOtherwiseThanItsTableUpserts() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    commit(1, "");
    Schema byName = Schema.of(SCHEMA.columns(), List.of("name"));
    sink.write(SINK, DataChangeEvent.insert(SOURCE, byName, row(1, "a2"), 1), sequence++);
    commit(2, "");
    assertThat(snapshotSummary())
        .doesNotContainKey("cdc-sync.mirrors-source")
        .containsEntry("total-equality-deletes", "1");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(Map.of(1L, "a2"));
  }

  private void restartSink() throws Exception {
    sink.close();
    sink = new IcebergSinkFactory().create(options, context(warehouse.resolve(".state")));
  }

  private Map<String, String> snapshotSummary() {
    return catalog().loadTable(IcebergTables.identifier(SINK)).currentSnapshot().summary();
  }

  @Test
  void writesArraysAsListsInUpsertAndAppendModeAndAddsArrayColumns() throws Exception {
    Schema arrays =
        Schema.of(
            List.of(
                Column.of("id", DataTypeRoot.BIGINT),
                Column.of("ints", DataType.array(DataType.of(DataTypeRoot.INT))),
                Column.of("blobs", DataType.array(DataType.of(DataTypeRoot.BINARY))),
                Column.of("instants", DataType.array(DataType.of(DataTypeRoot.TIMESTAMP_LTZ))),
                Column.of("amounts", DataType.array(DataType.decimal(6, 2)))),
            List.of("id"));
    TableId upsertTable = TableId.of("public", "arrays");
    Object[] first = {
      1L,
      Arrays.asList(1, null, -3),
      List.of(new byte[] {7}),
      List.of(Instant.parse("2024-03-10T02:30:00.000001Z")),
      Arrays.asList(new BigDecimal("1.50"), null)
    };
    Object[] second = {2L, List.of(), null, Arrays.asList((Object) null), List.of()};
    sink.write(upsertTable, DataChangeEvent.insert(SOURCE, arrays, first, 1), sequence++);
    sink.write(upsertTable, DataChangeEvent.insert(SOURCE, arrays, second, 2), sequence++);
    Object[] changed = first.clone();
    changed[1] = List.of(4);
    sink.write(upsertTable, DataChangeEvent.update(SOURCE, arrays, first, changed, 3), sequence++);
    sink.commit(new Checkpoint(1, "test", 1, ""), sink.prepareCommit());

    Table table = catalog().loadTable(IcebergTables.identifier(upsertTable));
    assertThat(table.schema().findField("ints").type().toString()).isEqualTo("list<int>");
    assertThat(table.schema().findField("amounts").type().toString())
        .isEqualTo("list<decimal(6, 2)>");
    Map<Long, Record> rows = read(table);
    assertThat(rows.get(1L).getField("ints")).isEqualTo(List.of(4));
    assertThat(rows.get(1L).getField("blobs")).isEqualTo(List.of(ByteBuffer.wrap(new byte[] {7})));
    assertThat(rows.get(1L).getField("instants"))
        .isEqualTo(List.of(OffsetDateTime.of(2024, 3, 10, 2, 30, 0, 1000, ZoneOffset.UTC)));
    assertThat(rows.get(1L).getField("amounts"))
        .isEqualTo(Arrays.asList(new BigDecimal("1.50"), null));
    assertThat(rows.get(2L).getField("ints")).isEqualTo(List.of());
    assertThat(rows.get(2L).getField("blobs")).isNull();
    assertThat(rows.get(2L).getField("instants")).isEqualTo(Arrays.asList((Object) null));

    // A new array column on an existing table.
    sink.applySchemaChanges(
        upsertTable,
        List.of(
            new SchemaChange.AddColumn(
                Column.of("tags", DataType.array(DataType.of(DataTypeRoot.STRING))), null)));
    List<Column> widened = new ArrayList<>(arrays.columns());
    widened.add(Column.of("tags", DataType.array(DataType.of(DataTypeRoot.STRING))));
    Schema withTags = Schema.of(widened, List.of("id"));
    sink.write(
        upsertTable,
        DataChangeEvent.insert(
            SOURCE,
            withTags,
            new Object[] {3L, null, null, null, null, Arrays.asList("a", null)},
            4),
        sequence++);
    sink.commit(new Checkpoint(2, "test", 1, ""), sink.prepareCommit());
    table = catalog().loadTable(IcebergTables.identifier(upsertTable));
    assertThat(read(table).get(3L).getField("tags")).isEqualTo(Arrays.asList("a", null));
    assertThat(sink.tableSchema(upsertTable).orElseThrow().column("tags").type())
        .isEqualTo(DataType.array(DataType.of(DataTypeRoot.STRING)));

    // Append mode: one row per change, lists as written.
    Map<String, String> appendOptions = new java.util.HashMap<>(options.asMap());
    appendOptions.put("write.mode", "append");
    sink.close();
    sink = new IcebergSinkFactory().create(Configuration.of(appendOptions), context(warehouse));
    TableId appendTable = TableId.of("public", "arrays_log");
    sink.write(appendTable, DataChangeEvent.insert(SOURCE, arrays, first, 5), 20);
    sink.write(appendTable, DataChangeEvent.delete(SOURCE, arrays, second, 6), 21);
    sink.commit(new Checkpoint(3, "test", 1, ""), sink.prepareCommit());
    Map<Object, Object> intsBySequence = new TreeMap<>();
    try (CloseableIterable<Record> records =
        IcebergGenerics.read(catalog().loadTable(IcebergTables.identifier(appendTable))).build()) {
      records.forEach(
          record -> intsBySequence.put(record.getField("_cdc_seq"), record.getField("ints")));
    }
    assertThat(intsBySequence).isEqualTo(Map.of(20L, Arrays.asList(1, null, -3), 21L, List.of()));
  }

  @Test
  void refusesAValueThatDoesNotFitItsColumn() {
    Object[] row = row(1, "a");
    row[2] = new BigDecimal("12345678901.00");
    assertThatThrownBy(() -> sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row, 1), 0))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessage(
            "Cannot write a value of column public.items.price: value 12345678901.00 does not fit decimal(12, 2)",
            sequence++);
  }

  @Test
  void writesATableWithoutPrimaryKeyAsAChangelog() throws Exception {
    Schema keyless =
        Schema.of(
            List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("name", DataTypeRoot.STRING)),
            List.of());
    TableId logTable = TableId.of("public", "log");
    sink.write(logTable, DataChangeEvent.read(SOURCE, keyless, new Object[] {1L, "a"}, 10), 100);
    sink.write(
        logTable, DataChangeEvent.update(SOURCE, keyless, null, new Object[] {1L, "b"}, 11), 101);
    sink.write(logTable, DataChangeEvent.delete(SOURCE, keyless, new Object[] {1L, "b"}, 12), 102);
    sink.commit(new Checkpoint(1, "test", 1, ""), sink.prepareCommit());

    Table table = catalog().loadTable(IcebergTables.identifier(logTable));
    assertThat(table.schema().identifierFieldNames()).isEmpty();
    List<String> rows = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        rows.add(
            record.getField("_cdc_seq")
                + " "
                + record.getField("_cdc_op")
                + " "
                + record.getField("_cdc_ts_ms")
                + " "
                + record.getField("id")
                + " "
                + record.getField("name"));
      }
    }
    assertThat(rows).containsExactlyInAnyOrder("100 +I 10 1 a", "101 +U 11 1 b", "102 -D 12 1 b");
  }

  @Test
  void writesEveryTableAsAChangelogInAppendMode() throws Exception {
    Map<String, String> appendOptions = new java.util.HashMap<>(options.asMap());
    appendOptions.put("write.mode", "append");
    sink.close();
    sink = new IcebergSinkFactory().create(Configuration.of(appendOptions), context(warehouse));
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 5), 7);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 6), 8);
    sink.commit(new Checkpoint(1, "test", 1, ""), sink.prepareCommit());

    Table table = catalog().loadTable(IcebergTables.identifier(SINK));
    assertThat(table.schema().identifierFieldNames()).isEmpty();
    List<Object> sequences = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> sequences.add(record.getField("_cdc_seq")));
    }
    assertThat(sequences).containsExactlyInAnyOrder(7L, 8L);

    sink.close();
    sink = new IcebergSinkFactory().create(options, context(warehouse));
    assertThatThrownBy(
            () -> sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b"), 1), 9))
        .isInstanceOf(dev.cdcsync.api.PermanentPipelineException.class)
        .hasMessage(
            "Cannot write to Iceberg table public.items: it is an append table, but the pipeline"
                + " writes it in upsert mode; set sink option 'write.mode' accordingly or write to another table");
  }

  @Test
  void commitsPreparedFilesOnlyOnceWhateverTheNumberOfAttempts() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    sink.close();

    // Another process (after a crash) commits from the bytes alone, then again.
    sink = new IcebergSinkFactory().create(options, context(warehouse));
    assertThat(sink.commit(new Checkpoint(5, "test", 2, ""), prepared))
        .containsExactly(new TableCommit(SINK, 1, 1));
    assertThat(sink.commit(new Checkpoint(5, "test", 2, ""), prepared)).isEmpty();

    Table table = catalog().loadTable(IcebergTables.identifier(SINK));
    assertThat(names(read(table))).isEqualTo(Map.of(1L, "a"));
    assertThat(table.snapshots()).hasSize(1);
  }

  @Test
  void recoversACheckpointOfATableDroppedSinceWithoutFailing() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    sink.commit(new Checkpoint(1, "test", 1, ""), prepared);
    // The source dropped the table, and the pipeline with it, before the next checkpoint; then a
    // crash.
    sink.dropTable(SINK);
    sink.close();

    sink = new IcebergSinkFactory().create(options, context(warehouse));
    assertThat(sink.recover(new Checkpoint(1, "test", 2, ""), prepared)).isEmpty();
    assertThat(catalog().tableExists(IcebergTables.identifier(SINK))).isFalse();
    // Outside recovery a missing table is a failure, not a quiet loss of its changes.
    assertThatThrownBy(() -> sink.commit(new Checkpoint(1, "test", 2, ""), prepared))
        .isInstanceOf(NoSuchTableException.class);
  }

  @Test
  void truncatesATableKeepingTheCheckpointItHoldsInItsNewestSnapshot() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    sink.commit(new Checkpoint(1, "test", 1, "pos-1"), prepared);

    sink.truncate(SINK);

    Table table = catalog().loadTable(IcebergTables.identifier(SINK));
    assertThat(read(table)).isEmpty();
    assertThat(table.currentSnapshot().summary())
        .containsEntry("cdc-sync.pipeline", "test")
        .containsEntry("cdc-sync.checkpoint-id", "1");
    // Replaying checkpoint 1 after a crash does not bring the truncated row back, also once the
    // snapshot that committed it expired.
    table.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
    assertThat(catalog().loadTable(IcebergTables.identifier(SINK)).snapshots()).hasSize(1);
    assertThat(sink.recover(new Checkpoint(1, "test", 1, "pos-1"), prepared)).isEmpty();
    assertThat(read(catalog().loadTable(IcebergTables.identifier(SINK)))).isEmpty();
  }

  /**
   * Another engine's maintenance (a rewrite of the data files, then an expiry of every older
   * snapshot, as Spark's procedures do) takes away the snapshots that carry the pipeline's
   * summary: the table's properties still tell which checkpoint it holds and which instance
   * committed it, and the rewrite does not make the table look as if it held rows from elsewhere.
   */
  @Test
  void anotherEnginesRewriteAndExpiryLeaveTheCommittedCheckpointKnown() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    Map<TableId, byte[]> prepared = sink.prepareCommit();
    sink.commit(new Checkpoint(1, "test", 1, "pos-1"), prepared);
    rewriteAsAnotherEngine(catalog().loadTable(IcebergTables.identifier(SINK)));

    restartSink();
    assertThat(sink.recover(new Checkpoint(1, "test", 1, "pos-1"), prepared)).isEmpty();
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(3, "c"), 1), sequence++);
    sink.commit(new Checkpoint(2, "test", 1, "pos-2"), sink.prepareCommit());
    assertThat(snapshotSummary())
        .as("a rewrite by another engine leaves the table mirroring its source")
        .containsEntry("cdc-sync.mirrors-source", "true")
        .containsEntry("total-equality-deletes", "0");
    Map<TableId, byte[]> second = preparedAgain(2);

    Table table = catalog().loadTable(IcebergTables.identifier(SINK));
    rewriteAsAnotherEngine(table);
    table.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
    table.refresh();
    assertThat(table.snapshots()).hasSize(1);
    assertThat(table.currentSnapshot().summary()).doesNotContainKey("cdc-sync.pipeline");
    assertThat(table.properties())
        .containsEntry("cdc-sync.pipeline.test.checkpoint-id", "2")
        .containsEntry("cdc-sync.pipeline.test.epoch", "1")
        .containsEntry("cdc-sync.pipeline.test.source-position", "pos-2");

    // Replayed after a crash: committed once only, and an older instance is still fenced.
    restartSink();
    assertThat(sink.recover(new Checkpoint(2, "test", 1, "pos-2"), second)).isEmpty();
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(Map.of(1L, "a", 2L, "b", 3L, "c"));
    assertThatThrownBy(() -> sink.commit(new Checkpoint(3, "test", 0, ""), second))
        .isInstanceOf(FencedException.class);
  }

  /** The prepared files of a checkpoint {@code id} that repeats key {@code id + 1}'s insert. */
  private Map<TableId, byte[]> preparedAgain(long id) throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(id + 1, "again"), 1), sequence++);
    return sink.prepareCommit();
  }

  /**
   * Rewrites the table's data files into one, rows deleted left out, without cdc-sync's summary:
   * a REPLACE snapshot as Spark's {@code rewrite_data_files} commits.
   */
  private static void rewriteAsAnotherEngine(Table table) throws Exception {
    Map<Long, Record> rows = read(table);
    DataWriter<Record> rewritten =
        new GenericFileWriterFactory.Builder(table)
            .dataFileFormat(FileFormat.PARQUET)
            .build()
            .newDataWriter(
                EncryptedFiles.plainAsEncryptedOutput(
                    table
                        .io()
                        .newOutputFile(
                            table
                                .locationProvider()
                                .newDataLocation(UUID.randomUUID() + ".parquet"))),
                table.spec(),
                null);
    for (Record row : rows.values()) {
      rewritten.write(row);
    }
    rewritten.close();
    Set<org.apache.iceberg.DataFile> files = new java.util.HashSet<>();
    Set<org.apache.iceberg.DeleteFile> deletes = new java.util.HashSet<>();
    try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = table.newScan().planFiles()) {
      for (org.apache.iceberg.FileScanTask task : tasks) {
        files.add(task.file());
        deletes.addAll(task.deletes());
      }
    }
    table
        .newRewrite()
        .validateFromSnapshot(table.currentSnapshot().snapshotId())
        .rewriteFiles(files, deletes, Set.of(rewritten.toDataFile()), Set.of())
        .commit();
    assertThat(table.currentSnapshot().operation()).isEqualTo("replace");
  }

  @Test
  void refusesToCommitOverANewerInstance() throws Exception {
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(1, "a"), 1), sequence++);
    sink.commit(new Checkpoint(3, "test", 2, ""), sink.prepareCommit());
    sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, row(2, "b"), 1), sequence++);
    Map<TableId, byte[]> prepared = sink.prepareCommit();

    assertThatThrownBy(() -> sink.commit(new Checkpoint(4, "test", 1, ""), prepared))
        .isInstanceOf(FencedException.class)
        .hasMessage(
            "Cannot commit checkpoint 4 to public.items: instance epoch 2 of pipeline 'test' has"
                + " committed to it; this instance (epoch 1) stops");
    assertThat(names(read(catalog().loadTable(IcebergTables.identifier(SINK)))))
        .isEqualTo(Map.of(1L, "a"));
  }

  private PipelineContext context(Path stateDirectory) {
    return new PipelineContext(
        "test",
        stateDirectory,
        new IcebergSinkFactory().openStateStorage(options, stateDirectory.toUri().toString()));
  }

  private List<TableCommit> commit(long id, String position) throws Exception {
    return sink.commit(new Checkpoint(id, "test", 1, position), sink.prepareCommit());
  }

  private static Object[] row(long id, String name) {
    Object[] row = new Object[SCHEMA.size()];
    row[0] = id;
    row[1] = name;
    return row;
  }

  private Catalog catalog() {
    return IcebergSinkFactory.catalog(options);
  }

  private static Map<Long, Record> read(Table table) throws Exception {
    Map<Long, Record> rows = new TreeMap<>();
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        Long id = (Long) record.getField("id");
        ids.add(id);
        rows.put(id, record.copy());
      }
    }
    assertThat(ids).as("no key appears twice").doesNotHaveDuplicates();
    return rows;
  }

  private static Map<Long, String> names(Map<Long, Record> rows) {
    Map<Long, String> names = new TreeMap<>();
    rows.forEach((id, record) -> names.put(id, (String) record.getField("name")));
    return names;
  }
}
