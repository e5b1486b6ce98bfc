package io.canopy.monitor.log;

/**
 * Whether a request is in a sample: a hash of its id (mixed with a seed) below the sample rate. The
 * same id always gets the same answer, so a request's primary and shadow predictions (and a hedged
 * call's two answers) are recorded together or not at all, and a monitor's read sample holds the
 * same requests for every version and every refresh. Different seeds give independent samples: the
 * monitor's read sample ({@link #READS}) is not skewed by serving's recording sample ({@link
 * #RECORDING}).
 */
public final class Sampling {

  /** Serving's per-model sample rate. */
  public static final long RECORDING = 0;

  /** The monitor's bounded reads (monitor.max-rows). */
  public static final long READS = 0x5DEECE66DL;

  private Sampling() {}

  public static boolean sampled(String requestId, double rate, long seed) {
    if (rate >= 1) {
      return true;
    }
    if (rate <= 0) {
      return false;
    }
    long h = (requestId.hashCode() ^ seed) * 0x9E3779B97F4A7C15L;
    h ^= h >>> 29;
    h *= 0xBF58476D1CE4E5B9L;
    h ^= h >>> 32;
    return (h >>> 11) * 0x1.0p-53 < rate;
  }
}
