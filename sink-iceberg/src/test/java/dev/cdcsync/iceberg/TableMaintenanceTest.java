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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TableMaintenanceTest {

  private static final TableId SOURCE = TableId.of("shop", "public", "items");
  private static final TableId SINK = TableId.of("public", "items");
  private static final Schema SCHEMA =
      Schema.of(
          List.of(Column.of("id", DataTypeRoot.BIGINT), Column.of("name", DataTypeRoot.STRING)),
          List.of("id"));

  @TempDir Path warehouse;

  @Test
  void expiresSnapshotsAndMergesManifestsWithoutLosingRowsOrTheCommittedCheckpoint()
      throws Exception {
    Configuration options =
        options(
            Map.of(
                "maintenance.interval",
                "0s",
                "maintenance.snapshot.max-age",
                "0s",
                "maintenance.snapshot.min-count",
                "3"));
    Map<TableId, byte[]> lastPrepared;
    try (Sink sink = sink(options)) {
      lastPrepared = null;
      for (long id = 1; id <= 12; id++) {
        sink.write(
            SINK, DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {id, "n" + id}, id), id);
        lastPrepared = sink.prepareCommit();
        commitAndMaintain(sink, new Checkpoint(id, "test", 1, "pos-" + id), lastPrepared);
      }
      // A replay of the last checkpoint (recovery after a crash) is still recognised as done.
      assertThat(sink.commit(new Checkpoint(12, "test", 1, "pos-12"), lastPrepared)).isEmpty();
    }

    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    assertThat(snapshots).hasSizeLessThanOrEqualTo(4);
    assertThat(table.currentSnapshot().dataManifests(table.io()).size())
        .isLessThan(TableMaintenance.MIN_MANIFESTS_TO_REWRITE);
    assertThat(IcebergCommitter.latestCommitOf(table, "test").summary())
        .containsEntry(IcebergCommitter.SUMMARY_CHECKPOINT_ID, "12");
    assertThat(ids(table))
        .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);

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
        sink.write(
            SINK, DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {id, "n" + id}, id), id * 10);
        sink.write(
            SINK,
            DataChangeEvent.delete(SOURCE, SCHEMA, new Object[] {id, "n" + id}, id),
            id * 10 + 1);
        commitAndMaintain(sink, new Checkpoint(id, "test", 1, ""), sink.prepareCommit());
      }
    }
    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
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
    assertThat(IcebergCommitter.latestCommitOf(table, "test").summary())
        .containsEntry(IcebergCommitter.SUMMARY_CHECKPOINT_ID, Long.toString(commits));
  }

  /**
   * Equality deletes and the deletes of rows changed in the commit that wrote them: position
   * delete files in format v2, deletion vectors (several in one Puffin file) in v3.
   */
  @ParameterizedTest
  @ValueSource(strings = {"2", "3"})
  void appliesTheDeletesOfAnUpsertTableKeepingTheLatestRows(String formatVersion) throws Exception {
    Configuration options =
        options(
            Map.of("maintenance.interval", "0s", "table.properties.format-version", formatVersion));
    int checkpoints = Compaction.MIN_DELETE_FILES + 4;
    try (Sink sink = sink(options)) {
      long sequence = 0;
      for (long round = 1; round <= checkpoints; round++) {
        for (long id = 1; id <= 5; id++) {
          sink.write(
              SINK,
              DataChangeEvent.update(
                  SOURCE, SCHEMA, null, new Object[] {id, "draft " + round}, round),
              ++sequence);
          sink.write(
              SINK,
              DataChangeEvent.update(SOURCE, SCHEMA, null, new Object[] {id, "v" + round}, round),
              ++sequence);
        }
        if (round == checkpoints) {
          sink.write(
              SINK,
              DataChangeEvent.delete(SOURCE, SCHEMA, new Object[] {5L, null}, round),
              ++sequence);
        }
        commitAndMaintain(sink, new Checkpoint(round, "test", 1, ""), sink.prepareCommit());
      }
    }
    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
    int deleteFiles = 0;
    try (var tasks = table.newScan().planFiles()) {
      for (var task : tasks) {
        deleteFiles += task.deletes().size();
      }
    }
    assertThat(deleteFiles).isLessThan(Compaction.MIN_DELETE_FILES);
    Map<Long, String> rows = new java.util.TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(
          record ->
              assertThat(rows.put((Long) record.getField("id"), (String) record.getField("name")))
                  .isNull());
    }
    String last = "v" + checkpoints;
    assertThat(rows).isEqualTo(Map.of(1L, last, 2L, last, 3L, last, 4L, last));
    assertThat(IcebergCommitter.latestCommitOf(table, "test").summary())
        .containsEntry(IcebergCommitter.SUMMARY_CHECKPOINT_ID, Integer.toString(checkpoints));
    List<String> operations = new ArrayList<>();
    table.snapshots().forEach(snapshot -> operations.add(snapshot.operation()));
    assertThat(operations).contains("replace");
  }

  @Test
  void appliesTheDeletesOfATableLargerThanOneGroupGroupByGroup() throws Exception {
    Configuration options = options(Map.of("maintenance.enabled", "false"));
    Map<Long, String> expected = new TreeMap<>();
    int rounds = 20;
    try (Sink sink = sink(options)) {
      long sequence = 0;
      for (long round = 1; round <= rounds; round++) {
        for (long key = round * 100; key < round * 100 + 20; key++) {
          sink.write(
              SINK,
              DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {key, "r" + round}, round),
              ++sequence);
          expected.put(key, "r" + round);
        }
        // Within the checkpoint: a position delete of this round's file.
        sink.write(
            SINK,
            DataChangeEvent.update(
                SOURCE, SCHEMA, null, new Object[] {round * 100 + 5, "again"}, round),
            ++sequence);
        expected.put(round * 100 + 5, "again");
        if (round >= 3) {
          // Equality deletes of the last two rounds' files.
          for (long key : new long[] {(round - 1) * 100, (round - 1) * 100 + 1}) {
            sink.write(
                SINK,
                DataChangeEvent.update(
                    SOURCE, SCHEMA, null, new Object[] {key, "u" + round}, round),
                ++sequence);
            expected.put(key, "u" + round);
          }
          long gone = (round - 2) * 100 + 10;
          sink.write(
              SINK,
              DataChangeEvent.delete(SOURCE, SCHEMA, new Object[] {gone, null}, round),
              ++sequence);
          expected.remove(gone);
        }
        sink.commit(new Checkpoint(round, "test", 1, ""), sink.prepareCommit());
      }
    }
    Catalog catalog = IcebergSinkFactory.catalog(options);
    Table table = catalog.loadTable(IcebergTables.identifier(SINK));
    assertThat(rows(table)).isEqualTo(expected);
    long largestFile =
        dataFiles(table).values().stream().mapToLong(DataFile::fileSizeInBytes).max().orElseThrow();
    long groupBytes = 3 * largestFile;
    assertThat(dataFiles(table).values().stream().mapToLong(DataFile::fileSizeInBytes).sum())
        .isGreaterThan(3 * groupBytes);
    assertThat(applyingDeleteFiles(table)).hasSizeGreaterThanOrEqualTo(Compaction.MIN_DELETE_FILES);

    int runs = 0;
    try (TableMaintenance maintenance =
        new TableMaintenance(
            new TableMaintenance.Settings(Duration.ZERO, Duration.ofDays(1), 100),
            Clock.systemUTC(),
            groupBytes)) {
      while (applyingDeleteFiles(table).size() >= Compaction.MIN_DELETE_FILES) {
        assertThat(runs).as("runs").isLessThan(rounds);
        Map<String, DataFile> before = dataFiles(table);
        int deleteFilesBefore = liveDeleteFiles(table).size();
        long startingSequenceNumber = table.currentSnapshot().sequenceNumber();

        maintenance.afterCommit(SINK, catalog.loadTable(IcebergTables.identifier(SINK)));
        maintenance.awaitIdle();
        runs++;

        table.refresh();
        assertThat(rows(table)).as("rows after run %s", runs).isEqualTo(expected);
        Map<String, DataFile> after = dataFiles(table);
        List<DataFile> replaced =
            before.values().stream().filter(file -> !after.containsKey(file.location())).toList();
        List<DataFile> added =
            after.values().stream().filter(file -> !before.containsKey(file.location())).toList();
        assertThat(replaced).as("files replaced by run %s", runs).isNotEmpty();
        if (replaced.size() > 1) {
          assertThat(replaced.stream().mapToLong(DataFile::fileSizeInBytes).sum())
              .isLessThanOrEqualTo(groupBytes);
        }
        assertThat(added)
            .extracting(DataFile::dataSequenceNumber)
            .containsOnly(startingSequenceNumber);
        assertThat(liveDeleteFiles(table))
            .as("delete files after run %s", runs)
            .hasSizeLessThan(deleteFilesBefore);
        assertThat(IcebergCommitter.latestCommitOf(table, "test").summary())
            .containsEntry(IcebergCommitter.SUMMARY_CHECKPOINT_ID, Integer.toString(rounds));
      }
    }
    assertThat(runs).as("runs").isGreaterThan(1);
  }

  /**
   * A table updated at every checkpoint gets its deletes applied once it has many delete files,
   * long before the maintenance interval is over (runs at least {@link
   * TableMaintenance#DELETES_MIN_SPACING} apart), so readers never apply an hour of them.
   */
  @Test
  void appliesManyDeleteFilesBeforeTheIntervalIsOver() throws Exception {
    Configuration options = options(Map.of());
    TestClock clock = new TestClock();
    TableMaintenance maintenance =
        new TableMaintenance(
            new TableMaintenance.Settings(Duration.ofHours(1), Duration.ofDays(1), 100), clock);
    int rounds = 2 * Compaction.MIN_DELETE_FILES;
    int mostDeleteFiles = 0;
    try (Sink sink = sink(options, maintenance)) {
      long sequence = 0;
      for (long round = 1; round <= rounds; round++) {
        for (long id = 1; id <= 5; id++) {
          sink.write(
              SINK,
              DataChangeEvent.update(SOURCE, SCHEMA, null, new Object[] {id, "v" + round}, round),
              ++sequence);
        }
        commitAndMaintain(sink, new Checkpoint(round, "test", 1, ""), sink.prepareCommit());
        clock.advance(Duration.ofSeconds(5));
        Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
        mostDeleteFiles = Math.max(mostDeleteFiles, deleteFiles(table));
      }
      Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
      assertThat(table.snapshots()).extracting(Snapshot::operation).contains("replace");
      assertThat(rows(table)).hasSize(5).containsEntry(1L, "v" + rounds);
    }
    // Bounded: the threshold, plus the checkpoints of one spacing (30 s at 5 s each).
    assertThat(mostDeleteFiles)
        .isLessThanOrEqualTo(
            Compaction.MIN_DELETE_FILES
                + (int) (TableMaintenance.DELETES_MIN_SPACING.toSeconds() / 5));
  }

  private static int deleteFiles(Table table) {
    return Integer.parseInt(
        table.currentSnapshot().summary().getOrDefault("total-delete-files", "0"));
  }

  @Test
  void aPipelineCommitDuringARewriteKeepsItsDeletesAndTheCheckpoint() throws Exception {
    Configuration options = options(Map.of());
    TestClock clock = new TestClock();
    TableMaintenance maintenance =
        new TableMaintenance(
            new TableMaintenance.Settings(Duration.ofHours(1), Duration.ofDays(1), 100), clock);
    CountDownLatch rewriteWritten = new CountDownLatch(1);
    CountDownLatch pipelineCommitted = new CountDownLatch(1);
    AtomicBoolean armed = new AtomicBoolean();
    maintenance.beforeCommit(
        () -> {
          if (armed.compareAndSet(true, false)) {
            rewriteWritten.countDown();
            try {
              pipelineCommitted.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        });
    int rounds = Compaction.MIN_DELETE_FILES + 2;
    Map<Long, String> expected = new TreeMap<>();
    Map<TableId, byte[]> lastPrepared;
    try (Sink sink = sink(options, maintenance)) {
      long sequence = 0;
      // One file of keys 1-20, then one key updated per checkpoint: equality deletes of that file.
      // One run after the first commit (nothing to do yet); the interval keeps the others off.
      for (long round = 1; round <= rounds; round++) {
        for (long id = round == 1 ? 1 : round; id <= (round == 1 ? 20 : round); id++) {
          sink.write(
              SINK,
              DataChangeEvent.update(SOURCE, SCHEMA, null, new Object[] {id, "v" + round}, round),
              ++sequence);
          expected.put(id, "v" + round);
        }
        commitAndMaintain(sink, new Checkpoint(round, "test", 1, ""), sink.prepareCommit());
      }
      Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
      assertThat(table.snapshots()).extracting(Snapshot::operation).doesNotContain("replace");

      // The due run starts after the next checkpoint and stops before committing its rewrite ...
      clock.advance(Duration.ofHours(1));
      armed.set(true);
      sink.write(
          SINK,
          DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {21L, "new"}, rounds + 1),
          ++sequence);
      expected.put(21L, "new");
      sink.commit(new Checkpoint(rounds + 1, "test", 1, ""), sink.prepareCommit());
      assertThat(rewriteWritten.await(30, TimeUnit.SECONDS)).as("rewrite written").isTrue();
      table.refresh();
      Snapshot starting = table.currentSnapshot();
      Set<String> appliedDeletes = applyingDeleteFiles(table);
      // ... while the pipeline commits changes of rows the rewrite rewrites.
      for (long id = 19; id <= 20; id++) {
        sink.write(
            SINK,
            DataChangeEvent.update(SOURCE, SCHEMA, null, new Object[] {id, "late"}, rounds + 2),
            ++sequence);
        expected.put(id, "late");
      }
      sink.write(
          SINK,
          DataChangeEvent.delete(SOURCE, SCHEMA, new Object[] {1L, null}, rounds + 2),
          ++sequence);
      expected.remove(1L);
      lastPrepared = sink.prepareCommit();
      sink.commit(new Checkpoint(rounds + 2, "test", 1, ""), lastPrepared);
      pipelineCommitted.countDown();
      maintenance.awaitIdle();

      table.refresh();
      assertThat(rows(table)).isEqualTo(expected);
      Snapshot pipelineCommit = table.currentSnapshot();
      while (!"test".equals(pipelineCommit.summary().get(IcebergCommitter.SUMMARY_PIPELINE))
          || "replace".equals(pipelineCommit.operation())) {
        pipelineCommit = table.snapshot(pipelineCommit.parentId());
      }
      assertThat(pipelineCommit.summary())
          .containsEntry(IcebergCommitter.SUMMARY_CHECKPOINT_ID, Integer.toString(rounds + 2));
      long pipelineCommitId = pipelineCommit.snapshotId();
      List<Snapshot> children = new ArrayList<>();
      table
          .snapshots()
          .forEach(
              snapshot -> {
                if (snapshot.parentId() != null && snapshot.parentId() == pipelineCommitId) {
                  children.add(snapshot);
                }
              });
      assertThat(children).as("snapshots after checkpoint %s", rounds + 2).hasSize(1);
      Snapshot rewrite = children.get(0);
      assertThat(rewrite.operation()).isEqualTo("replace");
      assertThat(rewrite.summary())
          .containsEntry(IcebergCommitter.SUMMARY_CHECKPOINT_ID, Integer.toString(rounds + 2));
      // The rewritten file keeps the sequence number of the snapshot the rewrite read, so the
      // pipeline's newer equality deletes still apply to it; the delete files it applied are gone.
      List<String> added = new ArrayList<>();
      rewrite.addedDataFiles(table.io()).forEach(file -> added.add(file.location()));
      assertThat(added).isNotEmpty();
      Set<String> newerDeletes = new HashSet<>();
      pipelineCommit
          .addedDeleteFiles(table.io())
          .forEach(file -> newerDeletes.add(file.location()));
      assertThat(newerDeletes).isNotEmpty();
      try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
        for (FileScanTask task : tasks) {
          if (added.contains(task.file().location())) {
            assertThat(task.file().dataSequenceNumber()).isEqualTo(starting.sequenceNumber());
            assertThat(task.deletes()).extracting(DeleteFile::location).containsAll(newerDeletes);
          }
        }
      }
      assertThat(applyingDeleteFiles(table)).isEqualTo(newerDeletes);
      assertThat(appliedDeletes)
          .hasSizeGreaterThanOrEqualTo(Compaction.MIN_DELETE_FILES)
          .doesNotContainAnyElementsOf(liveDeleteFiles(table));
      assertThat(liveDeleteFiles(table)).containsAll(newerDeletes);

      // A replay of the last checkpoint (recovery after a crash) is still recognised as done.
      assertThat(IcebergCommitter.latestCommitOf(table, "test").summary())
          .containsEntry(IcebergCommitter.SUMMARY_CHECKPOINT_ID, Integer.toString(rounds + 2));
      assertThat(sink.commit(new Checkpoint(rounds + 2, "test", 1, ""), lastPrepared)).isEmpty();
    }
    try (Sink sink = sink(options)) {
      assertThat(sink.commit(new Checkpoint(rounds + 2, "test", 1, ""), lastPrepared)).isEmpty();
    }
  }

  @Test
  void leavesTablesAloneWhenMaintenanceIsOff() throws Exception {
    Configuration options =
        options(Map.of("maintenance.enabled", "false", "maintenance.snapshot.max-age", "0s"));
    try (Sink sink = sink(options)) {
      for (long id = 1; id <= 10; id++) {
        sink.write(SINK, DataChangeEvent.insert(SOURCE, SCHEMA, new Object[] {id, "n"}, id), id);
        sink.commit(new Checkpoint(id, "test", 1, ""), sink.prepareCommit());
      }
    }
    Table table = IcebergSinkFactory.catalog(options).loadTable(IcebergTables.identifier(SINK));
    List<Snapshot> snapshots = new ArrayList<>();
    table.snapshots().forEach(snapshots::add);
    assertThat(snapshots).hasSize(10);
  }

  /** Commits through the sink and waits for the maintenance run the commit started, if any. */
  private static void commitAndMaintain(
      Sink sink, Checkpoint checkpoint, Map<TableId, byte[]> prepared) throws Exception {
    sink.commit(checkpoint, prepared);
    ((IcebergSink) sink).maintenance().awaitIdle();
  }

  private Sink sink(Configuration options, TableMaintenance maintenance) {
    return new IcebergSink(
        "maintenance-test",
        IcebergSinkFactory.catalog(options),
        IcebergSinkFactory.DEFAULT_TABLE_PROPERTIES,
        WriteMode.UPSERT,
        maintenance,
        new IcebergPartitionKeys(Map.of()));
  }

  private static Map<Long, String> rows(Table table) throws Exception {
    Map<Long, String> rows = new TreeMap<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      for (Record record : records) {
        assertThat(rows.put((Long) record.getField("id"), (String) record.getField("name")))
            .as("rows of key %s", record.getField("id"))
            .isNull();
      }
    }
    return rows;
  }

  /** The table's live data files by location. */
  private static Map<String, DataFile> dataFiles(Table table) throws Exception {
    Map<String, DataFile> files = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> files.put(task.file().location(), task.file()));
    }
    return files;
  }

  /** The delete files that apply to some live data file, by location. */
  private static Set<String> applyingDeleteFiles(Table table) throws Exception {
    Set<String> locations = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      tasks.forEach(task -> task.deletes().forEach(delete -> locations.add(delete.location())));
    }
    return locations;
  }

  /** Every delete file of the table's current snapshot, by location. */
  private static Set<String> liveDeleteFiles(Table table) throws Exception {
    Set<String> locations = new HashSet<>();
    for (ManifestFile manifest : table.currentSnapshot().deleteManifests(table.io())) {
      try (CloseableIterable<DeleteFile> files =
          ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
        files.forEach(file -> locations.add(file.location()));
      }
    }
    return locations;
  }

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    private volatile Instant now = Instant.parse("2024-01-01T00:00:00Z");

    void advance(Duration duration) {
      now = now.plus(duration);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return now;
    }
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
    return factory.create(
        options,
        new PipelineContext(
            "test", state, factory.openStateStorage(options, state.toUri().toString())));
  }

  private static List<Long> ids(Table table) throws Exception {
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
      records.forEach(record -> ids.add((Long) record.getField("id")));
    }
    return ids;
  }
}
