package dev.cdcsync.cli;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.iceberg.IcebergSinkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/** Reads sink tables back with Iceberg's own generic reader, keyed by a column. */
public final class IcebergRows {

  private IcebergRows() {}

  public static Catalog hadoopCatalog(Path warehouse) {
    return IcebergSinkFactory.catalog(
        Configuration.of(
            Map.of(
                "catalog.properties.type",
                "hadoop",
                "catalog.properties.warehouse",
                warehouse.toUri().toString())));
  }

  public static boolean exists(Path warehouse, String namespace, String table) {
    return exists(hadoopCatalog(warehouse), namespace, table);
  }

  public static boolean exists(Catalog catalog, String namespace, String table) {
    return catalog.tableExists(TableIdentifier.of(Namespace.of(namespace), table));
  }

  public static Table table(Path warehouse, String namespace, String table) {
    return table(hadoopCatalog(warehouse), namespace, table);
  }

  public static Table table(Catalog catalog, String namespace, String table) {
    return catalog.loadTable(TableIdentifier.of(Namespace.of(namespace), table));
  }

  /**
   * Every row as column name to value, keyed by {@code keyColumn}; fails if a key appears twice.
   * Empty when the table does not exist yet.
   */
  public static Map<Object, Map<String, Object>> rows(
      Path warehouse, String namespace, String table, String keyColumn) {
    return rows(hadoopCatalog(warehouse), namespace, table, keyColumn);
  }

  /** The same, from a table in {@code catalog} (e.g. a JDBC or REST catalog). */
  public static Map<Object, Map<String, Object>> rows(
      Catalog catalog, String namespace, String table, String keyColumn) {
    Map<Object, Map<String, Object>> rows = new TreeMap<>();
    for (Map<String, Object> row : list(catalog, namespace, table)) {
      Object key = row.get(keyColumn);
      if (rows.put(key, row) != null) {
        throw new AssertionError(
            "Key " + key + " appears twice in Iceberg table " + namespace + "." + table);
      }
    }
    return rows;
  }

  /** Every row as column name to value, in the reader's order; empty when there is no such table. */
  public static java.util.List<Map<String, Object>> list(
      Path warehouse, String namespace, String table) {
    return list(hadoopCatalog(warehouse), namespace, table);
  }

  /** The same, from a table in {@code catalog}. */
  public static java.util.List<Map<String, Object>> list(
      Catalog catalog, String namespace, String table) {
    if (!exists(catalog, namespace, table)) {
      return java.util.List.of();
    }
    Table loaded = table(catalog, namespace, table);
    java.util.List<Map<String, Object>> rows = new java.util.ArrayList<>();
    try (CloseableIterable<Record> records = IcebergGenerics.read(loaded).build()) {
      for (Record record : records) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (Types.NestedField field : loaded.schema().columns()) {
          row.put(field.name(), record.getField(field.name()));
        }
        rows.add(row);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return rows;
  }
}
