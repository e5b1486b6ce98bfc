package io.canopy.registry.store;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Whether the S3 bucket can be reached, for readiness. Every operation reports what it saw; when
 * the last word is older than the probe interval, a readiness check starts one probe (HeadBucket)
 * in the background and answers with what is known, so a slow or blackholed endpoint never stalls a
 * health check, and the registry turns ready again by itself once the bucket answers.
 */
final class S3Health {

  private static final Logger LOG = Logger.getLogger(S3Health.class.getName());

  private final BooleanSupplier probe;
  private final Executor probes;
  private final LongSupplier nanoTime;
  private final long intervalNanos;
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile boolean reachable = true;
  private volatile long checkedAt;

  /**
   * @param probe a cheap request to the bucket: true when it answered
   * @param probes runs the probe off the caller's thread
   */
  S3Health(BooleanSupplier probe, Executor probes, long intervalNanos, LongSupplier nanoTime) {
    this.probe = probe;
    this.probes = probes;
    this.intervalNanos = intervalNanos;
    this.nanoTime = nanoTime;
    this.checkedAt = nanoTime.getAsLong();
  }

  /** What is known now; starts a background probe when that is older than the interval. */
  boolean reachable() {
    if (nanoTime.getAsLong() - checkedAt >= intervalNanos && probing.compareAndSet(false, true)) {
      try {
        probes.execute(
            () -> {
              try {
                record(probe.getAsBoolean(), null);
              } finally {
                probing.set(false);
              }
            });
      } catch (RejectedExecutionException e) {
        probing.set(false); // shutting down
      }
    }
    return reachable;
  }

  void succeeded() {
    record(true, null);
  }

  void failed(Throwable cause) {
    record(false, cause);
  }

  private void record(boolean ok, Throwable cause) {
    checkedAt = nanoTime.getAsLong();
    if (ok != reachable) {
      reachable = ok;
      if (ok) {
        LOG.info("the S3 artifact store answers again; the registry is ready");
      } else {
        LOG.warning(
            "the S3 artifact store cannot be reached"
                + (cause == null ? "" : " (" + cause + ")")
                + "; the registry reports not-ready until it answers");
      }
    }
  }
}
