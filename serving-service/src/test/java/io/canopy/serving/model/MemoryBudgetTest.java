package io.canopy.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  private static final VersionKey A = new VersionKey("a", 1);
  private static final VersionKey B = new VersionKey("b", 1);
  private static final VersionKey C = new VersionKey("c", 1);

  private static List<MemoryBudget.Resident> residents(boolean bEvictable) {
    return List.of(
        new MemoryBudget.Resident(A, 30, 3, true),
        new MemoryBudget.Resident(B, 30, 1, bEvictable),
        new MemoryBudget.Resident(C, 30, 2, true));
  }

  @Test
  void evictions_whenItFits_none() {
    assertThat(MemoryBudget.evictions(100, 50, 50, () -> residents(true))).isEmpty();
  }

  @Test
  void evictions_leastRecentlyUsedFirst_onlyAsManyAsNeeded() {
    assertThat(MemoryBudget.evictions(100, 90, 40, () -> residents(true))).containsExactly(B);
    assertThat(MemoryBudget.evictions(100, 90, 70, () -> residents(true))).containsExactly(B, C);
  }

  @Test
  void evictions_skipWhatIsPinnedOrBusy() {
    assertThat(MemoryBudget.evictions(100, 90, 40, () -> residents(false))).containsExactly(C);
  }

  @Test
  void evictions_whenEvictingEverythingEvictableIsNotEnough_null() {
    assertThat(MemoryBudget.evictions(100, 90, 80, () -> residents(false))).isNull();
    assertThat(MemoryBudget.evictions(100, 0, 101, List::of)).isNull();
  }
}
