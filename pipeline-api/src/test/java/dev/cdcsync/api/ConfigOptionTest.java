package dev.cdcsync.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigOptionTest {

  enum StartupMode {
    INITIAL,
    LATEST_OFFSET
  }

  private static final ConfigOption<Duration> INTERVAL =
      ConfigOption.optional(
          "checkpoint.interval", Duration.class, Duration.ofSeconds(30), "Interval");
  private static final ConfigOption<StartupMode> MODE =
      ConfigOption.optional("scan.startup.mode", StartupMode.class, StartupMode.INITIAL, "Mode");
  private static final ConfigOption<Boolean> ENABLED =
      ConfigOption.optional("scan.snapshot.enabled", Boolean.class, true, "Enabled");
  private static final ConfigOption<Integer> PORT =
      ConfigOption.optional("port", Integer.class, 3306, "Port");
  private static final ConfigOption<Long> SERVER_ID =
      ConfigOption.optional("server-id", Long.class, null, "Server id");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "30s, PT30S",
    "500ms, PT0.5S",
    "5min, PT5M",
    "5 min, PT5M",
    "1h, PT1H",
    "2d, PT48H",
    "10 seconds, PT10S",
    "3 minutes, PT3M",
    "1 hour, PT1H",
    "15 SEC, PT15S",
    "PT10S, PT10S",
    "pt1m30s, PT1M30S",
    "P1D, PT24H",
    "1500, PT1.5S",
    "0, PT0S",
    "'  45s  ', PT45S"
  })
  void parsesDurations(String text, Duration expected) {
    assertThat(INTERVAL.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"1.5h", "-5s", "5 fortnights", "s", "", "PT", "10s5m", "99999999999999999999ms"})
  void rejectsWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> INTERVAL.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a duration such as 30s, 500ms, 5min, 1h but got '" + text + "'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "latest-offset",
        "latest_offset",
        "LATEST_OFFSET",
        "Latest-Offset",
        " latest-OFFSET "
      })
  void matchesEnumsInAnyCaseWithDashesOrUnderscores(String text) {
    assertThat(MODE.parse(text)).isEqualTo(StartupMode.LATEST_OFFSET);
  }

  @ParameterizedTest
  @ValueSource(strings = {"latest offset", "latestoffset", "earliest", "", "1"})
  void rejectsWhatIsNoConstantOfTheEnum(String text) {
    assertThatThrownBy(() -> MODE.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected one of [initial, latest_offset] but got '" + text + "'");
  }

  @ParameterizedTest
  @CsvSource({"true, true", "TRUE, true", "False, false", "' false ', false"})
  void parsesTrueAndFalseInAnyCase(String text, boolean expected) {
    assertThat(ENABLED.parse(text)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "no", "on", "off", "1", "0", "t", "truee", ""})
  void acceptsNoOtherBooleans(String text) {
    assertThatThrownBy(() -> ENABLED.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected true or false but got '" + text + "'");
  }

  @Test
  void parsesIntegersAndLongs() {
    assertThat(PORT.parse(" 3307 ")).isEqualTo(3307);
    assertThat(SERVER_ID.parse("5400123456")).isEqualTo(5_400_123_456L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2147483648", "3306.0", "0x10", "many", ""})
  void rejectsWhatIsNotAnInteger(String text) {
    assertThatThrownBy(() -> PORT.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected an integer but got '" + text + "'");
  }

  @Test
  void rejectsALongOutOfRange() {
    assertThatThrownBy(() -> SERVER_ID.parse("9223372036854775808"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected an integer but got '9223372036854775808'");
  }

  @Test
  void masksTheValueOfASecret() {
    ConfigOption<Integer> pin = ConfigOption.optional("pin", Integer.class, null, "PIN").asSecret();

    assertThatThrownBy(() -> pin.parse("12ab34"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected an integer but got ******")
        .message()
        .doesNotContain("12ab34");
  }

  @Test
  void keepsEverythingButSecrecyWhenMadeSecret() {
    ConfigOption<String> password = ConfigOption.required("password", String.class, "Password");
    ConfigOption<String> secret = password.asSecret();

    assertThat(describe(secret))
        .isEqualTo(describe(password).replace("secret=false", "secret=true"));
    assertThat(describe(password))
        .isEqualTo("password String default=Optional.empty required=true secret=false: Password");
  }

  @Test
  void declaresOptionalOptionsWithTheirDefault() {
    assertThat(describe(INTERVAL))
        .isEqualTo(
            "checkpoint.interval Duration default=Optional[PT30S] required=false secret=false:"
                + " Interval");
    assertThat(SERVER_ID.defaultValue()).isEqualTo(Optional.empty());
  }

  @Test
  void describesEachValueType() {
    assertThat(INTERVAL.typeDescription()).isEqualTo("a duration such as 30s, 500ms, 5min, 1h");
    assertThat(MODE.typeDescription()).isEqualTo("one of [initial, latest_offset]");
    assertThat(ENABLED.typeDescription()).isEqualTo("true or false");
    assertThat(PORT.typeDescription()).isEqualTo("an integer");
    assertThat(SERVER_ID.typeDescription()).isEqualTo("an integer");
    assertThat(ConfigOption.required("hostname", String.class, "Host").typeDescription())
        .isEqualTo("a string");
  }

  @Test
  void showsItsKey() {
    assertThat(PORT).hasToString("port");
  }

  @Test
  void needsAKeyATypeAndADescription() {
    assertThatThrownBy(() -> ConfigOption.required(null, String.class, "Host"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key");
    assertThatThrownBy(() -> ConfigOption.required("hostname", null, "Host"))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("type");
    assertThatThrownBy(() -> ConfigOption.required("hostname", String.class, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("description");
  }

  private static String describe(ConfigOption<?> option) {
    return option.key()
        + " "
        + option.type().getSimpleName()
        + " default="
        + option.defaultValue()
        + " required="
        + option.isRequired()
        + " secret="
        + option.isSecret()
        + ": "
        + option.description();
  }
}
