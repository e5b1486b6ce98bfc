package io.canopy.serving.model;

import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.serving.FakeRegistry;
import io.canopy.serving.Fixtures;
import io.canopy.serving.predict.PredictionKind;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica under a memory budget: what fits loads at start, the rest loads when asked for (once
 * however many requests wait), evicting the least recently used idle version; pinned versions and
 * versions with requests in flight are never evicted.
 */
class ModelManagerMemoryTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;
  private final FakeRegistry registry = new FakeRegistry();
  private final String registryName = InProcessServerBuilder.generateName();

  @BeforeEach
  void startRegistry() throws Exception {
    cleanup.register(
        InProcessServerBuilder.forName(registryName).addService(registry).build().start());
  }

  private ModelManager start(long budget) {
    return start(budget, cacheDir.resolve("cache"));
  }

  private ModelManager start(long budget, Path cache) {
    return start(budget, cache, 64);
  }

  private ModelManager start(long budget, Path cache, int maxInFlight) {
    ModelManager manager =
        new ModelManager(
            TestManagers.settings(cache, maxInFlight, Duration.ZERO, budget),
            cleanup.register(InProcessChannelBuilder.forName(registryName).build()),
            Clock.systemUTC());
    cleanup.register(manager);
    manager.start();
    return manager;
  }

  /** What one breast-cancer version is charged, measured by loading it alone. */
  private long oneCharge() {
    registry.addBreastCancer("probe", 1, BREAST_CANCER_UBJ);
    ModelManager manager = start(Long.MAX_VALUE, cacheDir.resolve("probe"));
    Await.until("ready", manager::isReady);
    long charge = manager.status("probe").get(0).chargedBytes();
    manager.close();
    registry.deleteModel("probe");
    return charge;
  }

  private static LoadState state(ModelManager manager, String model) {
    return manager.status(model).get(0).state();
  }

  private static Lease lease(ModelManager manager, String model) throws Exception {
    try {
      return manager.acquire(model, VersionSelector.DEFAULT);
    } catch (CanopyException.Unavailable e) {
      CompletableFuture<Void> loaded = manager.whenResident(model, VersionSelector.DEFAULT);
      assertThat(loaded).as("worth waiting for %s: %s", model, e.getMessage()).isNotNull();
      loaded.get(30, TimeUnit.SECONDS);
      return manager.acquire(model, VersionSelector.DEFAULT);
    }
  }

  @Test
  void budget_loadsWhatFits_thenOnDemandEvictingTheLeastRecentlyUsed() throws Exception {
    long charge = oneCharge();
    assertThat(charge).isGreaterThan(Fixtures.bytes(BREAST_CANCER_UBJ).length);
    long estimate = 0;
    for (String m : List.of("a", "b", "c")) {
      estimate = Charges.expected(registry.addBreastCancer(m, 1, BREAST_CANCER_UBJ));
    }
    // Two fit as estimated before their loads, three do not as charged after: midway, so neither
    // depends on how the flat forest's heap compares with the native model's.
    assertThat(2 * estimate).isLessThan(3 * charge);
    ModelManager manager = start((2 * estimate + 3 * charge) / 2);

    Await.until("ready", manager::isReady);
    List<String> resident = new ArrayList<>();
    List<String> resting = new ArrayList<>();
    for (String m : List.of("a", "b", "c")) {
      (state(manager, m) == LoadState.AVAILABLE ? resident : resting).add(m);
    }
    assertThat(resident).hasSize(2);
    assertThat(resting).hasSize(1);
    assertThat(manager.status(resting.get(0)).get(0).chargedBytes()).isZero();

    manager.acquire(resident.get(0), VersionSelector.DEFAULT).close();
    manager.acquire(resident.get(1), VersionSelector.DEFAULT).close(); // [0] is now least recent
    try (Lease lease = lease(manager, resting.get(0))) {
      float[] expected = Fixtures.breastCancerProbabilities();
      assertThat(lease.predict(Fixtures.breastCancerRows(), 64, PredictionKind.VALUE).values()[0])
          .isEqualTo(expected[0], org.assertj.core.data.Offset.offset(1e-6f));
    }

    assertThat(state(manager, resting.get(0))).isEqualTo(LoadState.AVAILABLE);
    assertThat(state(manager, resident.get(0))).isEqualTo(LoadState.NOT_RESIDENT);
    assertThat(state(manager, resident.get(1))).isEqualTo(LoadState.AVAILABLE);
    long charged = manager.status("").stream().mapToLong(VersionStatus::chargedBytes).sum();
    assertThat(charged).isLessThanOrEqualTo(charge * 5 / 2);
  }

  @Test
  void manyRequestsForAVersionNotInMemory_oneLoad_allAnswered() throws Exception {
    long charge = oneCharge();
    // Different bytes: the resting one's artifact is not in the local cache yet.
    registry.addBreastCancer("a", 1, BREAST_CANCER_UBJ);
    registry.addBreastCancer("b", 1, Fixtures.BREAST_CANCER_JSON);
    ModelManager manager = start(charge * 3 / 2);
    Await.until("ready", manager::isReady);
    String resting = state(manager, "a") == LoadState.NOT_RESIDENT ? "a" : "b";
    int downloads = registry.downloads();
    CountDownLatch gate = registry.holdDownloads(resting, 1);

    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      waiting.add(manager.whenResident(resting, VersionSelector.DEFAULT));
    }
    Await.until("loading", () -> state(manager, resting) == LoadState.LOADING);
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    gate.countDown();

    for (CompletableFuture<Void> w : waiting) {
      w.get(30, TimeUnit.SECONDS);
    }
    manager.acquire(resting, VersionSelector.DEFAULT).close();
    assertThat(registry.downloads()).isEqualTo(downloads + 1);
  }

  @Test
  void requestsWaitingForALoad_holdTheirModelsInFlightSlots_theRestAreRefusedAtOnce()
      throws Exception {
    long charge = oneCharge();
    registry.addBreastCancer("a", 1, BREAST_CANCER_UBJ);
    registry.addBreastCancer("b", 1, Fixtures.BREAST_CANCER_JSON);
    ModelManager manager = start(charge * 3 / 2, cacheDir.resolve("cache"), 2);
    Await.until("ready", manager::isReady);
    String resting = state(manager, "a") == LoadState.NOT_RESIDENT ? "a" : "b";
    CountDownLatch gate = registry.holdDownloads(resting, 1);

    CompletableFuture<Void> first = manager.whenResident(resting, VersionSelector.DEFAULT);
    CompletableFuture<Void> second = manager.whenResident(resting, VersionSelector.DEFAULT);
    CompletableFuture<Void> third = manager.whenResident(resting, VersionSelector.DEFAULT);

    assertThat(third).isCompletedExceptionally();
    assertThatThrownBy(third::join).hasMessageContaining("in-flight limit");
    gate.countDown();
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    // The waiters' slots are free again: two requests compute at once.
    Lease x = manager.acquire(resting, VersionSelector.DEFAULT);
    Lease y = manager.acquire(resting, VersionSelector.DEFAULT);
    x.close();
    y.close();
  }

  @Test
  void aWaiterThatGivesUp_givesItsInFlightSlotBack() throws Exception {
    long charge = oneCharge();
    registry.addBreastCancer("a", 1, BREAST_CANCER_UBJ);
    registry.addBreastCancer("b", 1, Fixtures.BREAST_CANCER_JSON);
    ModelManager manager = start(charge * 3 / 2, cacheDir.resolve("cache"), 1);
    Await.until("ready", manager::isReady);
    String resting = state(manager, "a") == LoadState.NOT_RESIDENT ? "a" : "b";
    CountDownLatch gate = registry.holdDownloads(resting, 1);

    assertThatThrownBy(() -> manager.acquireWaiting(resting, VersionSelector.DEFAULT, 200_000_000L))
        .isInstanceOf(CanopyException.DeadlineExceeded.class);
    CompletableFuture<Void> again = manager.whenResident(resting, VersionSelector.DEFAULT);
    assertThat(again).isNotCompletedExceptionally();
    gate.countDown();
    again.get(30, TimeUnit.SECONDS);
    manager.acquire(resting, VersionSelector.DEFAULT).close();
  }

  @Test
  void pinnedOrBusyVersions_areNeverEvicted_theRequestIsRefusedUnavailable() throws Exception {
    long charge = oneCharge();
    registry.addBreastCancer("pinned", 1, BREAST_CANCER_UBJ);
    registry.updateModel(
        registry.model("pinned").toBuilder()
            .setTrafficPolicy(TrafficPolicy.newBuilder().setPinned(true))
            .build());
    registry.addBreastCancer("other", 1, BREAST_CANCER_UBJ);
    ModelManager manager = start(charge * 3 / 2);
    Await.until("ready", manager::isReady);
    assertThat(state(manager, "pinned")).isEqualTo(LoadState.AVAILABLE);
    assertThat(manager.status("pinned").get(0).pinned()).isTrue();
    assertThat(state(manager, "other")).isEqualTo(LoadState.NOT_RESIDENT);

    CompletableFuture<Void> noRoom = manager.whenResident("other", VersionSelector.DEFAULT);
    assertThatThrownBy(() -> noRoom.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(CanopyException.Unavailable.class)
        .hasMessageContaining("no room");

    registry.updateModel(
        registry.model("pinned").toBuilder().setTrafficPolicy(TrafficPolicy.newBuilder()).build());
    Await.until("unpinned", () -> !manager.status("pinned").get(0).pinned());
    Lease busy = manager.acquire("pinned", VersionSelector.DEFAULT);
    CompletableFuture<Void> stillNoRoom = manager.whenResident("other", VersionSelector.DEFAULT);
    assertThatThrownBy(() -> stillNoRoom.get(30, TimeUnit.SECONDS))
        .cause()
        .hasMessageContaining("no room");

    busy.close();
    lease(manager, "other").close();
    assertThat(state(manager, "pinned")).isEqualTo(LoadState.NOT_RESIDENT);
  }
}
