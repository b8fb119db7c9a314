package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileMetadata;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreparedTableTest {

  private static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "day", Types.DateType.get()));

  @TempDir Path warehouse;

  @Test
  void survivesItsBytesWithTheInitialLoadItHolds() throws Exception {
    PreparedTable prepared =
        new PreparedTable(7, 1234, List.of("{\"a\":1}"), null, null, "load-1", true, true);
    PreparedTable read = PreparedTable.fromBytes(prepared.toBytes());
    assertThat(read.changes()).isEqualTo(7);
    assertThat(read.maxSourceTimestamp()).isEqualTo(1234);
    assertThat(read.files()).containsExactly("{\"a\":1}");
    assertThat(read.dataManifest()).isNull();
    assertThat(read.deleteManifest()).isNull();
    assertThat(read.initialLoad()).isEqualTo("load-1");
    assertThat(read.replaces()).isTrue();
    assertThat(read.mirrorsSource()).isTrue();
    PreparedTable plain =
        PreparedTable.fromBytes(
            new PreparedTable(1, 2, List.of(), null, null, null, false, false).toBytes());
    assertThat(plain.files()).isEmpty();
    assertThat(plain.initialLoad()).isNull();
    assertThat(plain.replaces()).isFalse();
    assertThat(plain.mirrorsSource()).isFalse();
  }

  /** Data and delete files of a partitioned v3 table reach the commit whole, through the bytes. */
  @Test
  void commitsTheFilesItWasPreparedWith() throws Exception {
    Table table = table("3");
    DataFile data = dataFile(table);
    DeleteFile equalityDeletes =
        FileMetadata.deleteFileBuilder(table.spec())
            .ofEqualityDeletes(1)
            .withPath(table.location() + "/data/eq-" + UUID.randomUUID() + ".parquet")
            .withFormat(FileFormat.PARQUET)
            .withPartition(data.partition())
            .withFileSizeInBytes(50)
            .withMetrics(metrics(2))
            .build();
    DeleteFile deletionVector =
        FileMetadata.deleteFileBuilder(table.spec())
            .ofPositionDeletes()
            .withPath(table.location() + "/data/dv-" + UUID.randomUUID() + ".puffin")
            .withFormat(FileFormat.PUFFIN)
            .withPartition(data.partition())
            .withFileSizeInBytes(80)
            .withRecordCount(1)
            .withReferencedDataFile(data.location())
            .withContentOffset(4)
            .withContentSizeInBytes(40)
            .build();
    WriteResult result =
        WriteResult.builder().addDataFiles(data).addDeleteFiles(equalityDeletes).build();
    PreparedTable prepared =
        PreparedTable.fromBytes(
            PreparedTable.write(table, result, 3, 99, null, false, true).toBytes());
    commit(table, prepared);

    assertThat(table.currentSnapshot().addedDataFiles(table.io()))
        .singleElement()
        .satisfies(
            committed -> {
              assertThat(committed.location()).isEqualTo(data.location());
              assertThat(committed.partition().get(0, Integer.class))
                  .isEqualTo(data.partition().get(0, Integer.class));
              assertThat(committed.recordCount()).isEqualTo(3);
              assertThat(committed.lowerBounds()).isEqualTo(data.lowerBounds());
              assertThat(committed.upperBounds()).isEqualTo(data.upperBounds());
              assertThat(committed.nullValueCounts()).isEqualTo(data.nullValueCounts());
            });
    assertThat(table.currentSnapshot().addedDeleteFiles(table.io()))
        .singleElement()
        .satisfies(
            committed -> {
              assertThat(committed.location()).isEqualTo(equalityDeletes.location());
              assertThat(committed.equalityFieldIds()).containsExactly(1);
              assertThat(committed.recordCount()).isEqualTo(2);
            });

    DataFile second = dataFile(table);
    PreparedTable vectors =
        PreparedTable.fromBytes(
            PreparedTable.write(
                    table,
                    WriteResult.builder()
                        .addDataFiles(second)
                        .addDeleteFiles(deletionVector)
                        .build(),
                    1,
                    100,
                    null,
                    false,
                    true)
                .toBytes());
    commit(table, vectors);
    assertThat(table.currentSnapshot().addedDeleteFiles(table.io()))
        .singleElement()
        .satisfies(
            committed -> {
              assertThat(committed.format()).isEqualTo(FileFormat.PUFFIN);
              assertThat(committed.referencedDataFile()).isEqualTo(data.location());
              assertThat(committed.contentOffset()).isEqualTo(4);
              assertThat(committed.contentSizeInBytes()).isEqualTo(40);
            });
  }

  /**
   * A checkpoint recorded by a version before format 5 lists its files in manifests; a crash
   * before its commit, then an upgrade, must still commit them.
   */
  @Test
  void commitsTheManifestsOfTheFormatBefore() throws Exception {
    Table table = table("2");
    DataFile data = dataFile(table);
    ManifestWriter<DataFile> writer = ManifestFiles.write(2, table.spec(), newManifest(table), 0L);
    try (writer) {
      writer.add(data);
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(4);
      out.writeLong(3);
      out.writeLong(99);
      byte[] manifest = ManifestFiles.encode(writer.toManifestFile());
      out.writeInt(manifest.length);
      out.write(manifest);
      out.writeInt(-1);
      out.writeBoolean(false);
      out.writeBoolean(false);
      out.writeBoolean(true);
    }
    PreparedTable read = PreparedTable.fromBytes(bytes.toByteArray());
    assertThat(read.changes()).isEqualTo(3);
    assertThat(read.files()).isEmpty();
    assertThat(read.mirrorsSource()).isTrue();
    commit(table, read);
    assertThat(table.currentSnapshot().addedDataFiles(table.io()))
        .extracting(DataFile::location)
        .containsExactly(data.location());
  }

  /** A checkpoint recorded by the first version: format 1, without the initial load. */
  @Test
  void readsTheFirstFormat() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(1);
      out.writeLong(3);
      out.writeLong(99);
      out.writeInt(-1);
      out.writeInt(1);
      out.write(5);
    }
    PreparedTable read = PreparedTable.fromBytes(bytes.toByteArray());
    assertThat(read.changes()).isEqualTo(3);
    assertThat(read.deleteManifest()).containsExactly(5);
    assertThat(read.initialLoad()).isNull();
    assertThat(read.replaces()).isFalse();
    assertThat(read.mirrorsSource()).isFalse();
  }

  private Table table(String formatVersion) {
    return new HadoopTables(ForklessLocalFileSystem.hadoopConfiguration())
        .create(
            SCHEMA,
            PartitionSpec.builderFor(SCHEMA).day("day").build(),
            Map.of(TableProperties.FORMAT_VERSION, formatVersion),
            warehouse.resolve("t" + UUID.randomUUID()).toUri().toString());
  }

  private static DataFile dataFile(Table table) {
    return DataFiles.builder(table.spec())
        .withPath(table.location() + "/data/" + UUID.randomUUID() + ".parquet")
        .withFormat(FileFormat.PARQUET)
        .withPartitionPath("day_day=2026-12-07")
        .withFileSizeInBytes(100)
        .withMetrics(metrics(3))
        .build();
  }

  private static Metrics metrics(long records) {
    return new Metrics(
        records,
        Map.of(1, 10L),
        Map.of(1, records),
        Map.of(1, 0L),
        Map.of(),
        Map.of(1, Conversions.toByteBuffer(Types.LongType.get(), 1L)),
        Map.of(1, (ByteBuffer) Conversions.toByteBuffer(Types.LongType.get(), records)));
  }

  private static void commit(Table table, PreparedTable prepared) throws Exception {
    RowDelta delta = table.newRowDelta();
    prepared.addTo(delta, table);
    delta.commit();
    table.refresh();
  }

  private static OutputFile newManifest(Table table) {
    return table
        .io()
        .newOutputFile(
            ((HasTableOperations) table)
                .operations()
                .metadataFileLocation("cdc-sync-" + UUID.randomUUID() + "-m0.avro"));
  }
}
