package dev.cdcsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfOneToHundred() {
    double[] values = new double[100];
    for (int i = 0; i < 100; i++) {
      values[i] = 100 - i; // unsorted on purpose
    }
    Percentiles percentiles = Percentiles.of(values);

    assertThat(percentiles.at(50)).isEqualTo(50);
    assertThat(percentiles.at(99)).isEqualTo(99);
    assertThat(percentiles.at(100)).isEqualTo(100);
    assertThat(percentiles.at(0.5)).isEqualTo(1);
    assertThat(percentiles.count()).isEqualTo(100);
  }

  @Test
  void smallSamplesRoundTheRankUp() {
    Percentiles percentiles = Percentiles.of(new double[] {30, 10, 20});

    assertThat(percentiles.at(50)).isEqualTo(20);
    assertThat(percentiles.at(99)).isEqualTo(30);
    assertThat(Percentiles.of(new double[] {7}).at(50)).isEqualTo(7);
  }

  @Test
  void refusesNoValuesAndPercentsOutOfRange() {
    assertThatThrownBy(() -> Percentiles.of(new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot compute percentiles: no values");
    assertThatThrownBy(() -> Percentiles.of(new double[] {1}).at(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot compute percentile: expected (0, 100] but got 0.0");
  }
}
