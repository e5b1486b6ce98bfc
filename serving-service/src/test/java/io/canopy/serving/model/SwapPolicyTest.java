package io.canopy.serving.model;

import static io.canopy.serving.model.SwapPolicy.Held.LOADED;
import static io.canopy.serving.model.SwapPolicy.Held.LOADING;
import static io.canopy.serving.model.SwapPolicy.Held.NOT_LOADABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.serving.model.SwapPolicy.Held;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hot-swap policy as a table, one model "m" whose alias "production" moves (the way TF Serving
 * tests its availability-preserving policy): given the alias's target in the registry, what it
 * served before, what is loaded and what is READY, which version it serves now and which versions
 * leave.
 */
class SwapPolicyTest {

  private static final long GRACE = 10;

  /**
   * @param target the alias's target in the registry
   * @param before what the alias served in the last snapshot (0: it did not exist)
   * @param held per version, what this process has
   * @param notReady versions the registry no longer lists as READY
   * @param referencedToo versions referenced besides the alias (a split, the shadow, latest)
   * @param unreferencedFor per version, how long ago it stopped being kept (absent: just now)
   * @param grace the retire grace
   * @param serves the version the alias serves now
   * @param dropped the versions whose slots go
   * @param lingering the loaded versions kept only for the grace
   */
  record Case(
      String name,
      long target,
      long before,
      Map<Long, Held> held,
      Set<Long> notReady,
      Set<Long> referencedToo,
      Map<Long, Long> unreferencedFor,
      long grace,
      long serves,
      Set<Long> dropped,
      Set<Long> lingering) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
            new Case(
                "first version, loading: served as soon as asked (nothing older)",
                1,
                0,
                Map.of(1L, LOADING),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                1,
                Set.of(),
                Set.of()),
            new Case(
                "steady: target loaded and served, nothing leaves",
                1,
                1,
                Map.of(1L, LOADED),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                1,
                Set.of(),
                Set.of()),
            new Case(
                "alias moved, new target loading: the old version keeps serving",
                2,
                1,
                Map.of(1L, LOADED, 2L, LOADING),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                1,
                Set.of(),
                Set.of()),
            new Case(
                "alias moved, new target loaded: it serves; the old one lingers for the grace",
                2,
                1,
                Map.of(1L, LOADED, 2L, LOADED),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                2,
                Set.of(),
                Set.of(1L)),
            new Case(
                "the old one past the grace: retired",
                2,
                2,
                Map.of(1L, LOADED, 2L, LOADED),
                Set.of(),
                Set.of(),
                Map.of(1L, GRACE),
                GRACE,
                2,
                Set.of(1L),
                Set.of()),
            new Case(
                "no grace: the old one retires as soon as the new one serves",
                2,
                1,
                Map.of(1L, LOADED, 2L, LOADED),
                Set.of(),
                Set.of(),
                Map.of(),
                0,
                2,
                Set.of(1L),
                Set.of()),
            new Case(
                "new target failed to load: the old version keeps serving",
                2,
                1,
                Map.of(1L, LOADED, 2L, NOT_LOADABLE),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                1,
                Set.of(),
                Set.of()),
            new Case(
                "old version no longer READY (archived): the alias follows the registry",
                2,
                1,
                Map.of(1L, LOADED, 2L, LOADING),
                Set.of(1L),
                Set.of(),
                Map.of(),
                GRACE,
                2,
                Set.of(),
                Set.of(1L)),
            new Case(
                "old version not loaded (it failed): the alias follows the registry",
                2,
                1,
                Map.of(1L, NOT_LOADABLE, 2L, LOADING),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                2,
                Set.of(1L),
                Set.of()),
            new Case(
                "rolled back to a version still loaded: served at once, the newer one lingers",
                1,
                2,
                Map.of(1L, LOADED, 2L, LOADED),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                1,
                Set.of(),
                Set.of(2L)),
            new Case(
                "a version a split still references never leaves",
                2,
                2,
                Map.of(1L, LOADED, 2L, LOADED),
                Set.of(),
                Set.of(1L),
                Map.of(1L, GRACE),
                GRACE,
                2,
                Set.of(),
                Set.of()),
            new Case(
                "a load in progress for a version nothing references any more: dropped",
                1,
                1,
                Map.of(1L, LOADED, 3L, LOADING),
                Set.of(),
                Set.of(),
                Map.of(),
                GRACE,
                1,
                Set.of(3L),
                Set.of()))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decide_table(Case c) {
    Map<VersionKey, Held> held = new HashMap<>();
    Set<VersionKey> ready = new HashSet<>();
    c.held()
        .forEach(
            (v, h) -> {
              held.put(key(v), h);
              if (!c.notReady().contains(v)) {
                ready.add(key(v));
              }
            });
    Set<VersionKey> referenced = new HashSet<>();
    referenced.add(key(c.target()));
    c.referencedToo().forEach(v -> referenced.add(key(v)));
    long now = 1_000;
    Map<VersionKey, Long> since = new HashMap<>();
    c.unreferencedFor().forEach((v, ago) -> since.put(key(v), now - ago));
    Map<String, Map<String, Long>> previous =
        c.before() == 0 ? Map.of() : Map.of("m", Map.of("production", c.before()));

    SwapPolicy.Decision d =
        SwapPolicy.decide(
            new SwapPolicy.Input(
                Map.of("m", Map.of("production", c.target())),
                previous,
                referenced,
                held,
                ready,
                since,
                now,
                c.grace()));

    assertThat(d.served()).containsEntry("m", Map.of("production", c.serves()));
    assertThat(d.drop()).containsExactlyInAnyOrderElementsOf(keys(c.dropped()));
    assertThat(d.lingering().keySet()).containsExactlyInAnyOrderElementsOf(keys(c.lingering()));
  }

  @org.junit.jupiter.api.Test
  void decide_deletedModel_retiresItsVersionsAtOnce() {
    SwapPolicy.Decision d =
        SwapPolicy.decide(
            new SwapPolicy.Input(
                Map.of(), // the model is gone from the registry
                Map.of("m", Map.of("production", 1L)),
                Set.of(),
                Map.of(key(1), LOADED),
                Set.of(key(1)),
                Map.of(),
                0,
                GRACE));

    assertThat(d.drop()).containsExactly(key(1));
    assertThat(d.lingering()).isEmpty();
  }

  private static VersionKey key(long v) {
    return new VersionKey("m", v);
  }

  private static Set<VersionKey> keys(Set<Long> versions) {
    Set<VersionKey> out = new HashSet<>();
    versions.forEach(v -> out.add(key(v)));
    return out;
  }
}
