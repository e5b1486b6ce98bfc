package io.canopy.serving.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.digest.Sha256;
import io.canopy.proto.registry.v1.ChangeKind;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.WatchModelsResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactCacheTest {

  @TempDir Path dir;

  @Test
  void read_returnsWhatWasWrittenUnderItsSha256() {
    ArtifactCache cache = new ArtifactCache(dir);
    byte[] bytes = "model bytes".getBytes(StandardCharsets.UTF_8);
    String sha = Sha256.hex(bytes);

    cache.write(sha, bytes);

    assertThat(cache.read(sha)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes));
    assertThat(cache.artifactPath(sha))
        .startsWith(dir.resolve("sha256").resolve(sha.substring(0, 2)));
  }

  @Test
  void read_fileDamagedOnDisk_isDroppedNotReturned() throws Exception {
    ArtifactCache cache = new ArtifactCache(dir);
    byte[] bytes = "model bytes".getBytes(StandardCharsets.UTF_8);
    String sha = Sha256.hex(bytes);
    cache.write(sha, bytes);
    Files.write(cache.artifactPath(sha), "tampered".getBytes(StandardCharsets.UTF_8));

    assertThat(cache.read(sha)).isEmpty();
    assertThat(cache.artifactPath(sha)).doesNotExist();
  }

  @Test
  void state_roundTrips_andAbsentOrGarbledStateReadsAsEmpty() throws Exception {
    ArtifactCache cache = new ArtifactCache(dir);
    assertThat(cache.readState()).isEmpty();
    WatchModelsResponse state =
        WatchModelsResponse.newBuilder()
            .setRevision(42)
            .setKind(ChangeKind.CHANGE_KIND_SNAPSHOT)
            .addModels(Model.newBuilder().setName("m"))
            .build();

    cache.writeState(state);
    assertThat(cache.readState()).contains(state);

    Files.write(dir.resolve("registry-state.binpb"), new byte[] {(byte) 0xff, 0x01});
    assertThat(cache.readState()).isEmpty();
  }
}
