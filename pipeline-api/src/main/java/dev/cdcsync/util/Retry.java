package dev.cdcsync.util;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Runs an action again after it failed: at most {@link #attempts} times, after a pause that doubles
 * from a first one up to a longest one, only for the failures {@link #onlyOn} accepts, with a hook
 * before each new attempt (to log, to refresh what the action reads). The one retry loop of
 * cdc-sync: commits, listings, connections. Immutable; each {@code run} counts afresh.
 */
public final class Retry {

  /** The work to try. */
  @FunctionalInterface
  public interface Action<T, E extends Exception> {
    T run() throws E;
  }

  /** Called before each new attempt, after the pause. */
  @FunctionalInterface
  public interface BeforeRetry {
    /**
     * @param failure what the previous attempt threw
     * @param attempt the number of the attempt about to start, from 2
     */
    void retrying(Exception failure, int attempt);
  }

  private static final BeforeRetry NOTHING = (failure, attempt) -> {};

  private final int attempts;
  private final Duration firstPause;
  private final Duration longestPause;
  private final Predicate<Exception> retriable;
  private final BeforeRetry beforeRetry;

  private Retry(
      int attempts,
      Duration firstPause,
      Duration longestPause,
      Predicate<Exception> retriable,
      BeforeRetry beforeRetry) {
    if (attempts < 1) {
      throw new IllegalArgumentException(
          "Cannot retry: attempts must be at least 1 but is " + attempts);
    }
    this.attempts = attempts;
    this.firstPause = Objects.requireNonNull(firstPause, "firstPause");
    this.longestPause = Objects.requireNonNull(longestPause, "longestPause");
    this.retriable = Objects.requireNonNull(retriable, "retriable");
    this.beforeRetry = Objects.requireNonNull(beforeRetry, "beforeRetry");
  }

  /** Up to {@code attempts} tries in all, without pauses, on any exception. */
  public static Retry attempts(int attempts) {
    return new Retry(attempts, Duration.ZERO, Duration.ZERO, failure -> true, NOTHING);
  }

  /** The same, pausing {@code first} before the second try, doubling up to {@code longest}. */
  public Retry pausing(Duration first, Duration longest) {
    return new Retry(attempts, first, longest, retriable, beforeRetry);
  }

  /** The same, retrying only failures of these types; any other ends the run at once. */
  @SafeVarargs
  public final Retry onlyOn(Class<? extends Exception>... types) {
    return onlyIf(
        failure -> {
          for (Class<? extends Exception> type : types) {
            if (type.isInstance(failure)) {
              return true;
            }
          }
          return false;
        });
  }

  /** The same, retrying only failures {@code retriable} accepts. */
  public Retry onlyIf(Predicate<Exception> retriable) {
    return new Retry(attempts, firstPause, longestPause, retriable, beforeRetry);
  }

  /** The same, calling {@code hook} before each new attempt. */
  public Retry beforeRetry(BeforeRetry hook) {
    return new Retry(attempts, firstPause, longestPause, retriable, hook);
  }

  /** The pause before attempt {@code attempt} (from 2): the first pause, doubled, at most the longest. */
  public Duration pauseBefore(int attempt) {
    Duration pause = firstPause.multipliedBy(1L << Math.min(Math.max(attempt - 2, 0), 30));
    return pause.compareTo(longestPause) > 0 ? longestPause : pause;
  }

  private static boolean isInterruption(Exception failure) {
    return failure instanceof InterruptedException || failure instanceof InterruptedIOException;
  }

  /**
   * Runs {@code action} until it returns or the attempts are used up; an interruption is never
   * retried.
   *
   * @throws E the last failure, the first one not to be retried, or the one before a pause that
   *     was interrupted (the thread's interrupt flag is then set again)
   */
  public <T, E extends Exception> T run(Action<T, E> action) throws E {
    for (int attempt = 1; ; attempt++) {
      try {
        return action.run();
      } catch (Exception failure) {
        if (attempt >= attempts || !retriable.test(failure) || isInterruption(failure)) {
          throw failure;
        }
        Duration pause = pauseBefore(attempt + 1);
        if (!pause.isZero()) {
          try {
            Thread.sleep(pause.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
          }
        }
        beforeRetry.retrying(failure, attempt + 1);
      }
    }
  }
}
