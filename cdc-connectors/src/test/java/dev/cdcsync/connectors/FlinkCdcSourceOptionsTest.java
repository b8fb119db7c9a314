package dev.cdcsync.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.SourceFactory;
import dev.cdcsync.connectors.binlog.MariaDbSourceFactory;
import dev.cdcsync.connectors.binlog.MySqlSourceFactory;
import dev.cdcsync.connectors.load.LoadOptions;
import dev.cdcsync.connectors.postgres.PostgresSourceFactory;
import dev.cdcsync.runtime.definition.SourceSectionOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sources take every option Flink CDC 3.6 documents for its mysql and postgres pipeline sources. */
class FlinkCdcSourceOptionsTest {

  /** Flink CDC 3.6's mysql pipeline source (MySqlDataSourceOptions and its documentation). */
  private static final List<String> FLINK_CDC_MYSQL =
      List.of(
          "hostname",
          "port",
          "username",
          "password",
          "tables",
          "tables.exclude",
          "server-id",
          "server-time-zone",
          "scan.incremental.snapshot.chunk.size",
          "scan.snapshot.fetch.size",
          "connect.timeout",
          "connection.pool.size",
          "connect.max-retries",
          "scan.startup.mode",
          "scan.startup.specific-offset.file",
          "scan.startup.specific-offset.pos",
          "scan.startup.specific-offset.gtid-set",
          "scan.startup.specific-offset.skip-events",
          "scan.startup.specific-offset.skip-rows",
          "scan.startup.timestamp-millis",
          "heartbeat.interval",
          "chunk-meta.group.size",
          "chunk-key.even-distribution.factor.upper-bound",
          "chunk-key.even-distribution.factor.lower-bound",
          "scan.incremental.snapshot.chunk.key-column",
          "scan.incremental.close-idle-reader.enabled",
          "scan.newly-added-table.enabled",
          "schema-change.enabled",
          "scan.binlog.newly-added-table.enabled",
          "metadata.list",
          "scan.parse.online.schema.changes.enabled",
          "include-comments.enabled",
          "treat-tinyint1-as-boolean.enabled",
          "use.legacy.json.format",
          "scan.incremental.snapshot.unbounded-chunk-first.enabled",
          "scan.incremental.snapshot.backfill.skip",
          "name",
          "jdbc.properties.useSSL",
          "debezium.snapshot.mode");

  /** Flink CDC 3.6's postgres pipeline source (PostgresDataSourceOptions and its documentation). */
  private static final List<String> FLINK_CDC_POSTGRES =
      List.of(
          "hostname",
          "port",
          "username",
          "password",
          "tables",
          "tables.exclude",
          "decoding.plugin.name",
          "slot.name",
          "server-time-zone",
          "scan.incremental.snapshot.chunk.key-column",
          "scan.incremental.snapshot.chunk.size",
          "scan.snapshot.fetch.size",
          "connect.timeout",
          "connection.pool.size",
          "connect.max-retries",
          "scan.startup.mode",
          "heartbeat.interval",
          "chunk-key.even-distribution.factor.upper-bound",
          "chunk-key.even-distribution.factor.lower-bound",
          "scan.incremental.snapshot.backfill.skip",
          "chunk-meta.group.size",
          "scan.incremental.close-idle-reader.enabled",
          "scan.lsn-commit.checkpoints-num-delay",
          "metadata.list",
          "scan.incremental.snapshot.unbounded-chunk-first.enabled",
          "table-id.include-database",
          "schema-change.enabled",
          "name",
          "jdbc.properties.sslmode",
          "debezium.snapshot.mode");

  /** Those of them that cdc-sync honours: none of these may be declared without effect. */
  private static final List<String> HONOURED =
      List.of(
          "hostname",
          "port",
          "username",
          "password",
          "tables",
          "tables.exclude",
          "server-id",
          "scan.startup.mode",
          "scan.startup.specific-offset.file",
          "scan.startup.specific-offset.pos",
          "scan.startup.specific-offset.gtid-set",
          "scan.startup.specific-offset.skip-events",
          "scan.startup.specific-offset.skip-rows",
          "scan.startup.timestamp-millis",
          "slot.name",
          "decoding.plugin.name",
          "connect.timeout",
          "connect.max-retries",
          "heartbeat.interval",
          "metadata.list",
          "schema-change.enabled",
          "treat-tinyint1-as-boolean.enabled",
          "name");

  @Test
  void mysqlAndMariadbTakeEveryOptionOfFlinkCdcsMysqlSource() {
    assertThat(undeclared(new MySqlSourceFactory(), FLINK_CDC_MYSQL)).isEmpty();
    assertThat(undeclared(new MariaDbSourceFactory(), FLINK_CDC_MYSQL)).isEmpty();
  }

  @Test
  void postgresTakesEveryOptionOfFlinkCdcsPostgresSource() {
    assertThat(undeclared(new PostgresSourceFactory(), FLINK_CDC_POSTGRES)).isEmpty();
  }

  @Test
  void honoursTheOptionsThatHaveAMeaningHereAndDescribesEveryOption() {
    for (SourceFactory factory : List.of(new MySqlSourceFactory(), new PostgresSourceFactory())) {
      assertThat(declared(factory))
          .allSatisfy(option -> assertThat(option.description()).as(option.key()).isNotBlank())
          .filteredOn(option -> HONOURED.contains(option.key()))
          .allSatisfy(option -> assertThat(option.noEffectReason()).as(option.key()).isEmpty());
    }
  }

  @Test
  void pinsTheDefaultsOfTheHonouredOptions() {
    assertThat(SourceOptions.HEARTBEAT_INTERVAL.defaultValue()).contains(Duration.ofSeconds(1));
    assertThat(SourceOptions.CONNECT_MAX_RETRIES.defaultValue()).contains(0);
    assertThat(SourceOptions.CONNECT_TIMEOUT.defaultValue()).isEmpty();
    assertThat(SourceSectionOptions.SCHEMA_CHANGE_ENABLED.defaultValue()).contains(true);
  }

  @Test
  void checksTheMetadataNamesEachSourceOffers() {
    ConfigOption<?> mysql = option(new MySqlSourceFactory(), "metadata.list");
    ConfigOption<?> postgres = option(new PostgresSourceFactory(), "metadata.list");

    assertThat(mysql.parse("op_ts")).isEqualTo("op_ts");
    assertThat(postgres.parse("op_ts, table_name,database_name,schema_name")).isNotNull();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> mysql.parse("op_ts,table_name"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a comma-separated list of op_ts but got 'op_ts,table_name'");
  }

  @Test
  void takesTheStartupModesItSupportsAndNamesTheOthers() {
    assertThat(SourceOptions.STARTUP_MODE.parse("latest-offset"))
        .isEqualTo(SourceOptions.StartupMode.LATEST_OFFSET);
    assertThat(SourceOptions.STARTUP_MODE.parse("INITIAL"))
        .isEqualTo(SourceOptions.StartupMode.INITIAL);
    assertThat(SourceOptions.STARTUP_MODE.parse("snapshot"))
        .isEqualTo(SourceOptions.StartupMode.SNAPSHOT);
    assertThat(SourceOptions.STARTUP_MODE.parse("specific-offset"))
        .isEqualTo(SourceOptions.StartupMode.SPECIFIC_OFFSET);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> SourceOptions.STARTUP_MODE.parse("earliest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "expected initial, latest-offset, snapshot, earliest-offset, specific-offset,"
                + " timestamp or committed-offset but got 'earliest'");
  }

  /** A postgres specific-offset start needs a WAL position, and the position needs that mode. */
  @Test
  void postgresSpecificOffsetTakesAWalPosition() {
    PostgresSourceFactory postgres = new PostgresSourceFactory();
    postgres.validateOptions(
        Configuration.of(
            Map.of(
                "tables", "shop.public.orders",
                "scan.startup.mode", "specific-offset",
                "scan.startup.specific-offset.lsn", "16/B374D848")));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                postgres.validateOptions(
                    Configuration.of(
                        Map.of(
                            "tables", "shop.public.orders",
                            "scan.startup.mode", "specific-offset"))))
        .hasMessageStartingWith(
            "Cannot use scan.startup.mode specific-offset with a postgres source: set source"
                + " option 'scan.startup.specific-offset.lsn'");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                postgres.validateOptions(
                    Configuration.of(
                        Map.of(
                            "tables", "shop.public.orders",
                            "scan.startup.mode", "specific-offset",
                            "scan.startup.specific-offset.lsn", "16-B374D848"))))
        .hasMessageContaining("'16-B374D848' is no WAL position");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                postgres.validateOptions(
                    Configuration.of(
                        Map.of(
                            "tables", "shop.public.orders",
                            "scan.startup.specific-offset.lsn", "0/16B3748"))))
        .hasMessageContaining("with scan.startup.mode initial: it is the position of");
  }

  /** Each source takes the start modes it can honour and names the others with the reason. */
  @Test
  void eachSourceRefusesTheStartModesItDoesNotHave() {
    Configuration committed =
        Configuration.of(Map.of("tables", "shop.orders", "scan.startup.mode", "committed-offset"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new MariaDbSourceFactory().validateOptions(committed))
        .hasMessage(
            "Cannot use source option 'scan.startup.mode' committed-offset with a mariadb source:"
                + " a binlog keeps no position in the server (committed-offset is PostgreSQL's"
                + " slot); it takes initial, latest-offset, snapshot, earliest-offset,"
                + " specific-offset, timestamp");
    new PostgresSourceFactory()
        .validateOptions(
            Configuration.of(
                Map.of("tables", "shop.public.orders", "scan.startup.mode", "committed-offset")));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new PostgresSourceFactory()
                    .validateOptions(
                        Configuration.of(
                            Map.of(
                                "tables", "shop.public.orders",
                                "scan.startup.mode", "earliest-offset"))))
        .hasMessageContaining(
            "with a postgres source: PostgreSQL streams from its replication slot");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new MySqlSourceFactory()
                    .validateOptions(
                        Configuration.of(
                            Map.of(
                                "tables", "shop.orders", "scan.startup.mode", "specific-offset"))))
        .hasMessageContaining("with a mysql source: a mysql source reads its snapshot through");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new MariaDbSourceFactory()
                    .validateOptions(
                        Configuration.of(
                            Map.of(
                                "tables", "shop.orders",
                                "scan.startup.mode", "specific-offset",
                                "scan.startup.specific-offset.file", "mariadb-bin.000003"))))
        .hasMessageContaining("set source options 'scan.startup.specific-offset.file' and");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new MariaDbSourceFactory()
                    .validateOptions(
                        Configuration.of(
                            Map.of(
                                "tables", "shop.orders",
                                "scan.startup.mode", "specific-offset",
                                "scan.startup.specific-offset.gtid-set", "0-1"))))
        .hasMessageContaining("'0-1' is no MariaDB GTID (domain-server-sequence, e.g. 0-1-42)");
  }

  @Test
  void mySqlRefusesTheSnapshotStartupModeNamingTheOptionMariaDbTakesIt() {
    Configuration options =
        Configuration.of(Map.of("tables", "shop.orders", "scan.startup.mode", "snapshot"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new MySqlSourceFactory().validateOptions(options))
        .isInstanceOf(dev.cdcsync.api.ConfigurationException.class)
        .hasMessageContaining("'scan.startup.mode' snapshot with a mysql source");
    new MariaDbSourceFactory().validateOptions(options);
  }

  /** The tables to load again: checked names, and only in a load-only run (cdc-sync snapshot). */
  @Test
  void takesTablesToLoadAgainOnlyWithTheSnapshotStartupMode() {
    Configuration reload =
        Configuration.of(
            Map.of(
                "tables", "shop.public.\\.*",
                "scan.startup.mode", "snapshot",
                "scan.snapshot.reload.tables", "public.orders, shop.public.items,public.orders"));
    new PostgresSourceFactory().validateOptions(reload);
    assertThat(LoadOptions.reloadTables(reload)).containsExactly("public.orders", "public.items");

    Configuration streaming =
        Configuration.of(
            Map.of("tables", "shop.orders", "scan.snapshot.reload.tables", "shop.orders"));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new MariaDbSourceFactory().validateOptions(streaming))
        .isInstanceOf(dev.cdcsync.api.ConfigurationException.class)
        .hasMessageContaining("'scan.snapshot.reload.tables' without scan.startup.mode snapshot");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                LoadOptions.reloadTables(
                    Configuration.of(Map.of("scan.snapshot.reload.tables", "orders"))))
        .isInstanceOf(dev.cdcsync.api.ConfigurationException.class)
        .hasMessageContaining("Cannot load table 'orders' again")
        .hasMessageContaining("name it as schema.table or database.table");
  }

  @Test
  void capsTheHeartbeatIntervalWithOneWarning() {
    Configuration slow = Configuration.of(Map.of("heartbeat.interval", "30s"));

    assertThat(SourceOptions.heartbeatInterval(slow)).isEqualTo(Duration.ofSeconds(10));
    assertThat(new PostgresSourceFactory().warnings(slow))
        .containsExactly(
            "source option 'heartbeat.interval' (30s) is longer than cdc-sync allows: the position"
                + " it confirms to the database must move on at least every 10s, so that is used");
    assertThat(
            new MySqlSourceFactory().warnings(Configuration.of(Map.of("heartbeat.interval", "5s"))))
        .isEmpty();
  }

  private static List<String> undeclared(SourceFactory factory, List<String> keys) {
    List<String> missing = new ArrayList<>();
    for (String key : keys) {
      boolean declared =
          declared(factory).stream().anyMatch(option -> option.key().equals(key))
              || factory.passThroughPrefixes().stream().anyMatch(key::startsWith);
      if (!declared) {
        missing.add(key);
      }
    }
    return missing;
  }

  private static List<ConfigOption<?>> declared(SourceFactory factory) {
    List<ConfigOption<?>> options = new ArrayList<>(factory.options());
    options.addAll(SourceSectionOptions.ALL);
    return options;
  }

  private static ConfigOption<?> option(SourceFactory factory, String key) {
    return declared(factory).stream()
        .filter(option -> option.key().equals(key))
        .findFirst()
        .orElseThrow();
  }
}
