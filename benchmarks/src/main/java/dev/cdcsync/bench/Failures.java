package dev.cdcsync.bench;

/** Turns an exception into the line the result table shows for a failed scenario. */
final class Failures {

  private Failures() {}

  static String describe(Throwable failure) {
    StringBuilder text =
        new StringBuilder(failure.getClass().getSimpleName() + ": " + failure.getMessage());
    Throwable cause = failure.getCause();
    while (cause != null && cause != failure) {
      text.append("; caused by ")
          .append(cause.getClass().getSimpleName())
          .append(": ")
          .append(cause.getMessage());
      failure = cause;
      cause = cause.getCause();
    }
    return text.toString();
  }
}
