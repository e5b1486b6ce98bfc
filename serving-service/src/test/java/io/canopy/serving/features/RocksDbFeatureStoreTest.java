package io.canopy.serving.features;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The FeatureStore contract on the embedded RocksDB backend. */
class RocksDbFeatureStoreTest extends FeatureStoreContract {

  @TempDir Path dir;

  @Override
  FeatureBackend openBackend() {
    return new RocksDbFeatureBackend(dir.resolve("features"));
  }
}
