package io.canopy.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.MutableClock;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ShadowTarget;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RouterTest {

  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RoutingTable table = new RoutingTable(Duration.ofSeconds(10), clock);
  private final SplittableRandom random = new SplittableRandom(42);
  private final Router router = new Router(table, random::nextDouble);

  private static Model.Builder model() {
    return Model.newBuilder()
        .setName("m")
        .putAliases("production", 3)
        .putAliases("canary", 4)
        .setLatestVersion(5);
  }

  private static PredictRequest.Builder request() {
    return PredictRequest.newBuilder().setModel("m");
  }

  private static TrafficPolicy.Builder split(int productionPercent, int v4Percent) {
    return TrafficPolicy.newBuilder()
        .addSplits(TrafficSplit.newBuilder().setAlias("production").setPercent(productionPercent))
        .addSplits(TrafficSplit.newBuilder().setVersion(4).setPercent(v4Percent));
  }

  @Test
  void route_explicitVersion_isKeptEvenForUnknownModels() {
    assertThat(router.route(request().setModel("other").setVersion(9).build()))
        .isEqualTo(new Route(9, "version", 0));
  }

  @Test
  void route_versionBelowOneOrEmptyAlias_isInvalidArgumentNamingTheSelector() {
    for (long v : new long[] {0, -1, Long.MIN_VALUE}) {
      assertThatThrownBy(() -> router.route(request().setVersion(v).build()))
          .isInstanceOfSatisfying(
              io.canopy.common.error.CanopyException.InvalidArgument.class,
              e -> assertThat(e.field()).isEqualTo("version"));
    }
    assertThatThrownBy(() -> router.route(request().setAlias("").build()))
        .isInstanceOfSatisfying(
            io.canopy.common.error.CanopyException.InvalidArgument.class,
            e -> assertThat(e.field()).isEqualTo("alias"));
  }

  @Test
  void route_unknownModel_passesTheSelectorThrough() {
    assertThat(router.route(request().setAlias("canary").build()).resolved()).isFalse();
  }

  @Test
  void route_alias_resolvesThroughTheModel_andLatestIsTheNewestReady() {
    table.replaceAll(List.of(model().build()), 1);
    assertThat(router.route(request().setAlias("canary").build()).version()).isEqualTo(4);
    assertThat(router.route(request().setAlias("latest").build()).version()).isEqualTo(5);
  }

  @Test
  void route_unknownAlias_isNotFound() {
    table.replaceAll(List.of(model().build()), 1);
    assertThatThrownBy(() -> router.route(request().setAlias("nope").build()))
        .isInstanceOf(CanopyException.NotFound.class)
        // Serving's wording, word for word (common/names/Missing): the caller cannot tell which
        // of the two found the alias missing.
        .hasMessage("model 'm' has no alias 'nope'");
  }

  @Test
  void route_noSelectorNoProductionNoReadyVersion_isFailedPreconditionLikeServing() {
    table.replaceAll(List.of(Model.newBuilder().setName("m").build()), 1);
    assertThatThrownBy(() -> router.route(request().build()))
        .isInstanceOf(CanopyException.FailedPrecondition.class)
        .hasMessage("model 'm' has no production alias and no READY version");
  }

  @Test
  void route_noSelectorNoPolicy_isProductionElseLatest() {
    table.replaceAll(List.of(model().build()), 1);
    assertThat(router.route(request().build())).isEqualTo(new Route(3, "production", 0));
    table.upsert(model().clearAliases().build(), 2);
    assertThat(router.route(request().build())).isEqualTo(new Route(5, "latest", 0));
  }

  @Test
  void route_aliasJustMoved_carriesThePreviousTargetForTheWindowOnly() {
    table.replaceAll(List.of(model().build()), 1);
    assertThat(router.route(request().setAlias("production").build()).fallbackVersion()).isZero();
    table.upsert(model().putAliases("production", 4).build(), 2);
    clock.advance(Duration.ofSeconds(9));
    assertThat(router.route(request().setAlias("production").build()))
        .isEqualTo(new Route(4, "alias", 0, 3));
    assertThat(router.route(request().build())).isEqualTo(new Route(4, "production", 0, 3));
    // Aliases that did not move have none, and an unrelated change keeps the move's time.
    assertThat(router.route(request().setAlias("canary").build()).fallbackVersion()).isZero();
    table.upsert(model().putAliases("production", 4).setDescription("x").build(), 3);
    assertThat(router.route(request().setAlias("production").build()).fallbackVersion())
        .isEqualTo(3);
    clock.advance(Duration.ofSeconds(1));
    assertThat(router.route(request().setAlias("production").build()).fallbackVersion()).isZero();
  }

  @Test
  void route_latestMoved_carriesTheOldLatest_butExplicitVersionsAndSplitsNever() {
    table.replaceAll(List.of(model().clearAliases().build()), 1);
    table.upsert(model().clearAliases().setLatestVersion(6).build(), 2);
    assertThat(router.route(request().build())).isEqualTo(new Route(6, "latest", 0, 5));
    assertThat(router.route(request().setVersion(6).build()).fallbackVersion()).isZero();
    table.upsert(model().putAliases("production", 4).setTrafficPolicy(split(100, 0)).build(), 3);
    assertThat(router.route(request().build())).isEqualTo(new Route(4, "split", 0, 0));
  }

  @Test
  void route_aliasMovedBack_hasTheLatestMoveOnly_andAZeroWindowNever() {
    table.replaceAll(List.of(model().build()), 1);
    table.upsert(model().putAliases("production", 4).build(), 2);
    table.upsert(model().build(), 3);
    assertThat(router.route(request().build())).isEqualTo(new Route(3, "production", 0, 4));
    RoutingTable off = new RoutingTable(Duration.ZERO, clock);
    off.replaceAll(List.of(model().build()), 1);
    off.upsert(model().putAliases("production", 4).build(), 2);
    assertThat(new Router(off, random::nextDouble).route(request().build()).fallbackVersion())
        .isZero();
  }

  @Test
  void routingTable_negativeWindow_isRejectedNamingTheKey() {
    assertThatThrownBy(() -> new RoutingTable(Duration.ofMillis(-1), clock))
        .hasMessageContaining("gateway.routing.alias-fallback-window");
  }

  @Test
  void route_weightedSplit_honoursWeightsWithinTwoPercentOver10000Requests() {
    table.replaceAll(List.of(model().setTrafficPolicy(split(70, 30)).build()), 1);
    Map<Long, Integer> counts = new HashMap<>();
    for (int i = 0; i < 10_000; i++) {
      counts.merge(router.route(request().build()).version(), 1, Integer::sum);
    }
    assertThat(counts.keySet()).containsExactlyInAnyOrder(3L, 4L);
    assertThat(counts.get(3L) / 10_000.0).isCloseTo(0.70, within(0.02));
    assertThat(counts.get(4L) / 10_000.0).isCloseTo(0.30, within(0.02));
  }

  @Test
  void route_stickyKey_alwaysReachesTheSameVersion_andKeysSpreadByWeight() {
    table.replaceAll(List.of(model().setTrafficPolicy(split(50, 50).setSticky(true)).build()), 1);
    Map<Long, Integer> counts = new HashMap<>();
    for (int user = 0; user < 10_000; user++) {
      PredictRequest r = request().setRoutingKey("user-" + user).build();
      long first = router.route(r).version();
      for (int again = 0; again < 3; again++) {
        assertThat(router.route(r).version()).isEqualTo(first);
      }
      counts.merge(first, 1, Integer::sum);
    }
    assertThat(counts.get(3L) / 10_000.0).isCloseTo(0.50, within(0.02));
  }

  @Test
  void route_shadow_isSampledAtItsRate_andNeverTheServingVersion() {
    TrafficPolicy policy =
        split(100, 0)
            .clearSplits()
            .addSplits(TrafficSplit.newBuilder().setVersion(3).setPercent(100))
            .setShadow(ShadowTarget.newBuilder().setVersion(4).setSampleRate(0.25))
            .build();
    table.replaceAll(List.of(model().setTrafficPolicy(policy).build()), 1);
    int shadowed = 0;
    for (int i = 0; i < 10_000; i++) {
      Route route = router.route(request().build());
      assertThat(route.version()).isEqualTo(3);
      if (route.shadowVersion() == 4) {
        shadowed++;
      }
    }
    assertThat(shadowed / 10_000.0).isCloseTo(0.25, within(0.02));
  }

  @Test
  void route_modelDeleted_passesThroughAgain() {
    table.replaceAll(List.of(model().build()), 1);
    table.delete("m", 2);
    assertThat(router.route(request().build()).resolved()).isFalse();
    assertThat(table.revision()).isEqualTo(2);
  }
}
