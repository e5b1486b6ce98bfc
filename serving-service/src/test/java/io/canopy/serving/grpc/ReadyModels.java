package io.canopy.serving.grpc;

import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;

import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.serving.FakeRegistry;
import io.canopy.serving.model.ManagerSettings;
import io.canopy.serving.model.ModelManager;
import io.canopy.serving.predict.FastPathSettings;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** A started, ready ModelManager fed by an in-process fake registry holding model "bc" v1. */
final class ReadyModels {

  private ReadyModels() {}

  /**
   * Starts the manager (caching under {@code cacheDir}, at most {@code maxInFlightPerModel}
   * requests computing per model) and waits until it is ready; {@code cleanup} closes it all.
   */
  static ModelManager start(GrpcCleanup cleanup, Path cacheDir, int maxInFlightPerModel)
      throws IOException {
    FakeRegistry registry = new FakeRegistry();
    registry.addBreastCancer("bc", 1, BREAST_CANCER_UBJ);
    String name = InProcessServerBuilder.generateName();
    cleanup.register(InProcessServerBuilder.forName(name).addService(registry).build().start());
    ModelManager models =
        new ModelManager(
            new ManagerSettings(
                cacheDir,
                1,
                maxInFlightPerModel,
                Duration.ofMillis(10),
                Duration.ofMillis(50),
                Duration.ofSeconds(30),
                Duration.ZERO,
                FastPathSettings.DEFAULT,
                Long.MAX_VALUE),
            cleanup.register(InProcessChannelBuilder.forName(name).build()),
            Clock.systemUTC());
    cleanup.register(models);
    models.start();
    Await.until("ready", models::isReady);
    return models;
  }
}
