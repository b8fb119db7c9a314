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
              "add software.amazon.awssdk:glue (iceberg-aws and the AWS SDK's s3, sts and kms are bundled)",
          CatalogUtil.ICEBERG_CATALOG_TYPE_NESSIE,
              "add org.apache.iceberg:iceberg-nessie and the Nessie client jars",
          CatalogUtil.ICEBERG_CATALOG_TYPE_BIGQUERY,
              "add org.apache.iceberg:iceberg-bigquery and the Google BigQuery client jars");

  private CatalogTypes() {}

  /** Classes beyond the catalog's own that a type needs and cdc-sync does not bundle. */
  private static final Map<String, String> CLIENTS =
      Map.of(
          CatalogUtil.ICEBERG_CATALOG_TYPE_GLUE, "software.amazon.awssdk.services.glue.GlueClient");

  /** The class CatalogUtil loads for {@code type}, or null for a type it does not know. */
  static String implementation(String type) {
    return IMPLEMENTATIONS.get(type);
  }

  /** The client class {@code type} needs besides its catalog class, or null. */
  static String client(String type) {
    return type == null ? null : CLIENTS.get(type);
  }

  /** What to put on the class path for {@code type} (null for a custom catalog-impl). */
  static String missingJars(String type) {
    String jars = type == null ? null : JARS.get(type);
    return (jars != null ? jars : "add the jar that holds it")
        + " (version "
        + IcebergBuild.version()
        + " of the Iceberg ones)";
  }
}
