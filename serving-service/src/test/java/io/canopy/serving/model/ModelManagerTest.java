package io.canopy.serving.model;

import static io.canopy.serving.Fixtures.BREAST_CANCER_JSON;
import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.serving.FakeRegistry;
import io.canopy.serving.Fixtures;
import io.canopy.serving.predict.PredictionKind;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ModelManagerTest {

  private static final String MODEL = "bc";
  private static final Instant NOW = Instant.parse("2025-01-02T03:04:05Z");

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path cacheDir;
  private final FakeRegistry registry = new FakeRegistry();
  private final String registryName = InProcessServerBuilder.generateName();

  @BeforeEach
  void startRegistry() throws Exception {
    cleanup.register(
        InProcessServerBuilder.forName(registryName).addService(registry).build().start());
  }

  private ModelManager start(int maxInFlight) {
    return start(maxInFlight, Duration.ZERO);
  }

  private ModelManager start(int maxInFlight, Duration retireGrace) {
    ModelManager manager =
        new ModelManager(
            TestManagers.settings(cacheDir, maxInFlight, retireGrace, Long.MAX_VALUE),
            cleanup.register(InProcessChannelBuilder.forName(registryName).build()),
            Clock.fixed(NOW, ZoneOffset.UTC));
    cleanup.register(manager);
    manager.start();
    return manager;
  }

  private static long servedVersion(ModelManager manager) {
    try (Lease lease = manager.acquire(MODEL, VersionSelector.DEFAULT)) {
      return lease.version();
    }
  }

  private static Optional<VersionStatus> status(ModelManager manager, long version) {
    return manager.status(MODEL).stream().filter(s -> s.version() == version).findFirst();
  }

  @Test
  void aliasMove_keepsServingThePreviousVersionWhileTheNewOneLoads() {
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    registry.addBreastCancer(MODEL, 2, BREAST_CANCER_JSON);
    registry.setAlias(MODEL, "production", 2);
    ModelManager manager = start(64);
    Await.until("ready", manager::isReady);
    CountDownLatch v1Download = registry.holdDownloads(MODEL, 1);

    registry.setAlias(MODEL, "production", 1);
    Await.until(
        "v1 is loading",
        () -> status(manager, 1).map(s -> s.state() == LoadState.LOADING).orElse(false));

    assertThat(servedVersion(manager)).isEqualTo(2);
    assertThat(manager.isReady()).isTrue();
    assertThat(status(manager, 2).orElseThrow().aliases()).containsExactly("latest", "production");
    // Loaded versions report the engine of their small batches; a loading one has none yet.
    assertThat(status(manager, 2).orElseThrow().engine().orElseThrow().engine())
        .isEqualTo(io.canopy.serving.predict.Engine.FLAT);
    assertThat(status(manager, 1).orElseThrow().engine()).isEmpty();

    v1Download.countDown();
    Await.until("production serves v1", () -> servedVersion(manager) == 1);
    assertThat(status(manager, 1).orElseThrow().availableSince()).contains(NOW);
  }

  @Test
  void retiredVersion_isFreedOnlyAfterItsLastLeaseCloses() {
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    registry.addBreastCancer(MODEL, 2, BREAST_CANCER_JSON);
    registry.setAlias(MODEL, "production", 1);
    ModelManager manager = start(64);
    Await.until("ready", manager::isReady);
    Lease lease = manager.acquire(MODEL, VersionSelector.DEFAULT);
    assertThat(lease.version()).isEqualTo(1);

    registry.setAlias(MODEL, "production", 2);
    Await.until(
        "v1 is unloading",
        () -> status(manager, 1).map(s -> s.state() == LoadState.UNLOADING).orElse(false));

    float[] probabilities = Fixtures.breastCancerProbabilities();
    assertThat(lease.predict(Fixtures.breastCancerRows(), 64, PredictionKind.VALUE).values()[0])
        .isEqualTo(probabilities[0], org.assertj.core.data.Offset.offset(1e-6f));
    assertThat(servedVersion(manager)).isEqualTo(2);
    assertThatThrownBy(() -> manager.acquire(MODEL, new VersionSelector.Explicit(1)))
        .isInstanceOf(CanopyException.FailedPrecondition.class);

    lease.close();
    // The manager drops its own reference on its reconcile thread, which may come just after the
    // status already says UNLOADING; whichever release is last frees the version.
    Await.until("v1 freed", () -> status(manager, 1).isEmpty());
  }

  @Test
  void retireGrace_keepsTheOldVersionServingExplicitRequests_thenRetiresIt() {
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    registry.addBreastCancer(MODEL, 2, BREAST_CANCER_JSON);
    registry.setAlias(MODEL, "production", 1);
    ModelManager manager = start(64, Duration.ofMillis(1500));
    Await.until("ready", manager::isReady);

    registry.setAlias(MODEL, "production", 2);
    Await.until("production serves v2", () -> servedVersion(manager) == 2);
    // A gateway that has not seen the move yet still asks for v1 by number: it must be served.
    try (Lease lease = manager.acquire(MODEL, new VersionSelector.Explicit(1))) {
      assertThat(lease.version()).isEqualTo(1);
    }
    Await.until("v1 retired after the grace", () -> status(manager, 1).isEmpty());
    assertThatThrownBy(() -> manager.acquire(MODEL, new VersionSelector.Explicit(1)))
        .isInstanceOf(CanopyException.FailedPrecondition.class);
  }

  @Test
  void inFlightLimit_refusesExcessRequestsAtOnce() {
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    ModelManager manager = start(1);
    Await.until("ready", manager::isReady);

    Lease first = manager.acquire(MODEL, VersionSelector.DEFAULT);
    assertThatThrownBy(() -> manager.acquire(MODEL, VersionSelector.DEFAULT))
        .isInstanceOf(CanopyException.Unavailable.class);
    first.close();

    manager.acquire(MODEL, VersionSelector.DEFAULT).close();
  }

  @Test
  void transientDownloadFailures_areRetriedUntilTheVersionLoads() {
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    registry.failNextDownloads(2);

    ModelManager manager = start(64);

    Await.until("ready", manager::isReady);
    assertThat(registry.downloads()).isEqualTo(3);
    assertThat(servedVersion(manager)).isEqualTo(1);
  }

  @Test
  void cachedArtifact_isNotDownloadedAgain() {
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    ModelManager first = start(64);
    Await.until("ready", first::isReady);
    first.close();

    ModelManager second = start(64);

    Await.until("ready again", second::isReady);
    assertThat(registry.downloads()).isEqualTo(1);
    assertThat(servedVersion(second)).isEqualTo(1);
  }

  @Test
  void modelDeleted_isNotFoundAndItsVersionsAreFreed() {
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    ModelManager manager = start(64);
    Await.until("ready", manager::isReady);

    registry.deleteModel(MODEL);

    Await.until("model is gone", () -> manager.status("").isEmpty());
    assertThatThrownBy(() -> manager.acquire(MODEL, VersionSelector.DEFAULT))
        .isInstanceOf(CanopyException.NotFound.class);
  }
}
