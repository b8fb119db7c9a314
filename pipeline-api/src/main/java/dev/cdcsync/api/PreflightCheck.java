package dev.cdcsync.api;

import java.util.Objects;

/**
 * One thing a first run needs, as checked against the real database or warehouse.
 *
 * @param subject what was checked, e.g. {@code wal_level}
 * @param passed whether it is as needed
 * @param detail what was found; for a failed check, also how to fix it
 */
public record PreflightCheck(String subject, boolean passed, String detail) {

  public PreflightCheck {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(detail, "detail");
  }

  public static PreflightCheck passed(String subject, String detail) {
    return new PreflightCheck(subject, true, detail);
  }

  public static PreflightCheck failed(String subject, String detailAndFix) {
    return new PreflightCheck(subject, false, detailAndFix);
  }
}
