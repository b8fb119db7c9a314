package dev.cdcsync.iceberg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.Schema;
import dev.cdcsync.api.TableId;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IcebergTablesTest {

  @TempDir Path work;

  /**
   * Two pipelines of a fleet start at once and create their first tables in one new namespace:
   * the one whose namespace INSERT loses the race (a JDBC catalog reports a unique key violation,
   * not "already exists") creates its table in the namespace the other made.
   */
  @Test
  void createsATableInTheNamespaceAnotherPipelineCreatedMeanwhile() throws Exception {
    JdbcCatalog other = jdbcCatalog();
    JdbcCatalog racing =
        new JdbcCatalog() {
          private int checks;

          @Override
          public boolean namespaceExists(Namespace namespace) {
            checks++;
            if (checks == 2) {
              // The check inside createNamespace: the other pipeline inserts the namespace just
              // after it, as the first check (ours) also found it missing.
              other.createNamespace(namespace);
              return false;
            }
            return checks > 2 && super.namespaceExists(namespace);
          }
        };
    racing.initialize("lake", properties());
    try (TableMaintenance maintenance =
        new TableMaintenance(
            new TableMaintenance.Settings(null, Duration.ofDays(1), 1), Clock.systemUTC())) {
      IcebergTables tables =
          new IcebergTables(
              racing, Map.of(), WriteMode.UPSERT, maintenance, new IcebergPartitionKeys(Map.of()));
      tables.loadOrCreate(
          TableId.of("fleet", "orders"),
          Schema.of(List.of(Column.of("id", DataTypeRoot.BIGINT)), List.of("id")));
    }
    assertThat(other.tableExists(IcebergTables.identifier(TableId.of("fleet", "orders")))).isTrue();
    racing.close();
    other.close();
  }

  private JdbcCatalog jdbcCatalog() {
    JdbcCatalog catalog = new JdbcCatalog();
    catalog.initialize("lake", properties());
    return catalog;
  }

  private Map<String, String> properties() {
    return Map.of(
        CatalogProperties.URI,
        "jdbc:sqlite:" + work.resolve("catalog.db"),
        CatalogProperties.WAREHOUSE_LOCATION,
        work.resolve("warehouse").toUri().toString());
  }
}
