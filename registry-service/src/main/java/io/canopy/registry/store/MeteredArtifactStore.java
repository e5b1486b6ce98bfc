package io.canopy.registry.store;

import io.canopy.common.error.CanopyException;
import io.canopy.registry.metrics.RegistryMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Times every call of an artifact store by operation and outcome, whatever the backend; labels name
 * the backend and operation only, never a model or digest.
 */
public final class MeteredArtifactStore implements ArtifactStore {

  private final ArtifactStore store;
  private final String backend;
  private final RegistryMetrics metrics;
  private final LongSupplier nanoTime;

  public MeteredArtifactStore(
      ArtifactStore store, String backend, RegistryMetrics metrics, LongSupplier nanoTime) {
    this.store = store;
    this.backend = backend;
    this.metrics = metrics;
    this.nanoTime = nanoTime;
  }

  /** One store call that may throw. */
  @FunctionalInterface
  private interface Call<T> {
    T run() throws IOException;
  }

  private <T> T timed(String operation, Call<T> call) throws IOException {
    long start = nanoTime.getAsLong();
    String outcome = "error";
    try {
      T result = call.run();
      outcome = "ok";
      return result;
    } catch (CanopyException.Unavailable e) {
      outcome = "unavailable";
      throw e;
    } finally {
      metrics.artifactStoreCall(
          backend, operation, outcome, Duration.ofNanos(nanoTime.getAsLong() - start));
    }
  }

  @Override
  public void put(Path source, String sha256) throws IOException {
    timed(
        "put",
        () -> {
          store.put(source, sha256);
          return null;
        });
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    return timed("open", () -> store.open(sha256));
  }

  @Override
  public void deleteIfUnreferenced(String sha256, Predicate<String> referenced) throws IOException {
    timed(
        "delete",
        () -> {
          store.deleteIfUnreferenced(sha256, referenced);
          return null;
        });
  }

  @Override
  public boolean isReachable() {
    return store.isReachable();
  }
}
