package io.canopy.serving.model;

import io.canopy.serving.predict.FastPathSettings;
import java.nio.file.Path;
import java.time.Duration;

/** The model manager settings the manager tests share: fast retries, the default fast path. */
final class TestManagers {

  private TestManagers() {}

  static ManagerSettings settings(
      Path cacheDir, int maxInFlight, Duration retireGrace, long memoryBudget) {
    return new ManagerSettings(
        cacheDir,
        1,
        maxInFlight,
        Duration.ofMillis(10),
        Duration.ofMillis(50),
        Duration.ofSeconds(30),
        retireGrace,
        FastPathSettings.DEFAULT,
        memoryBudget);
  }
}
