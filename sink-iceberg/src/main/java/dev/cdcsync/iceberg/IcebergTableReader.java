package dev.cdcsync.iceberg;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/** Reads a sink table back with Iceberg's generic reader, for people and tests to look at. */
public final class IcebergTableReader {

  /**
   * Some rows of a table as text.
   *
   * @param totalRows every row in the table, not only those returned
   * @param summary the current snapshot's summary (empty when the table has no snapshot)
   */
  public record TableContents(
      List<String> columns, List<List<String>> rows, long totalRows, Map<String, String> summary) {}

  /** What a pipeline last committed to one table. */
  public record CommittedTable(
      TableId table,
      long checkpointId,
      long epoch,
      Instant committedAt,
      long sourceTimestampMillis,
      String sourcePosition) {}

  private IcebergTableReader() {}

  /** The tables a pipeline has committed to, with its latest commit to each. */
  public static List<CommittedTable> committedTables(Configuration sinkOptions, String pipeline) {
    Catalog catalog = IcebergSinkFactory.catalog(sinkOptions);
    List<CommittedTable> tables = new ArrayList<>();
    if (!(catalog instanceof SupportsNamespaces namespaces)) {
      return tables;
    }
    for (Namespace namespace : namespaces.listNamespaces()) {
      for (TableIdentifier identifier : catalog.listTables(namespace)) {
        Table table = catalog.loadTable(identifier);
        IcebergCommitter.PipelineCommit own = IcebergCommitter.latestCommit(table, pipeline);
        if (own != null) {
          List<String> parts = new ArrayList<>(List.of(namespace.levels()));
          parts.add(identifier.name());
          TableId id =
              parts.size() == 2
                  ? TableId.of(parts.get(0), parts.get(1))
                  : TableId.parse(String.join(".", parts));
          tables.add(
              new CommittedTable(
                  id,
                  own.checkpointId(),
                  own.epoch(),
                  Instant.ofEpochMilli(own.committedAtMillis()),
                  own.sourceTimestampMillis(),
                  own.sourcePosition()));
        }
      }
    }
    return tables;
  }

  /** A catalog from sink options, or from a bare local warehouse directory (hadoop catalog). */
  public static Configuration hadoopWarehouse(String location) {
    return Configuration.of(
        Map.of(
            IcebergSinkFactory.CATALOG_TYPE.key(),
            "hadoop",
            IcebergSinkFactory.WAREHOUSE.key(),
            location));
  }

  public static TableContents read(Configuration sinkOptions, TableId table, int limit) {
    Catalog catalog = IcebergSinkFactory.catalog(sinkOptions);
    Table loaded;
    try {
      loaded = catalog.loadTable(IcebergTables.identifier(table));
    } catch (NoSuchTableException e) {
      throw new PermanentPipelineException(
          "Cannot show table " + table + ": it does not exist in the catalog");
    }
    List<String> columns = loaded.schema().columns().stream().map(Types.NestedField::name).toList();
    List<List<String>> rows = new ArrayList<>();
    long total = 0;
    try (CloseableIterable<Record> records = IcebergGenerics.read(loaded).build()) {
      for (Record record : records) {
        total++;
        if (rows.size() < limit) {
          List<String> values = new ArrayList<>(columns.size());
          for (String column : columns) {
            values.add(text(record.getField(column)));
          }
          rows.add(values);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read table " + table, e);
    }
    Snapshot snapshot = loaded.currentSnapshot();
    return new TableContents(
        columns, rows, total, snapshot == null ? Map.of() : snapshot.summary());
  }

  private static String text(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof ByteBuffer buffer) {
      ByteBuffer copy = buffer.duplicate();
      byte[] bytes = new byte[copy.remaining()];
      copy.get(bytes);
      return "0x" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof List<?> elements) {
      return elements.stream()
          .map(IcebergTableReader::text)
          .collect(Collectors.joining(", ", "[", "]"));
    }
    return value.toString();
  }
}
