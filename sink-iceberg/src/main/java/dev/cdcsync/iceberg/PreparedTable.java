package dev.cdcsync.iceberg;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestWriter;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.WriteResult;

/**
 * One table's prepared, not yet committed changes: its data and delete files listed in two
 * manifests (as Flink's Iceberg sink does), plus what the commit reports. Survives a crash as
 * bytes in a checkpoint record.
 *
 * @param initialLoad the chunked initial load whose rows are all the table holds once committed,
 *     or null
 * @param replaces the commit first leaves out every row the table holds (a table loaded again)
 * @param mirrorsSource once committed, the table holds its source table's rows, each key once
 *     (see {@link IcebergCommitter#SUMMARY_MIRRORS_SOURCE})
 */
record PreparedTable(
    long changes,
    long maxSourceTimestamp,
    byte[] dataManifest,
    byte[] deleteManifest,
    String initialLoad,
    boolean replaces,
    boolean mirrorsSource) {

  /** Format 1 lacks {@link #initialLoad}, 2 {@link #replaces}, 3 {@link #mirrorsSource}. */
  private static final int FORMAT = 4;

  /** Manifests listing uncommitted files need some snapshot id; the commit assigns the real one. */
  private static final long UNCOMMITTED_SNAPSHOT_ID = 0L;

  static PreparedTable write(
      Table table,
      WriteResult result,
      long changes,
      long maxSourceTimestamp,
      String initialLoad,
      boolean replaces,
      boolean mirrorsSource)
      throws IOException {
    int formatVersion = ((HasTableOperations) table).operations().current().formatVersion();
    byte[] data = null;
    if (result.dataFiles().length > 0) {
      ManifestWriter<DataFile> writer =
          ManifestFiles.write(
              formatVersion, table.spec(), newManifest(table), UNCOMMITTED_SNAPSHOT_ID);
      try (writer) {
        for (DataFile file : result.dataFiles()) {
          writer.add(file);
        }
      }
      data = ManifestFiles.encode(writer.toManifestFile());
    }
    byte[] deletes = null;
    if (result.deleteFiles().length > 0) {
      ManifestWriter<DeleteFile> writer =
          ManifestFiles.writeDeleteManifest(
              formatVersion, table.spec(), newManifest(table), UNCOMMITTED_SNAPSHOT_ID);
      try (writer) {
        for (DeleteFile file : result.deleteFiles()) {
          writer.add(file);
        }
      }
      deletes = ManifestFiles.encode(writer.toManifestFile());
    }
    return new PreparedTable(
        changes, maxSourceTimestamp, data, deletes, initialLoad, replaces, mirrorsSource);
  }

  /** Adds the prepared files to a commit. */
  void addTo(RowDelta delta, Table table) throws IOException {
    if (dataManifest != null) {
      ManifestFile manifest = ManifestFiles.decode(dataManifest);
      try (CloseableIterable<DataFile> files =
          ManifestFiles.read(manifest, table.io(), table.specs())) {
        for (DataFile file : files) {
          delta.addRows(file.copy());
        }
      }
    }
    if (deleteManifest != null) {
      ManifestFile manifest = ManifestFiles.decode(deleteManifest);
      try (CloseableIterable<DeleteFile> files =
          ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
        for (DeleteFile file : files) {
          delta.addDeletes(file.copy());
        }
      }
    }
  }

  byte[] toBytes() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(FORMAT);
      out.writeLong(changes);
      out.writeLong(maxSourceTimestamp);
      writeBytes(out, dataManifest);
      writeBytes(out, deleteManifest);
      out.writeBoolean(initialLoad != null);
      if (initialLoad != null) {
        out.writeUTF(initialLoad);
      }
      out.writeBoolean(replaces);
      out.writeBoolean(mirrorsSource);
    }
    return bytes.toByteArray();
  }

  static PreparedTable fromBytes(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readInt();
      if (format < 1 || format > FORMAT) {
        throw new IOException("Cannot read a prepared commit of format " + format);
      }
      long changes = in.readLong();
      long maxSourceTimestamp = in.readLong();
      byte[] data = readBytes(in);
      byte[] deletes = readBytes(in);
      String initialLoad = format >= 2 && in.readBoolean() ? in.readUTF() : null;
      boolean replaces = format >= 3 && in.readBoolean();
      boolean mirrorsSource = format >= 4 && in.readBoolean();
      return new PreparedTable(
          changes, maxSourceTimestamp, data, deletes, initialLoad, replaces, mirrorsSource);
    }
  }

  private static OutputFile newManifest(Table table) {
    String name = "cdc-sync-" + UUID.randomUUID() + "-m0.avro";
    return table
        .io()
        .newOutputFile(((HasTableOperations) table).operations().metadataFileLocation(name));
  }

  private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
    out.writeInt(value == null ? -1 : value.length);
    if (value != null) {
      out.write(value);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0) {
      return null;
    }
    byte[] value = new byte[length];
    in.readFully(value);
    return value;
  }
}
