package dev.cdcsync.iceberg;

import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.api.TableLayout.PartitionKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The value of sink option {@code partition.key}, in Flink CDC's syntax: per sink table, {@code
 * table:key,key}, tables separated by {@code ;}, e.g. {@code shop.orders:id,day(created);shop.items:bucket[8](id)}.
 */
public record IcebergPartitionKeys(Map<TableId, List<PartitionKey>> byTable) {

  static final String FORMAT =
      "sink-table:key,key;sink-table:key with each key " + PartitionKey.FORMAT;

  public IcebergPartitionKeys {
    byTable = Map.copyOf(byTable);
  }

  /** The keys written, or null when the text does not follow the syntax. */
  static IcebergPartitionKeys parse(String text) {
    Map<TableId, List<PartitionKey>> byTable = new LinkedHashMap<>();
    for (String entry : text.split(";")) {
      if (entry.isBlank()) {
        continue;
      }
      int colon = entry.indexOf(':');
      if (colon <= 0) {
        return null;
      }
      TableId table;
      try {
        table = TableId.parse(entry.substring(0, colon).trim());
      } catch (IllegalArgumentException e) {
        return null;
      }
      List<PartitionKey> keys = new ArrayList<>();
      for (String item : entry.substring(colon + 1).split(",")) {
        Optional<PartitionKey> key = item.isBlank() ? Optional.empty() : PartitionKey.parse(item);
        if (key.isEmpty()) {
          return null;
        }
        keys.add(key.get());
      }
      if (byTable.put(table, keys) != null) {
        return null;
      }
    }
    return new IcebergPartitionKeys(byTable);
  }

  /**
   * The layout of a table to create: the transform rule's, with this option's keys when the rule
   * gives none.
   */
  TableLayout layout(TableId sinkTable, TableLayout fromTransform) {
    List<PartitionKey> keys = byTable.get(sinkTable);
    if (keys == null || !fromTransform.partitionKeys().isEmpty()) {
      return fromTransform;
    }
    return new TableLayout(keys, fromTransform.properties(), "sink option 'partition.key'");
  }

  @Override
  public String toString() {
    return byTable.toString();
  }
}
