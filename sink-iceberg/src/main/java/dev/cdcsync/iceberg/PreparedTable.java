package dev.cdcsync.iceberg;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.ContentFileParser;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.util.JsonUtil;

/**
 * One table's prepared, not yet committed changes: its data and delete files, each as Iceberg's
 * content-file JSON (the REST catalog specification's), plus what the commit reports. Survives a
 * crash as bytes in a checkpoint record.
 *
 * <p>Checkpoints recorded before format 5 list the files in two manifests instead, written beside
 * the table's metadata; they are still read, so a pipeline stopped by a crash can be resumed by
 * the next version. Writing those manifests cost more than the rest of a small table's commit.
 *
 * @param files the data and delete files, as {@link ContentFileParser} JSON
 * @param dataManifest format 4 and before: the manifest of the data files, or null
 * @param deleteManifest format 4 and before: the manifest of the delete files, or null
 * @param initialLoad the chunked initial load whose rows are all the table holds once committed,
 *     or null
 * @param replaces the commit first leaves out every row the table holds (a table loaded again)
 * @param mirrorsSource once committed, the table holds its source table's rows, each key once
 *     (see {@link IcebergCommitter#SUMMARY_MIRRORS_SOURCE})
 */
record PreparedTable(
    long changes,
    long maxSourceTimestamp,
    List<String> files,
    byte[] dataManifest,
    byte[] deleteManifest,
    String initialLoad,
    boolean replaces,
    boolean mirrorsSource) {

  /**
   * Format 1 lacks {@link #initialLoad}, 2 {@link #replaces}, 3 {@link #mirrorsSource}; 4 and
   * before have manifests instead of {@link #files}.
   */
  private static final int FORMAT = 5;

  static PreparedTable write(
      Table table,
      WriteResult result,
      long changes,
      long maxSourceTimestamp,
      String initialLoad,
      boolean replaces,
      boolean mirrorsSource) {
    List<String> files = new ArrayList<>();
    for (DataFile file : result.dataFiles()) {
      files.add(ContentFileParser.toJson(file, table.specs().get(file.specId())));
    }
    for (DeleteFile file : result.deleteFiles()) {
      files.add(ContentFileParser.toJson(file, table.specs().get(file.specId())));
    }
    return new PreparedTable(
        changes,
        maxSourceTimestamp,
        List.copyOf(files),
        null,
        null,
        initialLoad,
        replaces,
        mirrorsSource);
  }

  /** Adds the prepared files to a commit. */
  void addTo(RowDelta delta, Table table) throws IOException {
    for (String json : files) {
      ContentFile<?> file =
          ContentFileParser.fromJson(JsonUtil.mapper().readTree(json), table.specs());
      if (file instanceof DataFile data) {
        delta.addRows(data);
      } else {
        delta.addDeletes((DeleteFile) file);
      }
    }
    if (dataManifest != null) {
      ManifestFile manifest = ManifestFiles.decode(dataManifest);
      try (CloseableIterable<DataFile> manifestFiles =
          ManifestFiles.read(manifest, table.io(), table.specs())) {
        for (DataFile file : manifestFiles) {
          delta.addRows(file.copy());
        }
      }
    }
    if (deleteManifest != null) {
      ManifestFile manifest = ManifestFiles.decode(deleteManifest);
      try (CloseableIterable<DeleteFile> manifestFiles =
          ManifestFiles.readDeleteManifest(manifest, table.io(), table.specs())) {
        for (DeleteFile file : manifestFiles) {
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
      out.writeInt(files.size());
      for (String file : files) {
        writeBytes(out, file.getBytes(StandardCharsets.UTF_8));
      }
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
      List<String> files = new ArrayList<>();
      byte[] data = null;
      byte[] deletes = null;
      if (format >= 5) {
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          files.add(new String(readBytes(in), StandardCharsets.UTF_8));
        }
      } else {
        data = readBytes(in);
        deletes = readBytes(in);
      }
      String initialLoad = format >= 2 && in.readBoolean() ? in.readUTF() : null;
      boolean replaces = format >= 3 && in.readBoolean();
      boolean mirrorsSource = format >= 4 && in.readBoolean();
      return new PreparedTable(
          changes,
          maxSourceTimestamp,
          List.copyOf(files),
          data,
          deletes,
          initialLoad,
          replaces,
          mirrorsSource);
    }
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
