package io.canopy.serving.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The memory budget's one decision, as a pure function: which resident versions leave so that
 * another fits. The least recently used first, and never a pinned version or one with requests in
 * flight (the caller marks those not evictable). Eviction itself is the hot swap's mechanism: the
 * version is retired and frees itself when its last lease closes.
 */
final class MemoryBudget {

  /** A resident version as the budget sees it. */
  record Resident(VersionKey key, long charge, long lastUsed, boolean evictable) {}

  private MemoryBudget() {}

  /**
   * The versions to evict so that {@code need} more bytes fit within {@code budget} while {@code
   * charged} are charged: empty when it fits as is; null when evicting every evictable version
   * would still not make room. The residents are listed only when something must go.
   */
  static List<VersionKey> evictions(
      long budget, long charged, long need, Supplier<Collection<Resident>> resident) {
    long over = charged + need - budget;
    if (over <= 0) {
      return List.of();
    }
    List<Resident> candidates = new ArrayList<>();
    for (Resident r : resident.get()) {
      if (r.evictable()) {
        candidates.add(r);
      }
    }
    candidates.sort(Comparator.comparingLong(Resident::lastUsed));
    List<VersionKey> out = new ArrayList<>();
    for (Resident r : candidates) {
      if (over <= 0) {
        break;
      }
      out.add(r.key());
      over -= r.charge();
    }
    return over <= 0 ? out : null;
  }
}
