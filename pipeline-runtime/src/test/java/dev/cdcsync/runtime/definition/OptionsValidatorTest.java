package dev.cdcsync.runtime.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.api.Configuration;
import dev.cdcsync.api.ConfigurationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsValidatorTest {

  enum StartupMode {
    INITIAL,
    LATEST_OFFSET
  }

  private static final ConfigOption<String> HOSTNAME =
      ConfigOption.required("hostname", String.class, "Host name of the database server");
  private static final ConfigOption<Integer> PORT =
      ConfigOption.optional("port", Integer.class, 3306, "Port of the database server");
  private static final ConfigOption<String> PASSWORD =
      ConfigOption.optional("password", String.class, null, "Password of the user").asSecret();
  private static final ConfigOption<Boolean> SNAPSHOT_ENABLED =
      ConfigOption.optional(
          "scan.snapshot.enabled", Boolean.class, true, "Read existing rows first");
  private static final ConfigOption<Duration> CONNECT_TIMEOUT =
      ConfigOption.optional(
          "connect.timeout", Duration.class, Duration.ofSeconds(30), "How long to wait to connect");
  private static final ConfigOption<StartupMode> STARTUP_MODE =
      ConfigOption.optional(
          "scan.startup.mode", StartupMode.class, StartupMode.INITIAL, "Where to start reading");
  private static final ConfigOption<Integer> SERVER_PIN =
      ConfigOption.optional("server.pin", Integer.class, null, "PIN of the server's key")
          .asSecret();

  private static final List<ConfigOption<?>> OPTIONS =
      List.of(
          HOSTNAME, PORT, PASSWORD, SNAPSHOT_ENABLED, CONNECT_TIMEOUT, STARTUP_MODE, SERVER_PIN);
  private static final List<String> PASS_THROUGH = List.of("debezium.", "jdbc.properties.");
  private static final String ALLOWED =
      "hostname, port, password, scan.snapshot.enabled, connect.timeout, scan.startup.mode,"
          + " server.pin, debezium.*, jdbc.properties.*";

  private final PipelineDefinitionParser parser =
      new PipelineDefinitionParser(Map.of("MYSQL_PASSWORD", "Pa55w0rd")::get);

  @Test
  void acceptsDeclaredAndPassThroughOptions() {
    Configuration configuration =
        validate(
            """
            source:
              type: mysql
              hostname: db.internal
              port: 3307
              password: ${MYSQL_PASSWORD}
              scan.snapshot.enabled: FALSE
              connect.timeout: 5 min
              scan.startup.mode: latest-offset
              debezium:
                snapshot.mode: never
              jdbc.properties.useSSL: true
            sink:
              type: iceberg
            """);

    assertThat(configuration.asMap())
        .isEqualTo(
            Map.of(
                "hostname", "db.internal",
                "port", "3307",
                "password", "Pa55w0rd",
                "scan.snapshot.enabled", "FALSE",
                "connect.timeout", "5 min",
                "scan.startup.mode", "latest-offset",
                "debezium.snapshot.mode", "never",
                "jdbc.properties.useSSL", "true"));
    assertThat(configuration.get(PORT)).isEqualTo(3307);
    assertThat(configuration.get(SNAPSHOT_ENABLED)).isFalse();
    assertThat(configuration.get(CONNECT_TIMEOUT)).isEqualTo(Duration.ofMinutes(5));
    assertThat(configuration.get(STARTUP_MODE)).isEqualTo(StartupMode.LATEST_OFFSET);
    assertThat(configuration.withPrefix("debezium.")).isEqualTo(Map.of("snapshot.mode", "never"));
  }

  @Test
  void leavesOutOptionsNotGivenSoTheirDefaultsApply() {
    Configuration configuration = validate(sourceWith("hostname: db.internal"));

    assertThat(configuration.asMap()).isEqualTo(Map.of("hostname", "db.internal"));
    assertThat(configuration.get(PORT)).isEqualTo(3306);
    assertThat(configuration.optional(SERVER_PIN)).isEmpty();
  }

  @Test
  void suggestsTheIntendedKeyAndListsTheAllowedOnes() {
    assertThatThrownBy(
            () -> validate(sourceWith("hostname: db.internal", "scan.startup.mod: initial")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 4: unknown source option 'scan.startup.mod' (did you mean"
                + " 'scan.startup.mode'?); allowed for mysql: "
                + ALLOWED);
  }

  @Test
  void listsTheAllowedKeysWithoutGuessingWhenNoneIsClose() {
    assertThatThrownBy(() -> validate(sourceWith("hostname: db.internal", "colour: blue")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 4: unknown source option 'colour'; allowed for mysql: "
                + ALLOWED);
  }

  @Test
  void rejectsAPassThroughPrefixWithoutAKeyAfterIt() {
    assertThatThrownBy(() -> validate(sourceWith("hostname: db.internal", "\"debezium.\": x")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 4: unknown source option 'debezium.'; allowed for mysql: "
                + ALLOWED);
  }

  @Test
  void reportsAMissingRequiredOptionWithItsDescription() {
    assertThatThrownBy(() -> validate(sourceWith("port: 3306")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 2: source of type mysql needs option 'hostname' (Host name of the"
                + " database server)");
  }

  @Test
  void reportsEveryValueOfTheWrongTypeWithItsLine() {
    assertThatThrownBy(
            () ->
                validate(
                    sourceWith(
                        "hostname: db.internal",
                        "port: 33o6",
                        "scan.snapshot.enabled: yes",
                        "connect.timeout: half a minute",
                        "scan.startup.mode: earliest")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 4: source option 'port': expected an integer but got '33o6'
              line 5: source option 'scan.snapshot.enabled': expected true or false but got 'yes'
              line 6: source option 'connect.timeout': expected a duration such as 30s, 500ms,\
             5min, 1h but got 'half a minute'
              line 7: source option 'scan.startup.mode': expected one of [initial, latest_offset]\
             but got 'earliest'""");
  }

  @Test
  void neverShowsTheValueOfASecretOfTheWrongType() {
    assertThatThrownBy(() -> validate(sourceWith("hostname: db.internal", "server.pin: 12ab34")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 4: source option 'server.pin': expected an integer but got ******")
        .message()
        .doesNotContain("12ab34");
  }

  @Test
  void neverShowsAMisspelledSecretsValue() {
    assertThatThrownBy(
            () -> validate(sourceWith("hostname: db.internal", "pasword: ${MYSQL_PASSWORD}")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 4: unknown source option 'pasword' (did you mean 'password'?); allowed"
                + " for mysql: "
                + ALLOWED)
        .message()
        .doesNotContain("Pa55w0rd");
  }

  @Test
  void reportsAllMistakesOfASectionAtOnce() {
    assertThatThrownBy(() -> validate(sourceWith("prot: 3306", "port: many")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 3: unknown source option 'prot' (did you mean 'port'?); allowed for mysql: %s
              line 4: source option 'port': expected an integer but got 'many'
              line 2: source of type mysql needs option 'hostname' (Host name of the database\
             server)"""
                .formatted(ALLOWED));
  }

  @Test
  void namesTheAvailableTypesOfAnUnknownType() {
    ComponentDefinition sink =
        parser.parse("source:\n  type: mysql\nsink:\n  type: delta\n", "shop.yaml").sink();

    assertThat(OptionsValidator.unknownType("shop.yaml", sink, List.of("files", "iceberg")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot load pipeline shop.yaml:\n"
                + "  line 4: unknown sink type 'delta'; available: files, iceberg");
  }

  @Test
  void measuresTheEditDistanceBetweenKeys() {
    assertThat(OptionsValidator.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(OptionsValidator.distance("port", "prot")).isEqualTo(2);
    assertThat(OptionsValidator.distance("", "port")).isEqualTo(4);
    assertThat(OptionsValidator.distance("hostname", "hostname")).isZero();
  }

  @Test
  void rejectsListsForOptionsThatTakeOneValueWithoutRepeatingThem() {
    assertThatThrownBy(
            () ->
                validate(
                    sourceWith(
                        "hostname: db",
                        "password: [Pa55w0rd]",
                        "port:",
                        "  - 3306",
                        "  - 3307",
                        "debezium.snapshot.mode: [initial]")))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 4: source option 'password' must be a single value, not a list
              line 5: source option 'port' must be a single value, not a list
              line 8: source option 'debezium.snapshot.mode' must be a single value, not a list""")
        .message()
        .doesNotContain("Pa55w0rd");
  }

  @Test
  void givesAListToAnOptionWithItsOwnParser() {
    ConfigOption<List> tags =
        ConfigOption.optional(
            "tags", List.class, null, "Tags", text -> List.of(text.split(",")), "a list of tags");
    ComponentDefinition source =
        parser.parse(sourceWith("tags: [a, b]", "single: [c]"), "shop.yaml").source();
    assertThatThrownBy(
            () -> OptionsValidator.validate("shop.yaml", source, "mysql", List.of(tags), List.of()))
        .hasMessageContaining("line 4: unknown source option 'single'");
    ComponentDefinition valid = parser.parse(sourceWith("tags: [a, b]"), "shop.yaml").source();
    Configuration configuration =
        OptionsValidator.validate("shop.yaml", valid, "mysql", List.of(tags), List.of());
    assertThat(configuration.get(tags)).isEqualTo(List.of("a", "b"));
  }

  private Configuration validate(String yaml) {
    ComponentDefinition source = parser.parse(yaml, "shop.yaml").source();
    return OptionsValidator.validate("shop.yaml", source, "mysql", OPTIONS, PASS_THROUGH);
  }

  /**
   * A file whose mysql source section starts on line 2 and holds the given option lines from line
   * 3 on.
   */
  private static String sourceWith(String... optionLines) {
    return "source:\n  type: mysql\n  "
        + String.join("\n  ", optionLines)
        + "\nsink:\n  type: iceberg\n";
  }
}
