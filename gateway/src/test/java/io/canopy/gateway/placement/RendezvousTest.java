package io.canopy.gateway.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RendezvousTest {

  private static final int MODELS = 2000;

  private static long[] replicas(int n) {
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      out[i] = Rendezvous.hash("10.0.0." + (i + 1) + ":9200");
    }
    return out;
  }

  /** The model's first k replicas, named by their hashes (positions change as replicas come). */
  private static Set<Long> set(String model, long[] replicas, int k) {
    int[] order = Rendezvous.rank(Rendezvous.hash(model), replicas);
    Set<Long> out = new HashSet<>();
    for (int i = 0; i < k; i++) {
      out.add(replicas[order[i]]);
    }
    return out;
  }

  @Test
  void rank_isAPermutation_theSameEveryTime() {
    long[] r = replicas(5);
    int[] order = Rendezvous.rank(Rendezvous.hash("tenant-42"), r);
    assertThat(Arrays.stream(order).sorted().toArray()).containsExactly(0, 1, 2, 3, 4);
    assertThat(Rendezvous.rank(Rendezvous.hash("tenant-42"), r)).containsExactly(order);
  }

  @Test
  void models_spreadEvenlyOverReplicas() {
    long[] r = replicas(3);
    int[] first = new int[3];
    for (int m = 0; m < MODELS; m++) {
      first[Rendezvous.rank(Rendezvous.hash("tenant-" + m), r)[0]]++;
    }
    for (int count : first) {
      assertThat(count).isBetween(MODELS / 3 - 100, MODELS / 3 + 100);
    }
  }

  @Test
  void aReplicaJoining_movesAboutKOverNOfTheModels_andLeavingMovesOnlyItsOwn() {
    long[] three = replicas(3);
    long[] four = replicas(4);
    int k = 2;
    int moved = 0;
    int movedByLeaving = 0;
    for (int m = 0; m < MODELS; m++) {
      String model = "tenant-" + m;
      Set<Long> before = set(model, three, k);
      Set<Long> after = set(model, four, k);
      if (!before.equals(after)) {
        moved++;
        // The only change is the newcomer taking one place.
        assertThat(after).contains(four[3]);
      }
      if (!before.contains(four[3]) && !set(model, four, k).contains(four[3])) {
        movedByLeaving += before.equals(after) ? 0 : 1;
      }
    }
    // k/N = 2/4 of the models take the newcomer into their set.
    assertThat(moved).isBetween(MODELS / 2 - 120, MODELS / 2 + 120);
    // Leaving is the reverse: a model whose set did not hold the leaver keeps its set.
    assertThat(movedByLeaving).isZero();
  }

  @Test
  void width_growsWithLoadBeyondWhatTheSetCarries_andSlotsWalkTheSetThenPastIt() {
    PlacementSettings s = new PlacementSettings(2, 10);
    assertThat(PlacementLoadBalancer.width(s, 5, 0)).isEqualTo(2);
    assertThat(PlacementLoadBalancer.width(s, 5, 20)).isEqualTo(2);
    assertThat(PlacementLoadBalancer.width(s, 5, 21)).isEqualTo(3);
    assertThat(PlacementLoadBalancer.width(s, 5, 500)).isEqualTo(5);
    assertThat(PlacementLoadBalancer.width(s, 1, 0)).isEqualTo(1);

    int salt = 7;
    int first = PlacementLoadBalancer.slot(2, 5, 0, salt);
    int second = PlacementLoadBalancer.slot(2, 5, 1, salt);
    assertThat(Set.of(first, second)).containsExactlyInAnyOrder(0, 1);
    assertThat(PlacementLoadBalancer.slot(2, 5, 2, salt)).isEqualTo(2);
    assertThat(PlacementLoadBalancer.slot(2, 5, 4, salt)).isEqualTo(4);
    // Widened to 3, a hot model's first attempts land on any of its three.
    Set<Integer> widened = new java.util.HashSet<>();
    for (int callSalt = 0; callSalt < 30; callSalt++) {
      widened.add(PlacementLoadBalancer.slot(3, 5, 0, callSalt));
    }
    assertThat(widened).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void picks_sayWhetherTheyWereTheModelsOwn_aWidenedSpread_orPastTheSet() {
    PlacementSettings s = new PlacementSettings(2, 10);
    assertThat(PlacementLoadBalancer.kind(s, 5, 2, 1)).isEqualTo(Placement.Pick.OWN);
    assertThat(PlacementLoadBalancer.kind(s, 5, 2, 2)).isEqualTo(Placement.Pick.BEYOND);
    assertThat(PlacementLoadBalancer.kind(s, 5, 4, 2)).isEqualTo(Placement.Pick.SPREAD);
    assertThat(PlacementLoadBalancer.kind(s, 5, 4, 4)).isEqualTo(Placement.Pick.BEYOND);
    assertThat(PlacementLoadBalancer.kind(s, 1, 1, 0)).isEqualTo(Placement.Pick.OWN);
  }
}
