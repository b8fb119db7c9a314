package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PipelineContext;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableId;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableMaintenanceTest {

  private static final TableId SOURCE = TableId.of("shop", "public", "items");
  private static final TableId SINK = TableId.of("public", "items");
  private static final Schema SCHEMA =
      Schema.of(List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("name", DataTypeRoot.STRING)), List.of("id"));

  @TempDir Path warehouse;

  @Test
  void expiresSnapshotsAndMergesManifestsWithoutLosingRowsOrTheCommittedCheckpoint() throws Exception {
    Configuration options = options(Map.of(
        "maintenance.interval", "0s", "maintenance.snapshot.max-age", "0s", "maintenance.snapshot.min-count", "3"));
    Map<TableId, byte[]> lastPrepared;
    try (Sink sink = sink(options)) {
      lastPrepared = null;
      for (long id = 1; id <= 12; id++) {
        sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {id, "n" + id}, id), id);
        lastPrepared = sink.prepareCommit();
        sink.commit(new Checkpoint(id, "test", 1, "pos-" + id), lastPrepared);
      }
      // A replay of the last checkpoint (recovery after a crash) is still recognised as done.
      assertThat(sink.commit(new Checkpoint(12, "test", 1, "pos-12"), lastPrepared)).isEmpty();
    }

    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergSink.identifier(SINK));
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    assertThat(snapshots).hasSizeLessThanOrEqualTo(4);
    assertThat(table.currentSnapshot().dataManifests(table.io()).size()).isLessThan(TableMaintenance.MIN_MANIFESTS_TO_REWRITE);
    assertThat(IcebergSink.latestCommitOf(table, "test").summary()).containsEntry(IcebergSink.SUMMARY_CHECKPOINT_ID, "12");
    assertThat(ids(table)).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);

    // A new process replaying the checkpoint skips it too.
    try (Sink sink = sink(options)) {
      assertThat(sink.commit(new Checkpoint(12, "test", 1, "pos-12"), lastPrepared)).isEmpty();
    }
  }

  @Test
  void mergesTheSmallFilesOfAnAppendTableKeepingEveryChangeRow() throws Exception {
    Configuration options = options(Map.of("write.mode", "append", "maintenance.interval", "0s"));
    int commits = Compaction.MIN_SMALL_FILES + 4;
    try (Sink sink = sink(options)) {
      for (long id = 1; id <= commits; id++) {
        sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {id, "n" + id}, id), id * 10);
        sink.write(SINK, DataChangeEvent.delete(SOURCE, SCHEMA, new Object[] {id, "n" + id}, id), id * 10 + 1);
        sink.commit(new Checkpoint(id, "test", 1, ""), sink.prepareCommit());
      }
    }
    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergSink.identifier(SINK));
    List<org.apache.iceberg.DataFile> files = new ArrayList<>();
    try (var tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.add(task.file()));
    }
    // Compacted once MIN_SMALL_FILES files had gathered; the commits after it added one each.
    assertThat(files).hasSizeLessThan(Compaction.MIN_SMALL_FILES);
    List<Long> sequences = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> sequences.add((Long) record.getField(AppendColumns.SEQUENCE)));
    }
    List<Long> expected = new ArrayList<>();
    for (long id = 1; id <= commits; id++) {
      expected.add(id * 10);
      expected.add(id * 10 + 1);
    }
    assertThat(sequences).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(IcebergSink.latestCommitOf(table, "test").summary())
        .containsEntry(IcebergSink.SUMMARY_CHECKPOINT_ID, Long.toString(commits));
  }

  @Test
  void appliesTheDeletesOfAnUpsertTableKeepingTheLatestRows() throws Exception {
    Configuration options = options(Map.of("maintenance.interval", "0s"));
    int checkpoints = Compaction.MIN_DELETE_FILES + 4;
    try (Sink sink = sink(options)) {
      long sequence = 0;
      for (long round = 1; round <= checkpoints; round++) {
        for (long id = 1; id <= 5; id++) {
          sink.write(SINK, DataChangeEvent.update(SOURCE, SCHEMA, null, new Object[] {id, "v" + round}, round), ++sequence);
        }
        if (round == checkpoints) {
          sink.write(SINK, DataChangeEvent.delete(SOURCE, SCHEMA, new Object[] {5L, null}, round), ++sequence);
        }
        sink.commit(new Checkpoint(round, "test", 1, ""), sink.prepareCommit());
      }
    }
    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergSink.identifier(SINK));
    int deleteFiles = 0;
    try (var tasks = table.newScan().planFiles()) {
      for (var task : tasks) {
        deleteFiles += task.deletes().size();
      }
    }
    assertThat(deleteFiles).isLessThan(Compaction.MIN_DELETE_FILES);
    Map<Long, String> rows = new java.util.TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> assertThat(rows.put((Long) record.getField("id"), (String) record.getField("name"))).isNull());
    }
    String last = "v" + checkpoints;
    assertThat(rows).isEqualTo(Map.of(1L, last, 2L, last, 3L, last, 4L, last));
    assertThat(IcebergSink.latestCommitOf(table, "test").summary())
        .containsEntry(IcebergSink.SUMMARY_CHECKPOINT_ID, Integer.toString(checkpoints));
    List<String> operations = new ArrayList<>();
    table.snapshots().forEach(snapshot -> operations.add(snapshot.operation()));
    assertThat(operations).contains("replace");
  }

  @Test
  void leavesTablesAloneWhenMaintenanceIsOff() throws Exception {
    Configuration options = options(Map.of("maintenance.enabled", "false", "maintenance.snapshot.max-age", "0s"));
    try (Sink sink = sink(options)) {
      for (long id = 1; id <= 10; id++) {
        sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {id, "n"}, id), id);
        sink.commit(new Checkpoint(id, "test", 1, ""), sink.prepareCommit());
      }
    }
    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergSink.identifier(SINK));
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    assertThat(snapshots).hasSize(10);
  }

  private Configuration options(Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(extra);
    values.put("catalog.properties.type", "hadoop");
    values.put("catalog.properties.warehouse", warehouse.toUri().toString());
    return Configuration.of(values);
  }

  private Sink sink(Configuration options) {
    Path state = warehouse.resolve(".state");
    IcebergSinkFactory factory = new IcebergSinkFactory();
    return factory.create(options, new PipelineContext("test", state, factory.openStateStorage(options, state.toUri().toString())));
  }

  private static List<Long> ids(Table table) throws Exception {
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> ids.add((Long) record.getField("id")));
    }
    return ids;
  }
}
