package dev.cdcsync.runtime.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cdcsync.api.ConfigOption;
import dev.cdcsync.runtime.schema.SchemaChangeBehavior;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {

  /** What a declaration promises, apart from its description. */
  record Declared(
      String key, Class<?> type, Optional<?> defaultValue, boolean required, boolean secret) {

    static Declared of(ConfigOption<?> option) {
      return new Declared(
          option.key(),
          option.type(),
          option.defaultValue(),
          option.isRequired(),
          option.isSecret());
    }
  }

  @Test
  void pinsEveryOptionAndItsDefault() {
    assertThat(PipelineOptions.ALL.stream().map(Declared::of).toList())
        .containsExactly(
            new Declared("name", String.class, Optional.empty(), false, false),
            new Declared(
                "checkpoint.interval",
                Duration.class,
                Optional.of(Duration.ofSeconds(30)),
                false,
                false),
            new Declared("state.location", String.class, Optional.empty(), false, false),
            new Declared(
                "schema.change.behavior",
                SchemaChangeBehavior.class,
                Optional.of(SchemaChangeBehavior.LENIENT),
                false,
                false),
            new Declared(
                "route-mode",
                PipelineOptions.RouteMode.class,
                Optional.of(PipelineOptions.RouteMode.ALL_MATCH),
                false,
                false),
            new Declared(
                "local-time-zone",
                java.time.ZoneId.class,
                Optional.of(java.time.ZoneOffset.UTC),
                false,
                false),
            new Declared(
                "execution.runtime-mode",
                PipelineOptions.RuntimeMode.class,
                Optional.of(PipelineOptions.RuntimeMode.STREAMING),
                false,
                false),
            new Declared("parallelism", Integer.class, Optional.of(1), false, false),
            new Declared("operator.uid.prefix", String.class, Optional.empty(), false, false),
            new Declared("schema.operator.uid", String.class, Optional.empty(), false, false),
            new Declared(
                "schema-operator.rpc-timeout",
                Duration.class,
                Optional.of(Duration.ofMinutes(3)),
                false,
                false));
  }

  @Test
  void marksTheOptionsOfFlinksJobGraphAsWithoutEffect() {
    assertThat(
            PipelineOptions.ALL.stream()
                .filter(option -> option.noEffectReason().isPresent())
                .map(ConfigOption::key))
        .containsExactly(
            "parallelism",
            "operator.uid.prefix",
            "schema.operator.uid",
            "schema-operator.rpc-timeout");
  }

  @Test
  void describesEveryOption() {
    assertThat(PipelineOptions.ALL)
        .allSatisfy(option -> assertThat(option.description()).as(option.key()).isNotBlank());
  }

  @Test
  void listsEveryDeclaredOptionInAll() {
    List<ConfigOption<?>> declared =
        Arrays.stream(PipelineOptions.class.getDeclaredFields())
            .filter(field -> field.getType() == ConfigOption.class)
            .filter(field -> Modifier.isStatic(field.getModifiers()))
            .map(PipelineOptionsTest::valueOf)
            .toList();

    assertThat(PipelineOptions.ALL).containsExactlyInAnyOrderElementsOf(declared);
  }

  private static ConfigOption<?> valueOf(Field field) {
    try {
      return (ConfigOption<?>) field.get(null);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }
}
