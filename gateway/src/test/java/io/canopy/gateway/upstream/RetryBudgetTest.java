package io.canopy.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

  private final AtomicLong now = new AtomicLong();
  private final RetryBudget budget = new RetryBudget(0.2, 2, Duration.ofSeconds(10), now::get);

  @Test
  void tryRetry_allowsTheFloorPlusTwentyPercentOfRequests() {
    for (int i = 0; i < 100; i++) {
      budget.onRequest();
    }
    int allowed = 0;
    while (budget.tryRetry()) {
      allowed++;
    }
    assertThat(allowed).isEqualTo(22);
  }

  @Test
  void tryRetry_refillsOnceTheWindowHasPassed() {
    for (int i = 0; i < 10; i++) {
      budget.onRequest();
    }
    while (budget.tryRetry()) {
      // spend it all
    }
    assertThat(budget.tryRetry()).isFalse();
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(budget.tryRetry()).isTrue();
  }
}
