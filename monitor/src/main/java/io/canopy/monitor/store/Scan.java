package io.canopy.monitor.store;

import io.canopy.monitor.log.Sampling;

/**
 * What a bounded read of a window saw: the predictions that matched, and the share of them it read.
 * A window with at most {@code maxRows} predictions is read whole ({@code share == 1}); a larger
 * one through a uniform sample of about {@code maxRows} of them, chosen by a hash of the request id
 * — the same requests for every version (so a shadow's pairs stay pairs) and every refresh (so
 * figures do not flicker). Rows left out are never parsed, so a read's time and memory follow
 * {@code maxRows}, not the window's size.
 *
 * @param matched predictions in the window
 * @param share the share read, in (0, 1]
 */
public record Scan(long matched, double share) {

  /** Whether a read keeps the row of {@code requestId}. */
  public boolean keeps(String requestId) {
    return Sampling.sampled(requestId, share, Sampling.READS);
  }

  /** Whether every row was read. */
  public boolean whole() {
    return share >= 1;
  }
}
