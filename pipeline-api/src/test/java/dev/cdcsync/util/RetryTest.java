package dev.cdcsync.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryTest {

  @Test
  void triesAgainUntilTheActionSucceedsCallingTheHookBeforeEachNewAttempt() throws Exception {
    List<String> seen = new ArrayList<>();
    int[] calls = {0};

    String result =
        Retry.attempts(3)
            .beforeRetry((failure, attempt) -> seen.add(attempt + ": " + failure.getMessage()))
            .run(
                () -> {
                  if (++calls[0] < 3) {
                    throw new IOException("try " + calls[0]);
                  }
                  return "done";
                });

    assertThat(result).isEqualTo("done");
    assertThat(seen).containsExactly("2: try 1", "3: try 2");
  }

  @Test
  void throwsTheLastFailureOnceTheAttemptsAreUsedUp() {
    int[] calls = {0};
    assertThatThrownBy(
            () ->
                Retry.attempts(2)
                    .run(
                        () -> {
                          throw new IOException("try " + ++calls[0]);
                        }))
        .isInstanceOf(IOException.class)
        .hasMessage("try 2");
  }

  @Test
  void throwsAFailureItShouldNotRetryAtOnce() {
    int[] calls = {0};
    assertThatThrownBy(
            () ->
                Retry.attempts(5)
                    .onlyOn(IOException.class)
                    .run(
                        () -> {
                          calls[0]++;
                          throw new IllegalStateException("permanent");
                        }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("permanent");
    assertThat(calls[0]).isEqualTo(1);
  }

  @Test
  void doublesThePauseUpToTheLongest() {
    Retry retry = Retry.attempts(10).pausing(Duration.ofSeconds(1), Duration.ofSeconds(5));
    assertThat(
            List.of(
                retry.pauseBefore(2),
                retry.pauseBefore(3),
                retry.pauseBefore(4),
                retry.pauseBefore(5)))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5));
  }

  @Test
  void stopsPausingWhenInterruptedAndThrowsTheFailureWithTheFlagSet() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(
              () ->
                  Retry.attempts(3)
                      .pausing(Duration.ofMinutes(1), Duration.ofMinutes(1))
                      .run(
                          () -> {
                            throw new IOException("down");
                          }))
          .isInstanceOf(IOException.class)
          .hasMessage("down");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
