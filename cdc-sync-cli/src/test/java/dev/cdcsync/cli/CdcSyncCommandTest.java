package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line itself: help, version, and every kind of pipeline-file mistake, each giving its
 * message and exit code 2 before any database is contacted (the files point at a closed port).
 */
class CdcSyncCommandTest {

  private static final String SECRET = "Sup3r-Secret-Pa55";

  @TempDir Path directory;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalOut;
  private PrintStream originalErr;

  @BeforeEach
  void captureOutput() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreOutput() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  @Test
  void printsVersionAndHelpWithTheExitCodes() {
    assertThat(CdcSyncCommand.execute("--version")).isZero();
    assertThat(out())
        .startsWith("cdc-sync ")
        .containsPattern("\nDebezium 3\\.\\d+\\.\\d+\\.\\w+\n")
        .containsPattern("\nApache Iceberg 1\\.\\d+\\.\\d+\n");
    out.reset();
    assertThat(CdcSyncCommand.execute("--help")).isZero();
    assertThat(out())
        .contains("run", "validate", "show", "demo", "Exit codes:", "2  invalid pipeline file");
    // Each command's summary (wrapped over lines) is whole: it ends with a full stop.
    String commands =
        out()
            .substring(out().indexOf("Commands:\n"), out().indexOf("Exit codes:"))
            .replaceAll("\n {14}", " ");
    assertThat(
            commands
                .lines()
                .filter(line -> line.matches("  (run|validate|status|show|demo|help) .*")))
        .hasSize(6)
        .allSatisfy(line -> assertThat(line.strip()).endsWith("."));
  }

  @Test
  void rejectsAMissingFile() {
    assertThat(CdcSyncCommand.execute("run", directory.resolve("nope.yaml").toString()))
        .isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "Error: Cannot read pipeline file: no such file: "
                + directory.resolve("nope.yaml")
                + "\n");
  }

  @Test
  void rejectsAnUnknownKeyNamingTheLineTheLikelyKeyAndTheAllowedOnes() throws Exception {
    Path file = pipeline(validSource().replace("  hostname:", "  hostnme:") + validSink());
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains(
            "line 3: unknown source option 'hostnme' (did you mean 'hostname'?); allowed for postgres: hostname, port,")
        .contains("debezium.*, jdbc.properties.*")
        .contains("line 2: source of type postgres needs option 'hostname'");
  }

  @Test
  void rejectsAValueOfTheWrongTypeNamingTheLine() throws Exception {
    Path file = pipeline(validSource().replace("port: 1", "port: five") + validSink());
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains(
            "line 4: source option 'port': expected a port number in 1..65535 but got 'five'");
  }

  @Test
  void validateOfflineRejectsAPortOutOfRangeAsRunDoes() throws Exception {
    Path file = pipeline(validSource().replace("port: 1", "port: 70000") + validSink());
    assertThat(CdcSyncCommand.execute("validate", "--offline", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains(
            "line 4: source option 'port': expected a port number in 1..65535 but got '70000'");
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
  }

  @Test
  void validateOfflineRejectsAnInvalidTablePatternAsRunDoes() throws Exception {
    Path file =
        pipeline(
            validSource().replace("tables: shop.public.\\.*", "tables: shop.s.([") + validSink());
    assertThat(CdcSyncCommand.execute("validate", "--offline", file.toString())).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "Error: Cannot load pipeline "
                + file
                + ":\n  Cannot parse source option 'tables': invalid regular"
                + " expression '([': Unclosed character class\n");
    err.reset();
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains("Cannot parse source option 'tables': invalid regular expression '(['");
  }

  @Test
  void validateOfflineRejectsPatternsOfTwoPostgresDatabases() throws Exception {
    Path file =
        pipeline(
            validSource().replace("tables: shop.public.\\.*", "tables: shop.public.a, crm.public.b")
                + validSink());
    assertThat(CdcSyncCommand.execute("validate", "--offline", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains("every pattern must name the same database with a plain name")
        .contains("found 'crm' beside 'shop'");
  }

  @Test
  void showSaysWhatIsWrongWithItsArguments() {
    assertThat(
            CdcSyncCommand.execute("show", "--limit", "-1", directory.toString(), "public.orders"))
        .isEqualTo(2);
    assertThat(err()).contains("Invalid value for option '--limit': expected 0 or more but got -1");
    err.reset();
    Path missing = directory.resolve("no-warehouse");
    assertThat(CdcSyncCommand.execute("show", missing.toString(), "public.orders")).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "Error: Cannot show table public.orders: there is no pipeline file or warehouse directory at "
                + missing
                + "\n");
  }

  @Test
  void rejectsAWrongDurationAndAnUnknownPipelineOption() throws Exception {
    Path file =
        pipeline(
            validSource()
                + validSink()
                + "pipeline:\n  checkpoint.interval: often\n  paralelism: 2\n");
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains(
            "line 13: pipeline option 'checkpoint.interval': expected a duration such as 30s, 500ms, 5min, 1h but got 'often'")
        .contains("line 14: unknown pipeline option 'paralelism' (did you mean 'parallelism'?)");
  }

  @Test
  void rejectsBrokenYamlNamingTheLine() throws Exception {
    Path file = pipeline("source:\n  type: postgres\n  password: [" + SECRET + "\nsink:\n");
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
    assertThat(err())
        .startsWith("Error: Cannot parse " + file + ": line 4:")
        .doesNotContain(SECRET);
  }

  @Test
  void rejectsAnUnknownSourceTypeListingTheAvailableOnes() throws Exception {
    Path file = pipeline(validSource().replace("type: postgres", "type: oracle") + validSink());
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains("line 2: unknown source type 'oracle'; available: mariadb, mysql, postgres");
  }

  @Test
  void rejectsAMissingSectionAndAnUnsetEnvironmentVariable() throws Exception {
    Path file =
        pipeline(
            validSource()
                .replace("password: " + SECRET, "password: ${CDC_SYNC_TEST_UNSET_VARIABLE}"));
    assertThat(CdcSyncCommand.execute(file.toString())).isEqualTo(2);
    assertThat(err())
        .contains(
            "line 6: source option 'password' refers to environment variable CDC_SYNC_TEST_UNSET_VARIABLE, which is not set")
        .contains("missing section 'sink'");
  }

  @Test
  void rejectsARouteRuleWhosePatternDoesNotFitTheSource() throws Exception {
    Path file =
        pipeline(
            validSource() + validSink() + "route:\n  - source-table: a\n    sink-table: c.d\n");
    assertThat(CdcSyncCommand.execute("run", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains(
            "Cannot parse route rule 1 (line 13) source-table: expected database.schema.table or schema.table");
  }

  @Test
  void rejectsAnUnknownFunctionInATransformNamingTheRuleAndPosition() throws Exception {
    Path file =
        pipeline(
            validSource()
                + validSink()
                + "transform:\n  - source-table: shop.public.orders\n    projection: id, UPPR(name) AS n\n");
    assertThat(CdcSyncCommand.execute("validate", file.toString())).isEqualTo(2);
    assertThat(err()).contains("transform rule 1 (line 13)").contains("UPPR").contains("UPPER");
  }

  @Test
  void validateRejectsASinkWithNeitherCatalogTypeNorCatalogImpl() throws Exception {
    Path file =
        pipeline(validSource() + validSink().replace("  catalog.properties.type: hadoop\n", ""));
    assertThat(CdcSyncCommand.execute("validate", file.toString())).isEqualTo(2);
    assertThat(err())
        .contains(
            "Cannot create the Iceberg catalog: set exactly one of sink options 'catalog.properties.type'"
                + " and 'catalog.properties.catalog-impl'");
  }

  @Test
  void validatePrintsTheEffectiveOptionsWithSecretsMasked() throws Exception {
    Path file =
        pipeline(validSource() + "  debezium.database.password: " + SECRET + "\n" + validSink());
    assertThat(CdcSyncCommand.execute("validate", "--offline", file.toString())).as(err()).isZero();
    assertThat(out())
        .contains("Pipeline 'pipeline' in " + file + " is valid.")
        .contains("  password: ******")
        .contains("  debezium.database.password: ******")
        .contains("  hostname: 127.0.0.1")
        .contains(
            "state: file://"
                + directory.resolve("warehouse").resolve(".cdc-sync").resolve("pipeline")
                + "\n")
        .doesNotContain(SECRET)
        .doesNotContain("checks:");
  }

  @Test
  void validateReportsAnUnreachableDatabaseAsAFailedCheckWithoutTheSecret() throws Exception {
    Path file = pipeline(validSource() + validSink());
    assertThat(CdcSyncCommand.execute("validate", file.toString())).as(err()).isEqualTo(1);
    assertThat(out())
        .contains("FAILED  source: Cannot connect to PostgreSQL at 127.0.0.1:1/shop as user 'cdc'")
        .contains("ok      catalog: the hadoop catalog answers")
        .contains("ok      warehouse: can write to file://" + directory.resolve("warehouse") + "\n")
        .contains("ok      state store: can write to")
        .contains("1 of 4 checks failed")
        .doesNotContain(SECRET);
    try (var files = java.nio.file.Files.walk(directory.resolve("warehouse"))) {
      assertThat(files.filter(path -> path.getFileName().toString().contains("probe")).toList())
          .isEmpty();
    }
  }

  @Test
  void validateNamesAHostThatDoesNotResolveAndARefusedConnection() throws Exception {
    Path file =
        pipeline(
            validSource().replace("hostname: 127.0.0.1", "hostname: no-such-host.invalid")
                + validSink());
    assertThat(CdcSyncCommand.execute("validate", file.toString())).as(err()).isEqualTo(1);
    assertThat(out())
        .contains(
            "FAILED  source: Cannot connect to PostgreSQL at no-such-host.invalid:1/shop as user 'cdc': host not found: no-such-host.invalid")
        .doesNotContain(SECRET);
    out.reset();
    Path refused = pipeline(validSource() + validSink());
    assertThat(CdcSyncCommand.execute("validate", refused.toString())).as(err()).isEqualTo(1);
    assertThat(out())
        .contains(
            "FAILED  source: Cannot connect to PostgreSQL at 127.0.0.1:1/shop as user 'cdc': connection refused: ");
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path pipeline(String yaml) throws Exception {
    Path file = directory.resolve("pipeline.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static String validSource() {
    return "source:\n"
        + "  type: postgres\n"
        + "  hostname: 127.0.0.1\n"
        + "  port: 1\n"
        + "  username: cdc\n"
        + "  password: "
        + SECRET
        + "\n"
        + "  tables: shop.public.\\.*\n";
  }

  private String validSink() {
    return "sink:\n"
        + "  type: iceberg\n"
        + "  catalog.properties.type: hadoop\n"
        + "  catalog.properties.warehouse: "
        + directory.resolve("warehouse").toUri()
        + "\n";
  }
}
