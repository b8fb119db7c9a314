package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.CLOCK;
import static dev.cdcsync.runtime.transform.TransformFixture.CONTEXT;
import static dev.cdcsync.runtime.transform.TransformFixture.ENVIRONMENT;
import static dev.cdcsync.runtime.transform.TransformFixture.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.Column;
import dev.cdcsync.api.ConfigurationException;
import dev.cdcsync.api.DataType;
import dev.cdcsync.api.DataTypeRoot;
import dev.cdcsync.api.PermanentPipelineException;
import dev.cdcsync.runtime.definition.ConfigValue;
import dev.cdcsync.runtime.definition.RuleDefinition;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.cdc.common.udf.UserDefinedFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User-defined functions from a jar the test compiles, loaded as the plugins are (a class loader of
 * their own that sees the JDK only, and Flink CDC's common jar for a Flink CDC function).
 */
class UserFunctionsTest {

  private static final String RULE = "transform rule 1 (line 12)";

  @TempDir static Path work;
  private static ClassLoader plugins;

  @BeforeAll
  static void buildTheFunctionsJar() throws Exception {
    Path flinkCdcCommon =
        Path.of(
            UserDefinedFunction.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar =
        TestJars.compile(
            work,
            "functions.jar",
            List.of(flinkCdcCommon),
            Map.of(
                "fn.Shout",
                """
                package fn;
                public class Shout {
                  public String eval(String text) { return text == null ? null : text.toUpperCase() + "!"; }
                  public void open() { System.setProperty("fn.shout", "open"); }
                  public void close() { System.setProperty("fn.shout", "closed"); }
                }
                """,
                "fn.IsOdd",
                """
                package fn;
                public class IsOdd {
                  public boolean eval(int number) { return number % 2 != 0; }
                  public boolean eval(long number) { return number % 2 != 0; }
                }
                """,
                "fn.Total",
                """
                package fn;
                import java.math.BigDecimal;
                public class Total {
                  public BigDecimal eval(BigDecimal price, int quantity) {
                    return price.multiply(BigDecimal.valueOf(quantity));
                  }
                }
                """,
                "fn.JoinAll",
                """
                package fn;
                public class JoinAll {
                  public String eval(String separator, String... parts) { return String.join(separator, parts); }
                }
                """,
                "fn.NoEval",
                """
                package fn;
                public class NoEval {
                  public String apply(String text) { return text; }
                }
                """,
                "fn.AddOne",
                """
                package fn;
                import org.apache.flink.cdc.common.types.DataType;
                import org.apache.flink.cdc.common.types.DataTypes;
                import org.apache.flink.cdc.common.udf.UserDefinedFunction;
                public class AddOne implements UserDefinedFunction {
                  public Object eval(Integer number) { return number + 1; }
                  @Override public DataType getReturnType() { return DataTypes.INT(); }
                }
                """));
    plugins =
        new URLClassLoader(
            new URL[] {jar.toUri().toURL(), flinkCdcCommon.toUri().toURL()},
            ClassLoader.getPlatformClassLoader());
  }

  @Test
  void functionsComputeProjectionsAndFilters() {
    UserFunctions functions =
        functions(
            "shout", "fn.Shout",
            "is_odd", "fn.IsOdd",
            "total", "fn.Total",
            "join_all", "fn.JoinAll",
            "add_one", "fn.AddOne");
    TransformProgram program =
        TransformProgram.compile(
            RULE,
            "id, shout(name) AS loud, total(price, qty) AS amount,"
                + " join_all('/', status, name, 'x') AS joined, add_one(qty) AS next_qty,"
                + " shout(nothing) AS quiet",
            "is_odd(id) AND is_odd(big + 1)",
            SCHEMA,
            ENVIRONMENT::get,
            CLOCK,
            functions);

    assertThat(program.outputColumns())
        .extracting(Column::name, Column::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("id", DataType.of(DataTypeRoot.INT)),
            org.assertj.core.groups.Tuple.tuple("loud", DataType.of(DataTypeRoot.STRING)),
            org.assertj.core.groups.Tuple.tuple("amount", DataType.decimal(38, 18)),
            org.assertj.core.groups.Tuple.tuple("joined", DataType.of(DataTypeRoot.STRING)),
            org.assertj.core.groups.Tuple.tuple("next_qty", DataType.of(DataTypeRoot.INT)),
            org.assertj.core.groups.Tuple.tuple("quiet", DataType.of(DataTypeRoot.STRING)));
    Object[] row = TransformFixture.row();
    assertThat(program.test(row, CONTEXT)).isTrue();
    assertThat(program.project(row, CONTEXT))
        .containsExactly(
            7,
            "ADA LOVELACE!",
            new BigDecimal("37.500000000000000000"),
            "paid/Ada Lovelace/x",
            4,
            null);
    assertThat(System.getProperty("fn.shout")).as("opened before the first row").isEqualTo("open");
    row[0] = 8;
    assertThat(program.test(row, CONTEXT)).isFalse();
    functions.close();
    assertThat(System.getProperty("fn.shout")).isEqualTo("closed");
    // The pipeline's next attempt (after a failure) compiles again: the function opens again.
    TransformProgram.compile(
        RULE, "shout(name) AS loud", null, SCHEMA, ENVIRONMENT::get, CLOCK, functions);
    assertThat(System.getProperty("fn.shout")).isEqualTo("open");
    functions.close();
  }

  @Test
  void callsAreTypeCheckedAgainstTheEvalMethods() {
    UserFunctions functions = functions("is_odd", "fn.IsOdd");
    assertThatThrownBy(
            () ->
                TransformProgram.compile(
                    RULE, null, "is_odd(name)", SCHEMA, ENVIRONMENT::get, CLOCK, functions))
        .isInstanceOf(PermanentPipelineException.class)
        .hasMessageContaining(
            "IS_ODD (pipeline.user-defined-function rule 1 (line 3)) has no eval method that"
                + " takes (STRING); it has eval(int), eval(long)");
    assertThatThrownBy(() -> TransformSyntax.check(RULE, "is_odd(id, qty) AS x", null, functions))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("IS_ODD takes no 2 arguments: it has eval(int), eval(long)");
    assertThatThrownBy(() -> TransformSyntax.check(RULE, "is_evn(id) AS x", null, functions))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown function IS_EVN");
  }

  @Test
  void refusesFunctionsItCannotUseNamingTheEntry() {
    assertThatThrownBy(() -> functions("missing", "fn.Missing"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage(
            "pipeline.user-defined-function rule 1 (line 3): class fn.Missing of function MISSING"
                + " is not found; put its jar among the plugins (the lib directory beside"
                + " cdc-sync.jar, --plugins DIR or CDC_SYNC_PLUGINS)");
    assertThatThrownBy(() -> functions("no_eval", "fn.NoEval"))
        .hasMessage(
            "pipeline.user-defined-function rule 1 (line 3): class fn.NoEval has no public eval"
                + " method");
    assertThatThrownBy(() -> functions("upper", "fn.Shout"))
        .hasMessageContaining("'UPPER' is a built-in function");
    assertThatThrownBy(() -> functions("shout", "fn.Shout", "SHOUT", "fn.Shout"))
        .hasMessageContaining("function 'SHOUT' is defined twice");
  }

  /**
   * Through a pipeline's transformer: a function in the filter and the projection of a rule. A
   * function's boolean is a Boolean of its own (reflection boxes it anew), true all the same.
   */
  @Test
  void aTransformRuleCallsFunctionsInItsFilterAndProjection() {
    UserFunctions functions = functions("shout", "fn.Shout", "is_odd", "fn.IsOdd");
    List<RuleDefinition> rules =
        new dev.cdcsync.runtime.definition.PipelineDefinitionParser(Map.<String, String>of()::get)
            .parse(
                """
                source:
                  type: mysql
                sink:
                  type: iceberg
                transform:
                  - source-table: shop.items
                    projection: id, shout(name) AS name
                    filter: is_odd(id)
                """,
                "p.yaml")
            .transforms();
    Transformer transformer =
        new Transformer(
            List.of(TransformRule.of(rules.get(0), "database.table", functions)),
            name -> null,
            CLOCK);
    dev.cdcsync.api.TableId items = dev.cdcsync.api.TableId.of("shop", "items");
    dev.cdcsync.api.Schema schema =
        dev.cdcsync.api.Schema.of(
            List.of(Column.of("id", DataTypeRoot.INT), Column.of("name", DataTypeRoot.STRING)),
            List.of("id"));
    dev.cdcsync.api.DataChangeEvent odd =
        transformer.apply(
            dev.cdcsync.api.DataChangeEvent.read(items, schema, new Object[] {1, "one"}, 0));
    assertThat(odd.after()).containsExactly(1, "ONE!");
    assertThat(
            transformer.apply(
                dev.cdcsync.api.DataChangeEvent.read(items, schema, new Object[] {2, "two"}, 0)))
        .isNull();
  }

  /** Functions from name/class pairs, as entries of a pipeline file starting on line 3. */
  private static UserFunctions functions(String... nameAndClass) {
    List<RuleDefinition> definitions = new ArrayList<>();
    for (int i = 0; i < nameAndClass.length; i += 2) {
      Map<String, ConfigValue> values = new LinkedHashMap<>();
      values.put("name", new ConfigValue(nameAndClass[i], 3 + i));
      values.put("classpath", new ConfigValue(nameAndClass[i + 1], 4 + i));
      definitions.add(
          new RuleDefinition(
              "pipeline.user-defined-function", definitions.size() + 1, 3 + i, values));
    }
    return UserFunctions.load(definitions, plugins);
  }
}
