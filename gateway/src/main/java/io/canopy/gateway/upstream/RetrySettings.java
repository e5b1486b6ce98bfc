package io.canopy.gateway.upstream;

import java.time.Duration;

/**
 * Upstream retry and hedging settings ({@code gateway.upstream.retry.*}, {@code
 * gateway.upstream.hedging.delay}).
 *
 * @param maxAttempts attempts in all, the first included (1: no retries)
 * @param initialBackoff first backoff, doubled each attempt, each wait drawn between half and all
 *     of it (Canopy's one {@link io.canopy.common.retry.Backoff})
 * @param maxBackoff longest backoff
 * @param budgetRatio retries allowed per request over the window (0.2: 20 % extra load)
 * @param budgetMinRetries retries always allowed per window, so a quiet gateway still retries
 * @param budgetWindow the sliding window of the budget
 * @param hedgingDelay after this long without an answer a second attempt is sent (0: never)
 */
public record RetrySettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double budgetRatio,
    int budgetMinRetries,
    Duration budgetWindow,
    Duration hedgingDelay) {

  public RetrySettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "gateway.upstream.retry.max-attempts: " + maxAttempts + " must be >= 1");
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException(
          "gateway.upstream.retry.initial-backoff: " + initialBackoff + " must be positive");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "gateway.upstream.retry.max-backoff: " + maxBackoff + " is below initial-backoff");
    }
    if (budgetRatio < 0 || budgetRatio > 1) {
      throw new IllegalArgumentException(
          "gateway.upstream.retry.budget-ratio: " + budgetRatio + " not in [0, 1]");
    }
    if (budgetMinRetries < 0) {
      throw new IllegalArgumentException(
          "gateway.upstream.retry.budget-min-retries: " + budgetMinRetries + " < 0");
    }
    if (budgetWindow.isNegative() || budgetWindow.isZero()) {
      throw new IllegalArgumentException(
          "gateway.upstream.retry.budget-window: " + budgetWindow + " must be positive");
    }
    if (hedgingDelay.isNegative()) {
      throw new IllegalArgumentException(
          "gateway.upstream.hedging.delay: " + hedgingDelay + " is negative");
    }
  }
}
