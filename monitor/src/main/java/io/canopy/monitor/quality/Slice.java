package io.canopy.monitor.quality;

import io.canopy.proto.monitor.v1.PredictionRecord;
import io.canopy.proto.monitor.v1.RecordedFeature;
import java.util.List;

/**
 * A feature that a model's quality is broken down by: each distinct value is a slice (a region
 * code), or, with {@code edges}, each band between consecutive edges (an age band).
 *
 * @param feature the feature's name in the records
 * @param edges ascending band edges; empty for one slice per value
 */
public record Slice(String feature, List<Double> edges) {

  public Slice {
    if (feature == null || feature.isBlank()) {
      throw new IllegalArgumentException("a slice needs a feature name");
    }
    edges = List.copyOf(edges);
    for (int i = 1; i < edges.size(); i++) {
      if (!(edges.get(i) > edges.get(i - 1))) {
        throw new IllegalArgumentException(
            "slice " + feature + ": edges " + edges + " must be strictly ascending");
      }
    }
  }

  /** The bucket {@code record} falls in, or null when the record lacks the feature. */
  public String bucket(PredictionRecord record) {
    for (RecordedFeature f : record.getFeaturesList()) {
      if (f.getName().equals(feature)) {
        return bucket(f.getValue());
      }
    }
    return null;
  }

  String bucket(float value) {
    if (Float.isNaN(value)) {
      return "missing";
    }
    if (edges.isEmpty()) {
      return value == Math.rint(value) && Math.abs(value) < 1e15
          ? Long.toString((long) value)
          : Float.toString(value);
    }
    if (value < edges.get(0)) {
      return "< " + format(edges.get(0));
    }
    for (int i = 1; i < edges.size(); i++) {
      if (value < edges.get(i)) {
        return "[" + format(edges.get(i - 1)) + ", " + format(edges.get(i)) + ")";
      }
    }
    return ">= " + format(edges.get(edges.size() - 1));
  }

  private static String format(double edge) {
    return edge == Math.rint(edge) ? Long.toString((long) edge) : Double.toString(edge);
  }
}
