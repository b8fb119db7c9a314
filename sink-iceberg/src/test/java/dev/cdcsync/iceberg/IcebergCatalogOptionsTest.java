package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.IcebergBuild;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which catalogs the sink options open, and what they say when one cannot be opened. */
class IcebergCatalogOptionsTest {

  @TempDir Path warehouse;

  /** A catalog class of our own, as a user's custom catalog would be. */
  public static final class NamedHadoopCatalog extends HadoopCatalog {}

  @Test
  void catalogImplOpensACustomCatalogClassWithTheOtherProperties() {
    Catalog catalog =
        IcebergSinkFactory.catalog(
            Configuration.of(
                Map.of(
                    "catalog.properties.catalog-impl", NamedHadoopCatalog.class.getName(),
                    "catalog.properties.warehouse", warehouse.toUri().toString(),
                    "catalog.name", "custom")));

    assertThat(catalog).isInstanceOf(NamedHadoopCatalog.class);
    assertThat(catalog.name()).isEqualTo("custom");
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("ns"));
    assertThat(warehouse.resolve("ns")).isDirectory();
  }

  @Test
  void catalogImplIsADeclaredSinkOption() {
    assertThat(new IcebergSinkFactory().options())
        .contains(IcebergSinkFactory.CATALOG_IMPL, IcebergSinkFactory.CATALOG_TYPE);
    assertThat(IcebergSinkFactory.CATALOG_IMPL.key()).isEqualTo("catalog.properties.catalog-impl");
    assertThat(IcebergSinkFactory.CATALOG_TYPE.isRequired()).isFalse();
  }

  @Test
  void aMissingCustomCatalogClassIsNamed() {
    assertThatThrownBy(
            () ->
                IcebergSinkFactory.catalog(
                    Configuration.of(
                        Map.of("catalog.properties.catalog-impl", "com.example.NoSuchCatalog"))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot create the Iceberg catalog 'com.example.NoSuchCatalog': class com.example.NoSuchCatalog"
                + " is not found: add the jar that holds it (version "
                + IcebergBuild.version()
                + " of the Iceberg ones) to the plugins (the lib directory beside cdc-sync.jar,"
                + " --plugins DIR or CDC_SYNC_PLUGINS)");
  }

  @Test
  void typeAndCatalogImplTogetherAreRefused() {
    assertThatThrownBy(
            () ->
                IcebergSinkFactory.catalog(
                    Configuration.of(
                        Map.of(
                            "catalog.properties.type",
                            "hadoop",
                            "catalog.properties.catalog-impl",
                            NamedHadoopCatalog.class.getName()))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot create the Iceberg catalog: set exactly one of sink options 'catalog.properties.type'"
                + " and 'catalog.properties.catalog-impl'");
  }

  @Test
  void neitherTypeNorCatalogImplIsRefused() {
    assertThatThrownBy(() -> IcebergSinkFactory.catalog(Configuration.of(Map.of())))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith(
            "Cannot create the Iceberg catalog: set exactly one of sink options");
  }

  @Test
  void hiveWithoutItsJarsNamesTheMissingJar() {
    assertThatThrownBy(() -> catalogOfType("hive"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot create the Iceberg catalog of type 'hive': class org.apache.iceberg.hive.HiveCatalog"
                + " is not found: add org.apache.iceberg:iceberg-hive-metastore and the Hive"
                + " metastore client jars (version "
                + IcebergBuild.version()
                + " of the Iceberg ones) to the plugins (the lib directory beside cdc-sync.jar,"
                + " --plugins DIR or CDC_SYNC_PLUGINS)");
  }

  @Test
  void glueWithoutItsJarsNamesTheMissingJar() {
    assertThatThrownBy(() -> catalogOfType("glue"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot create the Iceberg catalog of type 'glue': class"
                + " software.amazon.awssdk.services.glue.GlueClient is not found: add"
                + " software.amazon.awssdk:glue (iceberg-aws and the AWS SDK's s3, sts and kms are bundled)"
                + " (version "
                + IcebergBuild.version()
                + " of the Iceberg ones) to the plugins (the lib directory beside cdc-sync.jar,"
                + " --plugins DIR or CDC_SYNC_PLUGINS)");
  }

  @Test
  void anUnknownTypeGetsIcebergsMessage() {
    assertThatThrownBy(() -> catalogOfType("oracle"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("Cannot create the Iceberg catalog of type 'oracle': ")
        .hasMessageContaining("oracle");
  }

  private Catalog catalogOfType(String type) {
    return IcebergSinkFactory.catalog(
        Configuration.of(
            Map.of(
                "catalog.properties.type",
                type,
                "catalog.properties.warehouse",
                warehouse.toUri().toString())));
  }
}
