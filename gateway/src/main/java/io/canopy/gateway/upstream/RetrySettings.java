package io.canopy.gateway.upstream;

import java.time.Duration;

/**
 * Upstream retry settings ({@code gateway.upstream.retry.*}).
 *
 * @param maxAttempts attempts in all, the first included (1: no retries)
 * @param initialBackoff first backoff, doubled each attempt with ±50 % jitter
 * @param maxBackoff longest backoff
 * @param budgetRatio retries allowed per request over the window (0.2: 20 % extra load)
 * @param budgetMinRetries retries always allowed per window, so a quiet gateway still retries
 * @param budgetWindow the sliding window of the budget
 */
public record RetrySettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double budgetRatio,
    int budgetMinRetries,
    Duration budgetWindow) {

  public RetrySettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("gateway.upstream.retry.max-attempts: " + maxAttempts + " must be >= 1");
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("gateway.upstream.retry.initial-backoff: " + initialBackoff + " must be positive");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("gateway.upstream.retry.max-backoff: " + maxBackoff + " is below initial-backoff");
    }
    if (budgetRatio < 0 || budgetRatio > 1) {
      throw new IllegalArgumentException("gateway.upstream.retry.budget-ratio: " + budgetRatio + " not in [0, 1]");
    }
    if (budgetMinRetries < 0) {
      throw new IllegalArgumentException("gateway.upstream.retry.budget-min-retries: " + budgetMinRetries + " < 0");
    }
    if (budgetWindow.isNegative() || budgetWindow.isZero()) {
      throw new IllegalArgumentException("gateway.upstream.retry.budget-window: " + budgetWindow + " must be positive");
    }
  }
}
