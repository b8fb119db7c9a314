package dev.cdcsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.testing.TestDatabaseServer;
import dev.cdcsync.testing.TestDatabases;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PostgresEndToEndIT extends EndToEndTestBase {

  static final String USER = "cdc_e2e";
  static final String PASSWORD = "pg-e2e-S3cret";

  @Override
  protected TestDatabaseServer server() {
    return TestDatabases.postgres();
  }

  @Override
  protected List<String> setup(String database) {
    return List.of(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '"
            + USER
            + "') THEN"
            + " CREATE ROLE "
            + USER
            + " WITH LOGIN REPLICATION PASSWORD '"
            + PASSWORD
            + "'; END IF; END $$",
        "GRANT CREATE ON DATABASE " + database + " TO " + USER,
        "CREATE TYPE mood AS ENUM ('sad', 'happy')",
        "CREATE TYPE pair AS (a integer, b text)");
  }

  @Override
  protected List<String> afterCreate(String table) {
    return List.of("ALTER TABLE " + table + " OWNER TO " + USER);
  }

  @Override
  protected List<TypeCase> typeCases() {
    return List.of(
        new TypeCase("c_smallint", "smallint", "32767", 32767),
        new TypeCase("c_int", "integer", "-2147483648", -2147483648),
        new TypeCase("c_bigint", "bigint", "9223372036854775807", Long.MAX_VALUE),
        new TypeCase(
            "c_numeric", "numeric(12,2)", "1234567890.12", new BigDecimal("1234567890.12")),
        new TypeCase("c_real", "real", "1.5", 1.5f),
        new TypeCase("c_double", "double precision", "2.25", 2.25d),
        new TypeCase("c_bool", "boolean", "true", true),
        new TypeCase("c_char", "char(3)", "'ab'", "ab "),
        new TypeCase("c_varchar", "varchar(50)", "'Grüße 👋 ünï'", "Grüße 👋 ünï"),
        new TypeCase("c_text", "text", "'it''s text'", "it's text"),
        new TypeCase(
            "c_bytea", "bytea", "'\\x00ff10'::bytea", ByteBuffer.wrap(new byte[] {0, -1, 16})),
        new TypeCase("c_date", "date", "'2024-02-29'", LocalDate.of(2024, 2, 29)),
        new TypeCase(
            "c_time", "time(6)", "'23:59:59.123456'", LocalTime.of(23, 59, 59, 123_456_000)),
        new TypeCase(
            "c_timestamp",
            "timestamp(6)",
            "'1999-12-31 23:59:59.999999'",
            LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)),
        new TypeCase(
            "c_timestamptz",
            "timestamptz",
            "'2024-03-10 02:30:00.000001+00'",
            OffsetDateTime.of(2024, 3, 10, 2, 30, 0, 1_000, ZoneOffset.UTC)),
        // Before the Gregorian calendar (1582) and before Christ: the JDBC driver's java.sql
        // values count such days by the Julian calendar, PostgreSQL by the Gregorian one.
        new TypeCase("c_date_bc", "date", "'0044-03-15 BC'", LocalDate.of(-43, 3, 15)),
        new TypeCase("c_date_old", "date", "'1500-03-01'", LocalDate.of(1500, 3, 1)),
        new TypeCase(
            "c_timestamp_bc",
            "timestamp(6)",
            "'0044-03-15 12:00:00.5 BC'",
            LocalDateTime.of(-43, 3, 15, 12, 0, 0, 500_000_000)),
        new TypeCase(
            "c_timestamp_old",
            "timestamp(6)",
            "'0001-01-01 00:00:00'",
            LocalDateTime.of(1, 1, 1, 0, 0)),
        new TypeCase(
            "c_timestamptz_old",
            "timestamptz",
            "'0001-01-01 00:00:00+00'",
            OffsetDateTime.of(1, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)),
        new TypeCase(
            "c_timestamptz_bc",
            "timestamptz",
            "'0044-03-15 12:00:00.25+00 BC'",
            OffsetDateTime.of(-43, 3, 15, 12, 0, 0, 250_000_000, ZoneOffset.UTC)),
        new TypeCase("c_json", "json", "'{\"a\": 1}'", "{\"a\": 1}"),
        new TypeCase("c_jsonb", "jsonb", "'{\"b\": [1, 2]}'", "{\"b\": [1, 2]}"),
        new TypeCase(
            "c_uuid",
            "uuid",
            "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
            UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
        new TypeCase("c_enum", "mood", "'happy'", "happy"),
        // numeric without precision: the exact text, its scale and NaN / infinities included.
        new TypeCase(
            "c_numeric_any",
            "numeric",
            "'-12345678901234567890.123456789000'",
            "-12345678901234567890.123456789000"),
        new TypeCase("c_numeric_nan", "numeric", "'NaN'", "NaN"),
        new TypeCase("c_numeric_inf", "numeric", "'Infinity'", "Infinity"),
        new TypeCase("c_numeric_ninf", "numeric", "'-Infinity'", "-Infinity"),
        new TypeCase("c_numeric_wide", "numeric(40,2)", "'NaN'", "NaN"),
        // PostgreSQL 15+: a negative scale (the JDBC driver reports it as 65534: exact text), and
        // a scale above the precision.
        new TypeCase("c_numeric_negative_scale", "numeric(3,-2)", "12345", "12300"),
        new TypeCase("c_numeric_small", "numeric(2,4)", "0.0012", new BigDecimal("0.0012")),
        // interval: ISO-8601 with years, months, days and time apart, every microsecond kept.
        new TypeCase(
            "c_interval",
            "interval",
            "'1 year 2 mons -3 days 04:05:06.789012'",
            "P1Y2M-3DT4H5M6.789012S"),
        new TypeCase(
            "c_interval_neg", "interval", "'-1 mons -00:00:00.000001'", "P0Y-1M0DT0H0M-0.000001S"),
        new TypeCase("c_interval_hours", "interval", "'100 hours'", "P0Y0M0DT100H0M0S"),
        // Geometric types: point as WKB, the others in PostgreSQL's text form.
        new TypeCase("c_point", "point", "'(1.5,-2)'", ByteBuffer.wrap(wkbPoint(1.5, -2))),
        new TypeCase("c_box", "box", "'(1,2),(3.5,-4)'", "(3.5,2),(1,-4)"),
        new TypeCase("c_circle", "circle", "'<(1,2),0.1>'", "<(1,2),0.1>"),
        new TypeCase("c_line", "line", "'{1,-1,0}'", "{1,-1,0}"),
        new TypeCase("c_lseg", "lseg", "'[(0,0),(1e20,0.00001)]'", "[(0,0),(1e+20,1e-05)]"),
        new TypeCase("c_path_open", "path", "'[(0,0),(1,1),(2,0)]'", "[(0,0),(1,1),(2,0)]"),
        new TypeCase("c_path_closed", "path", "'((0,0),(1,1))'", "((0,0),(1,1))"),
        new TypeCase(
            "c_polygon",
            "polygon",
            "'((0,0),(0,1.5),(0.30000000000000004,0))'",
            "((0,0),(0,1.5),(0.30000000000000004,0))"),
        // Composite types: PostgreSQL's text form of the row.
        new TypeCase("c_pair", "pair", "ROW(1, 'x y')", "(1,\"x y\")"),
        // A type Debezium does not know: the bytes of its text, not left out.
        new TypeCase(
            "c_lsn",
            "pg_lsn",
            "'16/B374D848'",
            ByteBuffer.wrap("16/B374D848".getBytes(StandardCharsets.UTF_8))),
        // One-dimensional arrays: Iceberg lists, NULL elements and empty arrays kept.
        new TypeCase("c_int_array", "integer[]", "'{1,NULL,-3}'", Arrays.asList(1, null, -3)),
        new TypeCase("c_int_array_empty", "integer[]", "'{}'", List.of()),
        new TypeCase("c_smallint_array", "smallint[]", "'{-32768,32767}'", List.of(-32768, 32767)),
        new TypeCase(
            "c_bigint_array",
            "bigint[]",
            "'{9223372036854775807,NULL}'",
            Arrays.asList(Long.MAX_VALUE, null)),
        new TypeCase(
            "c_text_array",
            "text[]",
            "'{\"a,b\",NULL,\"\",Grüße}'",
            Arrays.asList("a,b", null, "", "Grüße")),
        new TypeCase("c_varchar_array", "varchar(10)[]", "'{x,\"y z\"}'", List.of("x", "y z")),
        new TypeCase("c_bool_array", "boolean[]", "'{t,f,NULL}'", Arrays.asList(true, false, null)),
        new TypeCase("c_real_array", "real[]", "'{1.5,-0.25}'", List.of(1.5f, -0.25f)),
        new TypeCase(
            "c_double_array", "double precision[]", "'{2.25,1e300}'", List.of(2.25d, 1e300)),
        new TypeCase(
            "c_numeric_array",
            "numeric(6,2)[]",
            "'{1.50,NULL,-9999.99}'",
            Arrays.asList(new BigDecimal("1.50"), null, new BigDecimal("-9999.99"))),
        new TypeCase(
            "c_date_array",
            "date[]",
            "'{2024-02-29,NULL}'",
            Arrays.asList(LocalDate.of(2024, 2, 29), null)),
        new TypeCase(
            "c_time_array",
            "time(6)[]",
            "'{23:59:59.123456}'",
            List.of(LocalTime.of(23, 59, 59, 123_456_000))),
        new TypeCase(
            "c_timestamp_array",
            "timestamp(6)[]",
            "'{\"1999-12-31 23:59:59.999999\"}'",
            List.of(LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000))),
        new TypeCase(
            "c_timestamptz_array",
            "timestamptz[]",
            "'{\"2024-03-10 02:30:00.000001+00\"}'",
            List.of(OffsetDateTime.of(2024, 3, 10, 2, 30, 0, 1_000, ZoneOffset.UTC))),
        new TypeCase(
            "c_uuid_array",
            "uuid[]",
            "'{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}'",
            List.of(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))),
        new TypeCase(
            "c_jsonb_array",
            "jsonb[]",
            "ARRAY['{\"a\": 1}'::jsonb, NULL]",
            Arrays.asList("{\"a\": 1}", null)),
        new TypeCase(
            "c_bytea_array",
            "bytea[]",
            "ARRAY['\\x00ff'::bytea, NULL]",
            Arrays.asList(ByteBuffer.wrap(new byte[] {0, -1}), null)),
        new TypeCase("c_enum_array", "mood[]", "'{happy,sad}'", List.of("happy", "sad")),
        // Arrays Debezium drops or rounds, read from their text by cdc-sync.
        new TypeCase(
            "c_numeric_any_array",
            "numeric[]",
            "'{1.50,NaN,-Infinity,NULL}'",
            Arrays.asList("1.50", "NaN", "-Infinity", null)),
        new TypeCase(
            "c_interval_array",
            "interval[]",
            "'{\"1 year 2 mons -3 days 04:05:06.789012\",NULL}'",
            Arrays.asList("P1Y2M-3DT4H5M6.789012S", null)),
        new TypeCase(
            "c_point_array",
            "point[]",
            "'{\"(1.5,-2)\",NULL}'",
            Arrays.asList(ByteBuffer.wrap(wkbPoint(1.5, -2)), null)),
        new TypeCase(
            "c_box_array",
            "box[]",
            "'{(1,1),(0,0);(3.5,2),(1,-4)}'",
            List.of("(1,1),(0,0)", "(3.5,2),(1,-4)")),
        new TypeCase(
            "c_polygon_array",
            "polygon[]",
            "ARRAY['((0,0),(1,1),(1,0))'::polygon]",
            List.of("((0,0),(1,1),(1,0))")),
        new TypeCase("c_name_array", "name[]", "'{pg,\"a b\"}'", List.of("pg", "a b")),
        new TypeCase("c_varbit_array", "varbit[]", "'{101,NULL}'", Arrays.asList("101", null)),
        new TypeCase("c_xml_array", "xml[]", "ARRAY['<a>1</a>'::xml]", List.of("<a>1</a>")),
        // Arrays declared with several dimensions: PostgreSQL's text form.
        new TypeCase("c_int_matrix", "integer[][]", "'{{1,2},{3,NULL}}'", "{{1,2},{3,NULL}}"),
        new TypeCase(
            "c_text_matrix",
            "text[][]",
            "'{{a,\"b c\"},{NULL,\"\"}}'",
            "{{a,\"b c\"},{NULL,\"\"}}"));
  }

  /**
   * PostgreSQL does not enforce an array column's declared dimensions: a two-dimensional value in
   * an {@code integer[]} column fits no list, and stops the pipeline naming the column and the fix
   * (Debezium alone would write a list of NULLs).
   */
  @Test
  void aValueWithMoreDimensionsThanItsColumnStopsNamingTheColumn() throws Exception {
    String database = database() + "_dims";
    TestDatabaseServer server = server();
    server.createDatabase(database);
    List<String> statements = new ArrayList<>(setup(database));
    statements.add("CREATE TABLE grid (id INT PRIMARY KEY, cells integer[])");
    statements.addAll(afterCreate("grid"));
    statements.add("INSERT INTO grid VALUES (1, '{{1,2},{3,4}}')");
    server.execute(database, statements.toArray(String[]::new));
    Path pipelineFile =
        PipelineFiles.write(
            work.resolve(database + ".yaml"),
            server,
            USER,
            "${E2E_PASSWORD}",
            database,
            sourceOptions(database),
            work.resolve("warehouse"),
            "1s",
            List.of());

    try (CdcSyncProcess cdcSync =
        CdcSyncProcess.start(work, Map.of("E2E_PASSWORD", PASSWORD), pipelineFile.toString())) {
      assertThat(cdcSync.waitFor(120)).as(cdcSync.describe()).isEqualTo(ExitCodes.RUNTIME_FAILURE);
      assertThat(cdcSync.errors())
          .containsPattern(
              "Error: Cannot replicate column \\S*public\\.grid\\.cells: its value '\\{\\{1,2\\},\\{3,4\\}\\}'"
                  + " has several dimensions, which a list does not hold; declare the column with its dimensions");
    }
  }

  /** OGC WKB of a 2D point, little-endian, as Debezium builds it. */
  private static byte[] wkbPoint(double x, double y) {
    return ByteBuffer.allocate(21)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put((byte) 1)
        .putInt(1)
        .putDouble(x)
        .putDouble(y)
        .array();
  }

  @Override
  protected List<String> sourceOptions(String database) {
    return List.of("tables: " + database + ".public.\\.*", "slot.name: slot_" + database);
  }

  @Override
  protected String sinkNamespace(String database) {
    return "public";
  }

  @Override
  protected String pipelineUser() {
    return USER;
  }

  @Override
  protected String pipelinePassword() {
    return PASSWORD;
  }
}
