package dev.cdcsync.runtime.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.cdcsync.api.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PipelineDefinitionParserTest {

  private static final String LOCATION = "shop.yaml";
  private static final String PASSWORD = "Pa55w0rd";

  private static final String FLINK_CDC_PIPELINE =
      """
      # Sync the shop database into Iceberg
      source:
        type: mysql
        hostname: ${MYSQL_HOST}
        port: ${MYSQL_PORT:-3306}
        username: cdc
        password: ${MYSQL_PASSWORD}
        tables: shop.\\.*
        server-id: 5400-5404

      sink:
        type: iceberg
        catalog.properties:
          type: hadoop
          warehouse: /var/lib/warehouse

      pipeline:
        name: shop to iceberg
        checkpoint:
          interval: 10s
        parallelism: 1
      """;

  private final PipelineDefinitionParser parser =
      new PipelineDefinitionParser(
          Map.of("MYSQL_HOST", "db.internal", "MYSQL_PASSWORD", PASSWORD)::get);

  @Test
  void readsAFlinkCdcPipelineFlatteningNestedMappings() {
    PipelineDefinition definition = parser.parse(FLINK_CDC_PIPELINE, LOCATION);

    assertThat(definition)
        .isEqualTo(
            new PipelineDefinition(
                LOCATION,
                new ComponentDefinition(
                    "source",
                    3,
                    "mysql",
                    Map.of(
                        "hostname", new ConfigValue("db.internal", 4),
                        "port", new ConfigValue("3306", 5),
                        "username", new ConfigValue("cdc", 6),
                        "password", new ConfigValue(PASSWORD, 7),
                        "tables", new ConfigValue("shop.\\.*", 8),
                        "server-id", new ConfigValue("5400-5404", 9))),
                new ComponentDefinition(
                    "sink",
                    12,
                    "iceberg",
                    Map.of(
                        "catalog.properties.type", new ConfigValue("hadoop", 14),
                        "catalog.properties.warehouse", new ConfigValue("/var/lib/warehouse", 15))),
                new ComponentDefinition(
                    "pipeline",
                    18,
                    null,
                    Map.of(
                        "name", new ConfigValue("shop to iceberg", 18),
                        "checkpoint.interval", new ConfigValue("10s", 20),
                        "parallelism", new ConfigValue("1", 21)))));
  }

  @Test
  void keepsOptionsInFileOrder() {
    PipelineDefinition definition = parser.parse(FLINK_CDC_PIPELINE, LOCATION);

    assertThat(definition.source().options().keySet())
        .containsExactly("hostname", "port", "username", "password", "tables", "server-id");
  }

  @Test
  void givesAnEmptyPipelineSectionWhenThereIsNone() {
    PipelineDefinition definition =
        parser.parse(
            """
            source: {type: postgres}
            sink: {type: iceberg}
            """,
            LOCATION);

    assertThat(definition)
        .isEqualTo(
            new PipelineDefinition(
                LOCATION,
                new ComponentDefinition("source", 1, "postgres", Map.of()),
                new ComponentDefinition("sink", 2, "iceberg", Map.of()),
                ComponentDefinition.empty("pipeline")));
  }

  @Test
  void trimsTheType() {
    PipelineDefinition definition =
        parser.parse(
            """
            source:
              type: "  mysql "
            sink:
              type: iceberg
            """,
            LOCATION);

    assertThat(definition.source().type()).isEqualTo("mysql");
  }

  @Test
  void substitutesTheEnvironmentOverDefaultsAndKeepsSubstitutedTextLiteral() {
    PipelineDefinitionParser withEnvironment =
        new PipelineDefinitionParser(
            Map.of("PORT", "3307", "USER", "cdc", "SECRET", "a$1\\b}")::get);

    PipelineDefinition definition =
        withEnvironment.parse(
            """
            source:
              type: mysql
              port: ${PORT:-3306}
              url: jdbc:mysql://${HOST:-localhost}:${PORT}/shop?user=${USER}
              password: ${SECRET}
              empty-default: ${UNSET:-}
              no-variable: $HOME and {braces}
            sink:
              type: iceberg
            """,
            LOCATION);

    assertThat(definition.source().options())
        .containsExactly(
            entry("port", new ConfigValue("3307", 3)),
            entry("url", new ConfigValue("jdbc:mysql://localhost:3307/shop?user=cdc", 4)),
            entry("password", new ConfigValue("a$1\\b}", 5)),
            entry("empty-default", new ConfigValue("", 6)),
            entry("no-variable", new ConfigValue("$HOME and {braces}", 7)));
  }

  @Test
  void substitutesTheType() {
    PipelineDefinitionParser withEnvironment =
        new PipelineDefinitionParser(Map.of("SOURCE_TYPE", "postgres")::get);

    PipelineDefinition definition =
        withEnvironment.parse(
            """
            source:
              type: ${SOURCE_TYPE}
            sink:
              type: ${SINK_TYPE:-iceberg}
            """,
            LOCATION);

    assertThat(definition.source().type()).isEqualTo("postgres");
    assertThat(definition.sink().type()).isEqualTo("iceberg");
  }

  @Test
  void namesTheLineAndVariableOfEveryUnsetVariable() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                      hostname: ${MYSQL_HOST}
                      username: ${MYSQL_USER}
                    sink:
                      type: iceberg
                      catalog.properties.warehouse: ${WAREHOUSE}/shop
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 4: source option 'username' refers to environment variable MYSQL_USER, which\
             is not set (write ${MYSQL_USER:-default} to give a default)
              line 7: sink option 'catalog.properties.warehouse' refers to environment variable\
             WAREHOUSE, which is not set (write ${WAREHOUSE:-default} to give a default)""");
  }

  @Test
  void reportsTheLineOfAYamlSyntaxError() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                      hostname: localhost
                      tables: shop.orders: shop.items
                    sink:
                      type: iceberg
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot parse shop.yaml: line 4: mapping values are not allowed here");
  }

  @Test
  void rejectsMoreThanOneDocument() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source: {type: mysql}
                    sink: {type: iceberg}
                    ---
                    source: {type: postgres}
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot parse shop.yaml: line 3: but found another document");
  }

  @ParameterizedTest
  @MethodSource("filesWithoutContent")
  void rejectsAFileWithoutContent(String yaml) {
    assertThatThrownBy(() -> parser.parse(yaml, LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse shop.yaml: the file is empty; it needs 'source' and 'sink' sections");
  }

  static Stream<String> filesWithoutContent() {
    return Stream.of("", "\n\n", "# source:\n#   type: mysql\n");
  }

  @Test
  void rejectsATopLevelListWithItsLine() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    # a list is not a pipeline
                    - source
                    - sink
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse shop.yaml: line 2: expected a mapping with 'source', 'sink' and"
                + " 'pipeline' sections");
  }

  @Test
  void rejectsATopLevelScalar() {
    assertThatThrownBy(() -> parser.parse("source", LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "Cannot parse shop.yaml: line 1: expected a mapping with 'source', 'sink' and"
                + " 'pipeline' sections");
  }

  @Test
  void rejectsUnknownSectionsNamingTheAllowedOnes() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                    sinks:
                      type: iceberg
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 3: unknown section 'sinks'; allowed: source, sink, route, transform, pipeline
              missing section 'sink'""");
  }

  @Test
  void readsRouteAndTransformRulesWithTheirLines() {
    PipelineDefinition definition =
        parser.parse(
            """
            source:
              type: mysql
            sink:
              type: iceberg
            route:
              - source-table: shop.order_\\.*
                sink-table: lake.orders
              - source-table: shop.\\.*
                sink-table: ods.<>
                replace-symbol: <>
            transform:
              - source-table: shop.orders
                projection: \\*, UPPER(status) AS status_upper
                filter: id > 0
                primary-keys: id
            """,
            LOCATION);

    assertThat(definition.routes())
        .containsExactly(
            new RuleDefinition(
                "route",
                1,
                6,
                Map.of(
                    "source-table", new ConfigValue("shop.order_\\.*", 6),
                    "sink-table", new ConfigValue("lake.orders", 7))),
            new RuleDefinition(
                "route",
                2,
                8,
                Map.of(
                    "source-table", new ConfigValue("shop.\\.*", 8),
                    "sink-table", new ConfigValue("ods.<>", 9),
                    "replace-symbol", new ConfigValue("<>", 10))));
    assertThat(definition.transforms()).hasSize(1);
    RuleDefinition transform = definition.transforms().get(0);
    assertThat(transform.describe()).isEqualTo("transform rule 1 (line 12)");
    assertThat(transform.value("projection")).contains("\\*, UPPER(status) AS status_upper");
    assertThat(transform.line("filter")).isEqualTo(14);
  }

  /** Flink CDC's {@code pipeline.user-defined-function}: a list of name and class entries. */
  @Test
  void readsUserDefinedFunctionsApartFromThePipelineOptions() {
    PipelineDefinition definition =
        parser.parse(
            """
            source:
              type: mysql
            sink:
              type: iceberg
            pipeline:
              name: shop
              user-defined-function:
                - name: addone
                  classpath: com.example.functions.AddOneFunctionClass
                - name: format
                  classpath: com.example.functions.FormatFunctionClass
            """,
            LOCATION);

    assertThat(definition.pipeline().options()).containsOnlyKeys("name");
    assertThat(definition.userFunctions())
        .containsExactly(
            new RuleDefinition(
                "pipeline.user-defined-function",
                1,
                8,
                Map.of(
                    "name", new ConfigValue("addone", 8),
                    "classpath", new ConfigValue("com.example.functions.AddOneFunctionClass", 9))),
            new RuleDefinition(
                "pipeline.user-defined-function",
                2,
                10,
                Map.of(
                    "name", new ConfigValue("format", 10),
                    "classpath",
                        new ConfigValue("com.example.functions.FormatFunctionClass", 11))));
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                    sink:
                      type: iceberg
                    pipeline:
                      user-defined-function:
                        - name: addone
                          class: com.example.AddOne
                    """,
                    LOCATION))
        .hasMessageContaining("line 8: pipeline.user-defined-function rule 1: unknown key 'class'")
        .hasMessageContaining("line 7: pipeline.user-defined-function rule 1 needs 'classpath'");
  }

  @Test
  void rejectsMisshapenRulesWithTheirLines() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                    sink:
                      type: iceberg
                    route:
                      source-table: shop.orders
                    transform:
                      - source-table: shop.orders
                        projectoin: id
                      - filter: id > 0
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 6: section 'route' must be a list of rules, each starting with '- source-table: ...'
              line 9: transform rule 1: unknown key 'projectoin' (did you mean 'projection'?); allowed:\
             source-table, projection, filter, primary-keys, partition-keys, table-options,\
             converter-after-transform, description
              line 10: transform rule 2 needs 'source-table'""");
  }

  @Test
  void rejectsAFileWithoutSourceAndSink() {
    assertThatThrownBy(() -> parser.parse("pipeline:\n  name: shop\n", LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              missing section 'source'
              missing section 'sink'""");
  }

  @Test
  void rejectsASourceOrSinkWithoutType() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      hostname: localhost
                    sink:
                      catalog.properties:
                        type: hadoop
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 2: section 'source' needs a 'type'
              line 4: section 'sink' needs a 'type'""");
  }

  @Test
  void rejectsASectionThatIsNotAMapping() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source: mysql
                    sink:
                      - type: iceberg
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 1: section 'source' must be a mapping of options
              line 3: section 'sink' must be a mapping of options""");
  }

  @Test
  void passesAListOnAsItsItemsJoinedByCommas() {
    PipelineDefinition definition =
        parser.parse(
            """
            source:
              type: mysql
              tables: [shop.orders, shop.items]
            sink:
              type: iceberg
              exclude.schema.changes:
                - drop.table
                - truncate.table
            """,
            LOCATION);
    assertThat(definition.source().options().get("tables"))
        .isEqualTo(new ConfigValue("shop.orders,shop.items", 3, true));
    assertThat(definition.sink().options().get("exclude.schema.changes"))
        .isEqualTo(new ConfigValue("drop.table,truncate.table", 6, true));
  }

  @Test
  void rejectsNestedListValues() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                      tables: [[shop.orders], {a: b}]
                    sink:
                      type: iceberg
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 3: source option 'tables' must be a single value or a list of values""");
  }

  @Test
  void rejectsKeysThatAreNotPlainNames() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                      ? [hostname, port]
                      : localhost
                    sink:
                      type: iceberg
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 3: keys must be plain names""");
  }

  @Test
  void rejectsASectionGivenTwice() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                    sink:
                      type: iceberg
                    source:
                      type: postgres
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 5: section 'source' is given twice""");
  }

  @Test
  void rejectsAnOptionGivenTwiceAlsoWhenOnceNestedAndOnceDotted() {
    assertThatThrownBy(
            () ->
                parser.parse(
                    """
                    source:
                      type: mysql
                      hostname: db1
                      hostname: db2
                    sink:
                      type: iceberg
                      catalog.properties.warehouse: /a
                      catalog:
                        properties:
                          warehouse: /b
                    """,
                    LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            """
            Cannot load pipeline shop.yaml:
              line 4: source option 'hostname' is given twice
              line 10: sink option 'catalog.properties.warehouse' is given twice""");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFilesWithAPassword")
  void neverRepeatsAPasswordInAnError(String mistake, String yaml, String expectedMessage) {
    assertThatThrownBy(() -> parser.parse(yaml, LOCATION))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(expectedMessage)
        .message()
        .doesNotContain(PASSWORD);
  }

  static Stream<Arguments> brokenFilesWithAPassword() {
    return Stream.of(
        Arguments.of(
            "a colon after the password",
            withPassword("Pa55w0rd: again"),
            "Cannot parse shop.yaml: line 3: mapping values are not allowed here"),
        Arguments.of(
            "an unclosed quote",
            withPassword("\"Pa55w0rd"),
            "Cannot parse shop.yaml: line 6: found unexpected end of stream"),
        Arguments.of(
            "text after a quoted password",
            withPassword("'Pa55w0rd' again"),
            "Cannot parse shop.yaml: line 3: expected <block end>, but found '<scalar>'"),
        Arguments.of(
            "an unquoted password read as an alias",
            withPassword("*Pa55w0rd"),
            "Cannot parse shop.yaml: line 3: found undefined alias; quote values that start"
                + " with '*'"),
        Arguments.of(
            "an unquoted password read as a tag",
            withPassword("!Pa55!w0rd"),
            "Cannot parse shop.yaml: line 3: found undefined tag handle; quote values that start"
                + " with '!'"),
        Arguments.of(
            "a bad escape in a double-quoted password",
            withPassword("\"\\xPa55w0rd\""),
            "Cannot parse shop.yaml: line 3: found an invalid escape sequence in a double-quoted"
                + " value"),
        Arguments.of(
            "an unknown escape in a double-quoted password",
            withPassword("\"Pa55w0rd\\q\""),
            "Cannot parse shop.yaml: line 3: found an invalid escape sequence in a double-quoted"
                + " value"),
        Arguments.of(
            "the password given twice",
            withPassword("${MYSQL_PASSWORD}\n  password: Pa55w0rd"),
            """
            Cannot load pipeline shop.yaml:
              line 4: source option 'password' is given twice"""),
        Arguments.of(
            "the password as the section",
            "source: Pa55w0rd\nsink:\n  type: iceberg\n",
            """
            Cannot load pipeline shop.yaml:
              line 1: section 'source' must be a mapping of options"""),
        Arguments.of(
            "the password as the whole file",
            "Pa55w0rd",
            "Cannot parse shop.yaml: line 1: expected a mapping with 'source', 'sink' and"
                + " 'pipeline' sections"));
  }

  private static String withPassword(String value) {
    return "source:\n  type: mysql\n  password: " + value + "\nsink:\n  type: iceberg\n";
  }

  @Test
  void readsAFileUsingItsPathAsLocation(@TempDir Path directory) throws Exception {
    Path file = Files.writeString(directory.resolve("orders.yaml"), "source: {type: mysql}\n");

    assertThatThrownBy(() -> parser.parse(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot load pipeline " + file + ":\n  missing section 'sink'");
  }

  @Test
  void parsesAFile(@TempDir Path directory) throws Exception {
    Path file =
        Files.writeString(
            directory.resolve("orders.yaml"), "source: {type: mysql}\nsink: {type: iceberg}\n");

    assertThat(parser.parse(file))
        .isEqualTo(
            new PipelineDefinition(
                file.toString(),
                new ComponentDefinition("source", 1, "mysql", Map.of()),
                new ComponentDefinition("sink", 2, "iceberg", Map.of()),
                ComponentDefinition.empty("pipeline")));
  }

  @Test
  void rejectsAMissingFile(@TempDir Path directory) {
    Path file = directory.resolve("missing.yaml");

    assertThatThrownBy(() -> parser.parse(file))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("Cannot read pipeline file: no such file: " + file);
  }
}
