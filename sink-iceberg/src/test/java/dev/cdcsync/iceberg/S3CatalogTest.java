package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.Configuration;
import dev.cdcsync.iceberg.testing.TestObjectStore;
import dev.cdcsync.iceberg.testing.TestObjectStores;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** A catalog whose warehouse is in S3, on a real S3-compatible server. */
class S3CatalogTest {

  private static final String BUCKET = "catalog-test";

  @TempDir Path work;

  @Test
  void writesTablesThroughS3FileIoWhenTheWarehouseIsInS3EvenWithoutIoImpl() {
    TestObjectStore store = TestObjectStores.s3();
    store.createBucket(BUCKET);
    Map<String, String> options = new HashMap<>();
    options.put("catalog.properties.type", "jdbc");
    options.put("catalog.properties.uri", "jdbc:sqlite:" + work.resolve("catalog.db"));
    options.put("catalog.properties.warehouse", "s3://" + BUCKET + "/warehouse");
    store
        .fileIoPropertiesWithCredentials()
        .forEach((key, value) -> options.put(IcebergSinkFactory.CATALOG_PREFIX + key, value));

    Catalog catalog = IcebergSinkFactory.catalog(Configuration.of(options));
    ((SupportsNamespaces) catalog).createNamespace(Namespace.of("shop"));
    Table table =
        catalog.createTable(
            TableIdentifier.of("shop", "items"),
            new Schema(Types.NestedField.required(1, "id", Types.LongType.get())));

    assertThat(table.io()).isInstanceOf(S3FileIO.class);
    assertThat(table.location()).isEqualTo("s3://" + BUCKET + "/warehouse/shop/items");
    try (S3Client client = store.client()) {
      assertThat(
              client
                  .listObjectsV2(
                      request -> request.bucket(BUCKET).prefix("warehouse/shop/items/metadata/"))
                  .contents())
          .anyMatch(object -> object.key().endsWith(".metadata.json"));
    }
  }

  @Test
  void keepsTheStateInsideTheWarehouseWhateverItsScheme() {
    IcebergSinkFactory factory = new IcebergSinkFactory();

    assertThat(factory.defaultStateLocation(warehouse("s3://bucket/warehouse/")))
        .isEqualTo(Optional.of("s3://bucket/warehouse/.cdc-sync"));
    assertThat(factory.defaultStateLocation(warehouse("file:///var/lib/warehouse")))
        .isEqualTo(Optional.of("file:///var/lib/warehouse/.cdc-sync"));
    assertThat(
            factory.defaultStateLocation(
                Configuration.of(Map.of("catalog.properties.type", "rest"))))
        .isEmpty();
  }

  private static Configuration warehouse(String location) {
    return Configuration.of(
        Map.of("catalog.properties.type", "jdbc", "catalog.properties.warehouse", location));
  }
}
