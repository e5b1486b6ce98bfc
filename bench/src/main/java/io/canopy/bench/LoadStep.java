package io.canopy.bench;

/**
 * One closed-loop load step against a candidate gateway: its throughput and latency, and the
 * upstream batches the candidate formed meanwhile (read from its own metrics).
 *
 * @param concurrency outstanding calls
 * @param requestsPerSecond completed calls (ok and failed) per second
 * @param p50Micros median latency of the successful calls
 * @param p99Micros 99th percentile of the successful calls (NaN when none succeeded)
 * @param errors failed calls
 * @param batches the candidate's upstream batches during the step, or {@link BatchStats#NONE}
 */
record LoadStep(
    int concurrency,
    double requestsPerSecond,
    double p50Micros,
    double p99Micros,
    long errors,
    BatchStats batches) {

  /** True when the step kept its p99 within {@code targetMicros} without an error. */
  boolean meets(double targetMicros) {
    return errors == 0 && !Double.isNaN(p99Micros) && p99Micros <= targetMicros;
  }
}
