package dev.cdcsync.iceberg;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.SchemaChange;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFiles;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's tables in the catalog: finds and creates them (format v2; the source primary key as
 * identifier fields, or a changelog with {@link AppendColumns} for tables without one and in
 * append mode), changes their columns, truncates and drops them. Writing their rows is {@link
 * IcebergTableWriter}'s, committing them {@link IcebergCommitter}'s.
 */
final class IcebergTables {

  private static final Logger LOG = LoggerFactory.getLogger(IcebergTables.class);

  private final Catalog catalog;
  private final Map<String, String> tableProperties;
  private final WriteMode writeMode;
  private final TableMaintenance maintenance;
  private final IcebergPartitionKeys partitionKeys;

  /** How tables not created yet are to be laid out, as transform rules ask. */
  private final Map<TableId, TableLayout> layouts = new HashMap<>();

  IcebergTables(
      Catalog catalog,
      Map<String, String> tableProperties,
      WriteMode writeMode,
      TableMaintenance maintenance,
      IcebergPartitionKeys partitionKeys) {
    this.catalog = catalog;
    this.tableProperties = tableProperties;
    this.writeMode = writeMode;
    this.maintenance = maintenance;
    this.partitionKeys = partitionKeys;
  }

  /** How to lay the table out if it is created. */
  void configure(TableId sinkTable, TableLayout layout) {
    layouts.put(sinkTable, layout);
  }

  Table load(TableId sinkTable) {
    return catalog.loadTable(identifier(sinkTable));
  }

  /** The table, or empty when it does not exist. */
  Optional<Table> existing(TableId sinkTable) {
    try {
      return Optional.of(load(sinkTable));
    } catch (NoSuchTableException e) {
      return Optional.empty();
    }
  }

  /** The table's columns and key as the event model has them, or empty when it does not exist. */
  Optional<dev.cdcsync.api.Schema> schema(TableId sinkTable) {
    // One catalog call: tableExists loads the table too.
    Optional<Table> table = existing(sinkTable);
    if (table.isEmpty()) {
      return Optional.empty();
    }
    org.apache.iceberg.Schema schema = table.get().schema();
    List<Column> columns = new ArrayList<>();
    for (Types.NestedField field : schema.columns()) {
      if (!AppendColumns.isChangeColumn(field.name())) {
        columns.add(Column.of(field.name(), columnType(sinkTable, field)).withComment(field.doc()));
      }
    }
    return Optional.of(
        new dev.cdcsync.api.Schema(
            columns,
            List.copyOf(schema.identifierFieldNames()),
            Map.of(),
            table.get().properties().get("comment")));
  }

  /** The event-model type of a column of an existing table; one cdc-sync does not write stops it. */
  private static DataType columnType(TableId sinkTable, Types.NestedField field) {
    try {
      return IcebergTypes.dataType(field.type());
    } catch (IllegalArgumentException e) {
      throw new PermanentPipelineException(
          "Cannot write Iceberg table "
              + sinkTable
              + ": its column '"
              + field.name()
              + "' has type "
              + field.type()
              + ", which cdc-sync does not write (a table created or changed outside cdc-sync); drop the column or"
              + " change its type",
          e);
    }
  }

  /**
   * Applies the changes, and fills the defaults of added columns in, in one transaction, under the
   * table's commit lock: a maintenance commit between loading the table and committing would fail
   * the transaction, and with it a rewrite of the whole table.
   *
   * @param handOver whether the table has uncommitted rows (appended only) kept for the new schema
   */
  void changeColumns(TableId sinkTable, List<SchemaChange> changes, boolean handOver) {
    maintenance.withoutMaintenanceCommits(
        sinkTable, () -> changeColumnsNow(sinkTable, changes, handOver));
  }

  private void changeColumnsNow(TableId sinkTable, List<SchemaChange> changes, boolean handOver) {
    Table table = catalog.loadTable(identifier(sinkTable));
    Transaction transaction = table.newTransaction();
    UpdateSchema update = transaction.updateSchema();
    Map<String, Object> defaults = new LinkedHashMap<>();
    String tableComment = null;
    for (SchemaChange change : changes) {
      if (change instanceof SchemaChange.AddColumn add) {
        Column column = add.column();
        Type type = IcebergTypes.icebergType(column.type());
        update.addColumn(column.name(), type, column.comment());
        if (add.afterColumn() != null && table.schema().findField(add.afterColumn()) != null) {
          update.moveAfter(column.name(), add.afterColumn());
        }
        if (column.defaultValue() != null) {
          defaults.put(
              column.name(),
              IcebergTypes.converter(column.type(), type).apply(column.defaultValue()));
        }
      } else if (change instanceof SchemaChange.RenameColumn rename) {
        update.renameColumn(rename.oldName(), rename.columnName());
      } else if (change instanceof SchemaChange.DropColumn drop) {
        if (table.schema().identifierFieldNames().contains(drop.columnName())) {
          throw new PermanentPipelineException(
              "Cannot drop column "
                  + drop.columnName()
                  + " of Iceberg table "
                  + sinkTable
                  + ": it is part of the table's key");
        }
        update.deleteColumn(drop.columnName());
      } else if (change instanceof SchemaChange.WidenColumnType widen) {
        update.updateColumn(
            widen.columnName(), (Type.PrimitiveType) IcebergTypes.icebergType(widen.to()));
      } else if (change instanceof SchemaChange.ColumnComment comment) {
        update.updateColumnDoc(comment.columnName(), comment.comment());
      } else if (change instanceof SchemaChange.TableComment comment) {
        tableComment = comment.comment();
      }
    }
    update.commit();
    Map<String, String> properties =
        new LinkedHashMap<>(
            uuidColumnsWithoutBounds(transaction.table().schema(), table.properties()));
    if (tableComment != null) {
      properties.put("comment", tableComment);
    }
    if (!properties.isEmpty()) {
      UpdateProperties setProperties = transaction.updateProperties();
      properties.forEach(setProperties::set);
      setProperties.commit();
    }
    if (!defaults.isEmpty() && handOver) {
      throw new IllegalStateException(
          "Cannot give the rows of "
              + sinkTable
              + " the defaults of "
              + defaults.keySet()
              + " while it has uncommitted rows");
    }
    List<DataFile> written =
        defaults.isEmpty()
            ? List.of()
            : AddedColumnDefaults.fill(sinkTable, table, transaction.table(), defaults);
    try {
      transaction.commitTransaction();
    } catch (CommitFailedException | ValidationException e) {
      Compaction.deleteQuietly(table, written);
      throw e;
    }
  }

  /**
   * Deletes every row, under the table's commit lock and carrying the checkpoint summary, as
   * maintenance commits: the newest snapshot keeps telling which checkpoint the table holds, also
   * once earlier snapshots expired. Returns false when there is no such table, or it is a changelog
   * (a source truncate is a change like another there).
   */
  boolean truncate(TableId sinkTable) {
    TableIdentifier identifier = identifier(sinkTable);
    if (!catalog.tableExists(identifier)) {
      return false;
    }
    Table table = catalog.loadTable(identifier);
    if (table.schema().findField(AppendColumns.SEQUENCE) != null) {
      LOG.info("Table {} is a changelog: the source's truncate is not applied to it", sinkTable);
      return false;
    }
    maintenance.withoutMaintenanceCommits(
        sinkTable,
        () -> {
          table.refresh();
          DeleteFiles delete = table.newDelete().deleteFromRowFilter(Expressions.alwaysTrue());
          if (table.currentSnapshot() != null) {
            IcebergCommitter.carrySummary(delete, table.currentSnapshot());
          }
          delete.commit();
        });
    return true;
  }

  /** Drops the table, keeping its files; a changelog table is kept. */
  void drop(TableId sinkTable) {
    TableIdentifier identifier = identifier(sinkTable);
    if (!catalog.tableExists(identifier)) {
      return;
    }
    if (catalog.loadTable(identifier).schema().findField(AppendColumns.SEQUENCE) != null) {
      LOG.info("Table {} is a changelog: the source's drop table is not applied to it", sinkTable);
      return;
    }
    // Not purged: the data files stay, so a table dropped by mistake can be registered again.
    catalog.dropTable(identifier, false);
    LOG.info("Dropped Iceberg table {}, as in the source (its files are kept)", sinkTable);
  }

  /** The table, created first (with its namespace) as {@link #configure} laid it out when it does not exist. */
  Table loadOrCreate(TableId sinkTable, dev.cdcsync.api.Schema schema) {
    TableIdentifier identifier = identifier(sinkTable);
    try {
      Table table = catalog.loadTable(identifier);
      boolean appendTable = table.schema().findField(AppendColumns.SEQUENCE) != null;
      if (appendTable != appendTable(schema)) {
        throw new PermanentPipelineException(
            "Cannot write to Iceberg table "
                + sinkTable
                + ": it is "
                + (appendTable ? "an append" : "an upsert")
                + " table, but the pipeline writes it in "
                + (appendTable ? "upsert" : "append")
                + " mode; set sink option 'write.mode' accordingly or write to another table");
      }
      Map<String, String> uuidMetrics =
          uuidColumnsWithoutBounds(table.schema(), table.properties());
      if (!uuidMetrics.isEmpty()) {
        UpdateProperties update = table.updateProperties();
        uuidMetrics.forEach(update::set);
        update.commit();
        LOG.info(
            "Iceberg table {}: its uuid column(s) are written without min/max bounds from now on"
                + " ({}), which Iceberg's Java library misreads",
            sinkTable,
            uuidMetrics.keySet());
      }
      return table;
    } catch (NoSuchTableException e) {
      // created below
    }
    if (catalog instanceof SupportsNamespaces namespaces
        && !identifier.namespace().isEmpty()
        && !namespaces.namespaceExists(identifier.namespace())) {
      try {
        namespaces.createNamespace(identifier.namespace());
      } catch (RuntimeException e) {
        // Created concurrently (another pipeline of a fleet starting at the same time): fine. A
        // JDBC catalog reports that race as a failed INSERT, not as AlreadyExistsException.
        if (!namespaces.namespaceExists(identifier.namespace())) {
          throw e;
        }
        LOG.debug("Namespace {} was created concurrently", identifier.namespace(), e);
      }
    }
    try {
      boolean append = appendTable(schema);
      TableLayout layout =
          partitionKeys.layout(sinkTable, layouts.getOrDefault(sinkTable, TableLayout.DEFAULT));
      org.apache.iceberg.Schema icebergSchema = icebergSchema(schema, append);
      Map<String, String> properties = new LinkedHashMap<>(tableProperties);
      if (schema.comment() != null) {
        // The property engines show as a table's comment (Spark, Trino).
        properties.putIfAbsent("comment", schema.comment());
      }
      properties.putAll(layout.properties());
      properties.putAll(uuidColumnsWithoutBounds(icebergSchema, properties));
      Table table =
          catalog
              .buildTable(identifier, icebergSchema)
              .withPartitionSpec(IcebergPartitioning.spec(sinkTable, icebergSchema, layout, append))
              .withProperties(properties)
              .create();
      LOG.info(
          append ? "Created Iceberg append table {}{}" : "Created Iceberg table {} with key ({})",
          sinkTable,
          append
              ? (schema.hasPrimaryKey() ? "" : " (its source table has no primary key)")
              : String.join(", ", schema.primaryKeys()));
      return table;
    } catch (AlreadyExistsException e) {
      return catalog.loadTable(identifier);
    }
  }

  /**
   * The properties that make a table's uuid columns be written without min/max bounds (metrics
   * mode {@code counts}), those not set yet. Iceberg's Java library compares uuid bounds as signed
   * numbers while Parquet orders uuids as unsigned bytes (apache/iceberg#14216): the bounds of a
   * file holding uuids on both sides of {@code 80000000-…} read as an empty range, so equality
   * deletes of such keys and filters on such columns skip the file, and an upserted row would show
   * twice. Without bounds nothing is skipped.
   */
  static Map<String, String> uuidColumnsWithoutBounds(
      org.apache.iceberg.Schema schema, Map<String, String> properties) {
    Map<String, String> missing = new LinkedHashMap<>();
    TypeUtil.indexByName(schema.asStruct())
        .forEach(
            (name, id) -> {
              String key = TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + name;
              if (schema.findType(id).typeId() == Type.TypeID.UUID
                  && !"counts".equals(properties.get(key))
                  && !"none".equals(properties.get(key))) {
                missing.put(key, "counts");
              }
            });
    return missing;
  }

  private boolean appendTable(dev.cdcsync.api.Schema schema) {
    return writeMode == WriteMode.APPEND || !schema.hasPrimaryKey();
  }

  static TableIdentifier identifier(TableId sinkTable) {
    List<String> parts = sinkTable.parts();
    return TableIdentifier.of(
        Namespace.of(parts.subList(0, parts.size() - 1).toArray(String[]::new)),
        sinkTable.tableName());
  }

  static org.apache.iceberg.Schema icebergSchema(dev.cdcsync.api.Schema schema, boolean append) {
    List<Types.NestedField> fields = new ArrayList<>();
    Set<Integer> identifiers = new HashSet<>();
    int id = 1;
    // List elements are numbered after the top-level columns (the catalog renumbers them all).
    AtomicInteger nestedIds =
        new AtomicInteger(schema.columns().size() + AppendColumns.fields(1).size() + 1);
    for (Column column : schema.columns()) {
      boolean key = !append && schema.primaryKeys().contains(column.name());
      Type type = IcebergTypes.icebergType(column.type(), nestedIds);
      fields.add(
          key
              ? Types.NestedField.required(id, column.name(), type, column.comment())
              : Types.NestedField.optional(id, column.name(), type, column.comment()));
      if (key) {
        identifiers.add(id);
      }
      id++;
    }
    if (append) {
      fields.addAll(AppendColumns.fields(id));
    }
    return new org.apache.iceberg.Schema(fields, identifiers);
  }
}
