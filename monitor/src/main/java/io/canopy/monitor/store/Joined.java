package io.canopy.monitor.store;

import io.canopy.proto.monitor.v1.PredictionRecord;

/**
 * A stored prediction with its outcome, or {@code outcome == null} when none arrived within the
 * join window.
 */
public record Joined(PredictionRecord record, Observed outcome) {

  /** A class label ({@code isLabel}) or an observed value. */
  public record Observed(boolean isLabel, long label, double value) {}
}
