package io.canopy.common.metrics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps model and version labels of metrics bounded. A name or version number comes from a client,
 * and every new one used to add a meter series that was never removed: only names that exist (per
 * the service's view of the registry) become labels, the rest fold into {@value #UNKNOWN}; each
 * metric takes at most {@code maxPerMetric} model/version pairs, later ones fold into {@value
 * #OTHER}; and {@link #forget} drops a deleted model's pairs, so its slots are free again (the
 * service removes its meters at the same time).
 */
public final class MetricLabels {

  /** The label of a model or version that does not exist. */
  public static final String UNKNOWN = "_unknown";

  /** The label of pairs past a metric's cap. */
  public static final String OTHER = "_other";

  /** What exists now. */
  public interface Known {
    boolean hasModel(String name);

    boolean hasVersion(String model, long version);
  }

  /** The labels to record with. */
  public record Labels(String model, String version) {}

  private final Known known;
  private final int maxPerMetric;
  private final Map<String, Set<Labels>> perMetric = new ConcurrentHashMap<>();

  /**
   * @param maxPerMetric model/version pairs one metric may carry ({@code
   *     <service>.metrics.max-series-per-metric})
   */
  public MetricLabels(Known known, int maxPerMetric) {
    if (maxPerMetric < 1) {
      throw new IllegalArgumentException(
          "max-series-per-metric: " + maxPerMetric + " must be at least 1");
    }
    this.known = known;
    this.maxPerMetric = maxPerMetric;
  }

  /**
   * The labels for {@code model} and {@code version} on {@code metric}. A version of "", "0" or
   * "none" (no version resolved) stays as it is.
   */
  public Labels of(String metric, String model, String version) {
    Labels labels;
    if (!known.hasModel(model)) {
      labels = new Labels(UNKNOWN, noVersion(version) ? version : UNKNOWN);
    } else if (noVersion(version) || knownVersion(model, version)) {
      labels = new Labels(model, version);
    } else {
      labels = new Labels(model, UNKNOWN);
    }
    Set<Labels> seen = perMetric.computeIfAbsent(metric, m -> ConcurrentHashMap.newKeySet());
    if (seen.contains(labels)) {
      return labels;
    }
    synchronized (seen) {
      if (seen.size() < maxPerMetric || seen.contains(labels)) {
        seen.add(labels);
        return labels;
      }
    }
    return new Labels(OTHER, OTHER);
  }

  /** Forgets every pair of {@code model} (it was deleted). */
  public void forget(String model) {
    for (Set<Labels> seen : perMetric.values()) {
      synchronized (seen) {
        seen.removeIf(l -> l.model().equals(model));
      }
    }
  }

  /** Forgets one version's pairs (it was retired or deleted). */
  public void forget(String model, String version) {
    for (Set<Labels> seen : perMetric.values()) {
      synchronized (seen) {
        seen.removeIf(l -> l.model().equals(model) && l.version().equals(version));
      }
    }
  }

  private boolean knownVersion(String model, String version) {
    try {
      return known.hasVersion(model, Long.parseLong(version));
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean noVersion(String version) {
    return version.isEmpty() || version.equals("0") || version.equals("none");
  }
}
