package dev.cdcsync.bench;

import java.util.Objects;

/** Whether what cdc-sync wrote matches the source; a failure says what differs. */
record CheckResult(boolean passed, String detail) {

  CheckResult {
    Objects.requireNonNull(detail, "detail");
  }

  static CheckResult ok() {
    return new CheckResult(true, "");
  }

  static CheckResult failed(String detail) {
    return new CheckResult(false, detail);
  }

  /** This result, or the other one's failure if this one passed. */
  CheckResult and(CheckResult other) {
    return passed ? other : this;
  }

  String label() {
    return passed ? "OK" : "FAILED";
  }
}
