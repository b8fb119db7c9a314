package dev.cdcsync.runtime.transform;

import dev.cdcsync.api.DataTypeRoot;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Functions for personal data (beyond Flink CDC). Text is hashed as UTF-8, BINARY as its bytes,
 * other types as their CAST to STRING. NULL in gives NULL out.
 */
final class PrivacyFunctions {

  private static final HexFormat HEX = HexFormat.of();
  private static final String REDACTED = "[REDACTED]";

  private PrivacyFunctions() {}

  /** SHA256(x [, salt]): lowercase hex of SHA-256 over the bytes of x followed by those of salt. */
  static Typed sha256(Call call) {
    Evaluator bytes = bytes(call, 0);
    Evaluator salted =
        call.size() == 1
            ? bytes
            : Operators.strict(bytes, call.string(1), (b, s) -> concat((byte[]) b, (String) s));
    return call.result(
        Types.STRING, Operators.strict(salted, b -> HEX.formatHex(digest((byte[]) b))));
  }

  /**
   * HMAC_SHA256(x, 'ENV_VAR'): lowercase hex of HMAC-SHA-256 keyed with the UTF-8 bytes of the
   * environment variable, read once when the rule is compiled.
   */
  static Typed hmacSha256(Call call) {
    call.require(1, "the name of an environment variable", DataTypeRoot.STRING);
    Object variable = call.constantValue(1, "the name of the environment variable");
    if (variable == null) {
      throw call.error(1, "the name of the environment variable must not be NULL");
    }
    String key = call.environment().apply((String) variable);
    if (key == null || key.isEmpty()) {
      throw call.error(
          1, "environment variable " + variable + " is not set or empty; set it to the HMAC key");
    }
    SecretKeySpec secret = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    Evaluator bytes = bytes(call, 0);
    return call.result(
        Types.STRING, Operators.strict(bytes, b -> HEX.formatHex(hmac(secret, (byte[]) b))));
  }

  /** MASK(x): every character becomes '*'; MASK(x, n) keeps the last n characters. */
  static Typed mask(Call call) {
    Evaluator text = call.text(0);
    Evaluator keep = call.size() == 2 ? call.integer(1) : (row, context) -> 0;
    if (call.size() == 2 && call.argument(1).constant()) {
      Object n = call.argument(1).value();
      if (n != null && (Integer) n < 0) {
        throw call.error(1, "the number of characters to keep must not be negative");
      }
    }
    return call.result(
        Types.STRING, Operators.strict(text, keep, (s, n) -> mask((String) s, (Integer) n)));
  }

  private static String mask(String s, int keep) {
    if (keep < 0) {
      throw new EvaluationException("MASK: the number of characters to keep is negative");
    }
    int points = s.codePointCount(0, s.length());
    int masked = Math.max(0, points - keep);
    return "*".repeat(masked) + s.substring(s.offsetByCodePoints(0, masked));
  }

  /** REDACT(x): '[REDACTED]' for any value, NULL for NULL. */
  static Typed redact(Call call) {
    return call.result(
        Types.STRING, Operators.strict(call.argument(0).evaluator(), value -> REDACTED));
  }

  private static Evaluator bytes(Call call, int index) {
    if (call.argument(index).is(DataTypeRoot.BINARY)) {
      return call.argument(index).evaluator();
    }
    return Operators.strict(call.text(index), s -> ((String) s).getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] concat(byte[] value, String salt) {
    byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[value.length + saltBytes.length];
    System.arraycopy(value, 0, all, 0, value.length);
    System.arraycopy(saltBytes, 0, all, value.length, saltBytes.length);
    return all;
  }

  private static byte[] digest(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot hash: the JVM has no SHA-256", e);
    }
  }

  private static byte[] hmac(SecretKeySpec key, byte[] bytes) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Cannot compute HMAC: the JVM has no HmacSHA256", e);
    }
  }
}
