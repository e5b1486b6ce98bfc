package io.canopy.serving.recording;

/**
 * Whether a request is recorded: a hash of its id below the sample rate. The same id always gets
 * the same answer, so a request's primary and shadow predictions (and a hedged call's two answers)
 * are recorded together or not at all.
 */
final class Sampling {

  private Sampling() {}

  static boolean sampled(String requestId, double rate) {
    if (rate >= 1) {
      return true;
    }
    if (rate <= 0) {
      return false;
    }
    long h = requestId.hashCode() * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return (h >>> 11) * 0x1.0p-53 < rate;
  }
}
