package dev.cdcsync.bench;

import java.util.Arrays;

/** Percentiles of a set of measurements, by the nearest-rank method. */
final class Percentiles {

  private final double[] sorted;

  private Percentiles(double[] sorted) {
    this.sorted = sorted;
  }

  static Percentiles of(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("Cannot compute percentiles: no values");
    }
    double[] copy = values.clone();
    Arrays.sort(copy);
    return new Percentiles(copy);
  }

  /**
   * The smallest value that at least {@code percent} percent of the values do not exceed.
   *
   * @param percent in (0, 100]
   */
  double at(double percent) {
    if (!(percent > 0 && percent <= 100)) {
      throw new IllegalArgumentException(
          "Cannot compute percentile: expected (0, 100] but got " + percent);
    }
    int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  int count() {
    return sorted.length;
  }
}
