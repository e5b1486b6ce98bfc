package io.canopy.serving.recording;

import java.util.Set;

/**
 * How one model's predictions are recorded.
 *
 * @param sampleRate share of requests recorded, 0 to 1 (decided by the request id, so a request's
 *     primary and shadow predictions are recorded together or not at all)
 * @param allow features recorded; empty for all
 * @param deny features never recorded (wins over allow)
 * @param hashEntityKeys entity keys recorded as "sha256:<hex>" instead of in clear
 */
public record ModelRecording(
    double sampleRate, Set<String> allow, Set<String> deny, boolean hashEntityKeys) {

  public ModelRecording {
    if (!(sampleRate >= 0 && sampleRate <= 1)) {
      throw new IllegalArgumentException("sample-rate: " + sampleRate + " is outside 0-1");
    }
    allow = Set.copyOf(allow);
    deny = Set.copyOf(deny);
  }

  boolean records(String feature) {
    return !deny.contains(feature) && (allow.isEmpty() || allow.contains(feature));
  }
}
