package dev.cdcsync.runtime.transform;

import static dev.cdcsync.runtime.transform.TransformFixture.eval;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cdcsync.api.PermanentPipelineException;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrivacyFunctionsTest {

  @Test
  void sha256KnownVectors() {
    assertThat(eval("SHA256('abc')"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(eval("SHA256('')"))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(eval("SHA256('a', 'bc')")).isEqualTo(eval("SHA256('abc')"));
    assertThat(eval("SHA256(bin)")).isEqualTo(eval("SHA256('hi')"));
    assertThat(eval("SHA256(id)")).isEqualTo(eval("SHA256('7')"));
    assertThat(eval("SHA256(nothing)")).isNull();
    assertThat(eval("SHA256('a', nothing)")).isNull();
  }

  @Test
  void hmacSha256KnownVectorWithTheKeyFromTheEnvironment() {
    assertThat(eval("HMAC_SHA256('The quick brown fox jumps over the lazy dog', 'HMAC_KEY')"))
        .isEqualTo("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
    assertThat(eval("HMAC_SHA256(nothing, 'HMAC_KEY')")).isNull();
  }

  @Test
  void hmacSha256WithoutTheVariableFailsAtCompileNamingItButNoKey() {
    Map<String, String> environment = Map.of("EMPTY", "");
    for (String variable : new String[] {"MISSING", "EMPTY"}) {
      assertThatThrownBy(
              () ->
                  TransformProgram.compile(
                      "transform rule 2 (line 20)",
                      "HMAC_SHA256(name, '" + variable + "') AS h",
                      null,
                      TransformFixture.SCHEMA,
                      environment::get,
                      Clock.systemUTC()))
          .isInstanceOf(PermanentPipelineException.class)
          .hasMessage(
              "Cannot compile projection of transform rule 2 (line 20): HMAC_SHA256: environment"
                  + " variable "
                  + variable
                  + " is not set or empty; set it to the HMAC key at line 1, column 19:"
                  + " HMAC_SHA256(name, '"
                  + variable
                  + "') AS h");
    }
  }

  @Test
  void maskAndRedact() {
    assertThat(eval("MASK(name)")).isEqualTo("************");
    assertThat(eval("MASK('4111111111111111', 4)")).isEqualTo("************1111");
    assertThat(eval("MASK('ab', 5)")).isEqualTo("ab");
    assertThat(eval("MASK('h\u00e9\uD83D\uDE00', 1)")).isEqualTo("**\uD83D\uDE00");
    assertThat(eval("MASK(nothing)")).isNull();
    assertThat(eval("MASK(nothing, 2)")).isNull();
    assertThat(eval("REDACT(name)")).isEqualTo("[REDACTED]");
    assertThat(eval("REDACT(id)")).isEqualTo("[REDACTED]");
    assertThat(eval("REDACT(nothing)")).isNull();
  }
}
