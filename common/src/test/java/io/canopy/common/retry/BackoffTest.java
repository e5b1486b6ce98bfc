package io.canopy.common.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  /** A "random" source that always returns the same fraction. */
  private static RandomGenerator fixed(double fraction) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        throw new UnsupportedOperationException();
      }

      @Override
      public double nextDouble() {
        return fraction;
      }
    };
  }

  @Test
  void delay_doublesPerAttemptUpToTheMax() {
    Backoff highest = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), fixed(0.999999));

    assertThat(highest.delay(0)).isBetween(Duration.ofMillis(99), Duration.ofMillis(100));
    assertThat(highest.delay(1)).isBetween(Duration.ofMillis(199), Duration.ofMillis(200));
    assertThat(highest.delay(3)).isBetween(Duration.ofMillis(799), Duration.ofMillis(800));
    assertThat(highest.delay(4)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
    assertThat(highest.delay(500)).isBetween(Duration.ofMillis(999), Duration.ofSeconds(1));
  }

  @Test
  void delay_jitterNeverGoesBelowHalf() {
    Backoff lowest = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), fixed(0.0));

    assertThat(lowest.delay(0)).isEqualTo(Duration.ofMillis(50));
    assertThat(lowest.delay(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(lowest.delay(64)).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void create_maxBelowInitial_isRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), fixed(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
