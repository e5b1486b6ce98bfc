package io.canopy.common.metrics;

import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import java.util.Map;

/** Removes the meters that carry given tags: the series of a deleted model or version. */
public final class TaggedMeters {

  private TaggedMeters() {}

  /** Removes every meter of {@code registry} whose tags include all of {@code tags}; how many. */
  public static int remove(MeterRegistry registry, Map<String, String> tags) {
    int removed = 0;
    for (Meter meter :
        registry.meters(m -> m.id().tagsMap().entrySet().containsAll(tags.entrySet()))) {
      if (registry.remove(meter).isPresent()) {
        removed++;
      }
    }
    return removed;
  }
}
