package dev.cdcsync.connectors;

import dev.cdcsync.api.ConfigOption;
import java.util.List;

/**
 * Options of Flink CDC 3.6's {@code mysql} and {@code postgres} pipeline sources that have no
 * effect in cdc-sync: a Flink CDC pipeline file runs as written, each of them giving one warning
 * that says why. The options cdc-sync honours are declared with the sources.
 */
public final class FlinkCdcSourceOptions {

  private static final String NO_SNAPSHOT_ENGINE =
      "MySQL snapshots are read by Debezium in one pass per table, without chunks;"
          + " PostgreSQL's and MariaDB's loads split tables by key ranges without this setting";

  /** Options of both sources. */
  public static final List<ConfigOption<?>> COMMON =
      List.of(
          ConfigOption.withoutEffect(
              "chunk-meta.group.size", Integer.class, 1000, NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "chunk-key.even-distribution.factor.upper-bound",
              Double.class,
              1000.0d,
              NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "chunk-key.even-distribution.factor.lower-bound",
              Double.class,
              0.05d,
              NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "scan.incremental.close-idle-reader.enabled",
              Boolean.class,
              false,
              NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "scan.incremental.snapshot.unbounded-chunk-first.enabled",
              Boolean.class,
              false,
              NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "scan.incremental.snapshot.backfill.skip", Boolean.class, null, NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "connection.pool.size",
              Integer.class,
              20,
              "cdc-sync opens single JDBC connections, without a pool"));

  /**
   * Options of Flink CDC's {@code mysql} source for its chunked snapshot, which cdc-sync's mysql
   * source reads through Debezium (its mariadb source honours them, see LoadOptions).
   */
  public static final List<ConfigOption<?>> MYSQL_LOAD =
      List.of(
          ConfigOption.withoutEffect(
              "scan.incremental.snapshot.chunk.size", Integer.class, 8096, NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "scan.snapshot.fetch.size", Integer.class, 1024, NO_SNAPSHOT_ENGINE),
          ConfigOption.withoutEffect(
              "scan.incremental.snapshot.chunk.key-column",
              String.class,
              null,
              NO_SNAPSHOT_ENGINE));

  /** Options of Flink CDC's {@code mysql} source only (cdc-sync's mysql and mariadb sources take them). */
  public static final List<ConfigOption<?>> MYSQL =
      List.of(
          ConfigOption.withoutEffect(
              "scan.newly-added-table.enabled",
              Boolean.class,
              false,
              "tables that start to match 'tables' are always captured, from the binlog on"),
          ConfigOption.withoutEffect(
              "scan.binlog.newly-added-table.enabled",
              Boolean.class,
              false,
              "tables that start to match 'tables' are always captured, from the binlog on"),
          ConfigOption.withoutEffect(
              "use.legacy.json.format",
              Boolean.class,
              true,
              "JSON columns are written as Debezium renders them"));

  /** Options of Flink CDC's {@code postgres} source only. */
  public static final List<ConfigOption<?>> POSTGRES =
      List.of(
          ConfigOption.withoutEffect(
              "scan.lsn-commit.checkpoints-num-delay",
              Integer.class,
              3,
              "the slot's position is confirmed as soon as the Iceberg commit holding the changes is"
                  + " durable"),
          ConfigOption.withoutEffect(
              "server-time-zone",
              String.class,
              null,
              "PostgreSQL values carry no session zone: timestamptz is an instant, timestamp a"
                  + " wall-clock value, and both are written as such"),
          ConfigOption.withoutEffect(
              "table-id.include-database",
              Boolean.class,
              false,
              "route and transform rules may name PostgreSQL tables database.schema.table or"
                  + " schema.table either way, and sink tables are named schema.table unless a route"
                  + " says otherwise"));

  private FlinkCdcSourceOptions() {}
}
