package dev.cdcsync.iceberg;

import dev.cdcsync.api.Checkpoint;
import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataChangeEvent;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.Sink;
import dev.cdcsync.api.TableCommit;
import dev.cdcsync.api.TableId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.io.WriteResult;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes changes into Iceberg tables, one commit per table per checkpoint. Tables are created on
 * first use (format v2, identifier fields = the source primary key).
 */
final class IcebergSink implements Sink {

  /** Snapshot summary keys cdc-sync writes on every commit. */
  static final String SUMMARY_PIPELINE = "cdc-sync.pipeline";
  static final String SUMMARY_CHECKPOINT_ID = "cdc-sync.checkpoint-id";
  static final String SUMMARY_SOURCE_POSITION = "cdc-sync.source-position";

  private static final Logger LOG = LoggerFactory.getLogger(IcebergSink.class);

  private final Catalog catalog;
  private final Map<String, String> tableProperties;
  private final Map<TableId, IcebergTableWriter> writers = new LinkedHashMap<>();

  IcebergSink(Catalog catalog, Map<String, String> tableProperties) {
    this.catalog = catalog;
    this.tableProperties = tableProperties;
  }

  @Override
  public void write(TableId sinkTable, DataChangeEvent event) throws IOException {
    IcebergTableWriter writer = writers.get(sinkTable);
    if (writer == null) {
      writer = new IcebergTableWriter(sinkTable, loadOrCreate(sinkTable, event.schema()), writers.size());
      writers.put(sinkTable, writer);
    }
    writer.write(event);
  }

  @Override
  public List<TableCommit> commit(Checkpoint checkpoint) throws IOException {
    List<TableCommit> commits = new ArrayList<>();
    for (IcebergTableWriter writer : writers.values()) {
      if (!writer.hasChanges()) {
        continue;
      }
      long changes = writer.changes();
      long maxSourceTimestamp = writer.maxSourceTimestamp();
      WriteResult result = writer.complete();
      Table table = writer.table();
      RowDelta delta = table.newRowDelta();
      Arrays.stream(result.dataFiles()).forEach(delta::addRows);
      Arrays.stream(result.deleteFiles()).forEach(delta::addDeletes);
      delta.set(SUMMARY_PIPELINE, checkpoint.pipelineName());
      delta.set(SUMMARY_CHECKPOINT_ID, Long.toString(checkpoint.id()));
      delta.set(SUMMARY_SOURCE_POSITION, checkpoint.sourcePosition());
      delta.commit();
      commits.add(new TableCommit(writer.sinkTable(), changes, maxSourceTimestamp));
    }
    return commits;
  }

  @Override
  public void close() throws IOException {
    for (IcebergTableWriter writer : writers.values()) {
      writer.abort();
    }
    writers.clear();
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("Cannot close the Iceberg catalog cleanly: {}", e.getMessage());
      }
    }
  }

  private Table loadOrCreate(TableId sinkTable, dev.cdcsync.api.Schema schema) {
    TableIdentifier identifier = identifier(sinkTable);
    try {
      return catalog.loadTable(identifier);
    } catch (NoSuchTableException e) {
      // created below
    }
    if (!schema.hasPrimaryKey()) {
      throw new PermanentPipelineException(
          "Cannot create Iceberg table " + sinkTable + ": its source table has no primary key,"
              + " which upserts need; add a primary key to the source table or leave it out with"
              + " 'tables.exclude'");
    }
    if (catalog instanceof SupportsNamespaces namespaces
        && !identifier.namespace().isEmpty()
        && !namespaces.namespaceExists(identifier.namespace())) {
      try {
        namespaces.createNamespace(identifier.namespace());
      } catch (AlreadyExistsException e) {
        // created concurrently: fine
      }
    }
    try {
      Table table =
          catalog
              .buildTable(identifier, icebergSchema(schema))
              .withProperties(tableProperties)
              .create();
      LOG.info("Created Iceberg table {} with key ({})", sinkTable, String.join(", ", schema.primaryKeys()));
      return table;
    } catch (AlreadyExistsException e) {
      return catalog.loadTable(identifier);
    }
  }

  static TableIdentifier identifier(TableId sinkTable) {
    List<String> parts = sinkTable.parts();
    return TableIdentifier.of(
        Namespace.of(parts.subList(0, parts.size() - 1).toArray(String[]::new)), sinkTable.tableName());
  }

  static org.apache.iceberg.Schema icebergSchema(dev.cdcsync.api.Schema schema) {
    List<Types.NestedField> fields = new ArrayList<>();
    Set<Integer> identifiers = new HashSet<>();
    int id = 1;
    for (Column column : schema.columns()) {
      boolean key = schema.primaryKeys().contains(column.name());
      fields.add(
          key
              ? Types.NestedField.required(id, column.name(), IcebergTypes.icebergType(column.type()))
              : Types.NestedField.optional(id, column.name(), IcebergTypes.icebergType(column.type())));
      if (key) {
        identifiers.add(id);
      }
      id++;
    }
    return new org.apache.iceberg.Schema(fields, identifiers);
  }
}
