package io.canopy.serving.features;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The FeatureStore contract on the embedded RocksDB backend. */
class RocksDbFeatureStoreTest extends FeatureStoreContract {

  @TempDir Path dir;

  @Override
  FeatureBackend openBackend() {
    return new RocksDbFeatureBackend(dir.resolve("features"));
  }

  @Test
  void oneFeatureOfWideRecords_wholeRecordsCountAgainstTheBudget() throws Exception {
    String[] keys = new String[200];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = "k" + i;
    }
    wideView(keys); // 200 records of 20 KB: four times the budget

    // RocksDB reads a record whole, so asking for one of its 20 features still fetches 20 KB a key.
    StatusRuntimeException e =
        Assertions.catchThrowableOfType(
            StatusRuntimeException.class, () -> read("wide", List.of(keys), "s0"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("ask for fewer entities");
    assertThat(read("wide", List.of(keys).subList(0, 10), "s0").getRowsCount()).isEqualTo(10);
  }
}
