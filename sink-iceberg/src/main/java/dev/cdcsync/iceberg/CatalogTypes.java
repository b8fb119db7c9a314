package dev.cdcsync.iceberg;

import java.util.Map;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.IcebergBuild;

/** The catalog types Iceberg's {@link CatalogUtil} knows, and the jars each needs beyond ours. */
final class CatalogTypes {

  private static final Map<String, String> IMPLEMENTATIONS =
      Map.of(
          CatalogUtil.ICEBERG_CATALOG_TYPE_HADOOP, CatalogUtil.ICEBERG_CATALOG_HADOOP,
          CatalogUtil.ICEBERG_CATALOG_TYPE_JDBC, CatalogUtil.ICEBERG_CATALOG_JDBC,
          CatalogUtil.ICEBERG_CATALOG_TYPE_REST, CatalogUtil.ICEBERG_CATALOG_REST,
          CatalogUtil.ICEBERG_CATALOG_TYPE_HIVE, CatalogUtil.ICEBERG_CATALOG_HIVE,
          CatalogUtil.ICEBERG_CATALOG_TYPE_GLUE, CatalogUtil.ICEBERG_CATALOG_GLUE,
          CatalogUtil.ICEBERG_CATALOG_TYPE_NESSIE, CatalogUtil.ICEBERG_CATALOG_NESSIE,
          CatalogUtil.ICEBERG_CATALOG_TYPE_BIGQUERY, CatalogUtil.ICEBERG_CATALOG_BIGQUERY);

  private static final Map<String, String> JARS =
      Map.of(
          CatalogUtil.ICEBERG_CATALOG_TYPE_HIVE,
              "add org.apache.iceberg:iceberg-hive-metastore and the Hive metastore client jars",
          CatalogUtil.ICEBERG_CATALOG_TYPE_GLUE,
              "add org.apache.iceberg:iceberg-aws and the AWS SDK v2 glue, s3, sts and kms jars"
                  + " (or org.apache.iceberg:iceberg-aws-bundle)",
          CatalogUtil.ICEBERG_CATALOG_TYPE_NESSIE,
              "add org.apache.iceberg:iceberg-nessie and the Nessie client jars",
          CatalogUtil.ICEBERG_CATALOG_TYPE_BIGQUERY,
              "add org.apache.iceberg:iceberg-bigquery and the Google BigQuery client jars");

  private CatalogTypes() {}

  /** The class CatalogUtil loads for {@code type}, or null for a type it does not know. */
  static String implementation(String type) {
    return IMPLEMENTATIONS.get(type);
  }

  /** What to put on the class path for {@code type} (null for a custom catalog-impl). */
  static String missingJars(String type) {
    String jars = type == null ? null : JARS.get(type);
    return (jars != null ? jars : "add the jar that holds it")
        + " (version " + IcebergBuild.version() + " of the Iceberg ones)";
  }
}
