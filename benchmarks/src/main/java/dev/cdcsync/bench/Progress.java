package dev.cdcsync.bench;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Tells the person waiting what the benchmark is doing, on stderr (stdout carries the results). */
final class Progress {

  private Progress() {}

  static void say(String message) {
    System.err.println(
        "[bench " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + message);
  }
}
