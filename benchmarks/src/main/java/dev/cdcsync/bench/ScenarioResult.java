package dev.cdcsync.bench;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One line of the result table.
 *
 * @param database postgres or mariadb
 * @param mode upsert or append
 * @param scenario what was measured, e.g. {@code snapshot}
 * @param throughput events and time; empty when the scenario failed before measuring
 * @param baselineRate the do-nothing consumer's events per second on the same data
 * @param latency source commit to visible, for the freshness scenario
 * @param resources the measured process's CPU and memory during the scenario
 * @param check whether Iceberg matched the source afterwards
 */
record ScenarioResult(
    String database,
    String mode,
    String scenario,
    Optional<Throughput> throughput,
    OptionalDouble baselineRate,
    Optional<Latency> latency,
    Optional<ResourceUsage> resources,
    CheckResult check) {

  ScenarioResult {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(throughput, "throughput");
    Objects.requireNonNull(baselineRate, "baselineRate");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(resources, "resources");
    Objects.requireNonNull(check, "check");
  }

  /**
   * Events and the time they took.
   *
   * @param seconds from cdc-sync's process start (snapshots) or the first source change
   * @param secondsWithoutJvmStart for snapshots: from cdc-sync's first log line instead
   */
  record Throughput(long events, double seconds, OptionalDouble secondsWithoutJvmStart) {

    double rate() {
      return events / seconds;
    }

    OptionalDouble rateWithoutJvmStart() {
      return secondsWithoutJvmStart.isPresent()
          ? OptionalDouble.of(events / secondsWithoutJvmStart.getAsDouble())
          : OptionalDouble.empty();
    }

    /** The rate to compare with the baseline, which has no JVM to start. */
    double comparableRate() {
      return rateWithoutJvmStart().orElse(rate());
    }
  }

  /** Delay from source commit to visible in Iceberg, in milliseconds. */
  record Latency(double p50Millis, double p99Millis, int transactions) {}

  /** A scenario that could not be measured. */
  static ScenarioResult failed(String database, String mode, String scenario, String reason) {
    return new ScenarioResult(
        database,
        mode,
        scenario,
        Optional.empty(),
        OptionalDouble.empty(),
        Optional.empty(),
        Optional.empty(),
        CheckResult.failed(reason));
  }

  /** This line with {@code usage} as its resources. */
  ScenarioResult withResources(ResourceUsage usage) {
    return new ScenarioResult(
        database, mode, scenario, throughput, baselineRate, latency, Optional.of(usage), check);
  }

  /** cdc-sync's rate as a fraction of the baseline's, when both are known. */
  OptionalDouble ratioToBaseline() {
    if (throughput.isEmpty() || baselineRate.isEmpty()) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(throughput.get().comparableRate() / baselineRate.getAsDouble());
  }
}
