package dev.cdcsync.iceberg;

import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.api.TableId;
import dev.cdcsync.api.TableLayout;
import dev.cdcsync.api.TableLayout.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/** The Iceberg partition spec a {@link TableLayout} asks for. */
final class IcebergPartitioning {

  private IcebergPartitioning() {}

  /**
   * @param append whether the table is an append table; in an upsert table every partition column
   *     must be a key column, so that a key's rows and deletes always land in one partition
   * @throws PermanentPipelineException naming the table, the rule and the column
   */
  static PartitionSpec spec(TableId sinkTable, Schema schema, TableLayout layout, boolean append) {
    if (layout.partitionKeys().isEmpty()) {
      return PartitionSpec.unpartitioned();
    }
    String cannot =
        "Cannot create Iceberg table "
            + sinkTable
            + " with the partition-keys of "
            + layout.origin();
    PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
    for (PartitionKey key : layout.partitionKeys()) {
      String column = key.column();
      Types.NestedField field = schema.findField(column);
      if (field == null || AppendColumns.isChangeColumn(column)) {
        throw new PermanentPipelineException(
            cannot
                + ": '"
                + column
                + "' is not a column of the table; columns: "
                + schema.columns().stream()
                    .map(Types.NestedField::name)
                    .filter(name -> !AppendColumns.isChangeColumn(name))
                    .toList());
      }
      if (!append && !schema.identifierFieldIds().contains(field.fieldId())) {
        throw new PermanentPipelineException(
            cannot
                + ": partition column '"
                + column
                + "' is not a key column "
                + keyColumns(schema)
                + " of this upsert table; a row's key must decide its partition: add the column to"
                + " the rule's primary-keys, or write the table with sink option write.mode: append");
      }
      try {
        switch (key.transform()) {
          case IDENTITY -> builder.identity(column);
          case YEAR -> builder.year(column);
          case MONTH -> builder.month(column);
          case DAY -> builder.day(column);
          case HOUR -> builder.hour(column);
          case BUCKET -> builder.bucket(column, key.width());
          case TRUNCATE -> builder.truncate(column, key.width());
        }
      } catch (IllegalArgumentException e) {
        throw new PermanentPipelineException(
            cannot
                + ": "
                + key.transform().name().toLowerCase(java.util.Locale.ROOT)
                + "("
                + column
                + "): "
                + e.getMessage(),
            e);
      }
    }
    return builder.build();
  }

  private static java.util.List<String> keyColumns(Schema schema) {
    return schema.columns().stream()
        .filter(field -> schema.identifierFieldIds().contains(field.fieldId()))
        .map(Types.NestedField::name)
        .toList();
  }
}
