package io.canopy.registry.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.digest.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileArtifactStoreTest {

  @TempDir Path dir;

  @Test
  void put_movesTheFileToItsContentAddress() throws Exception {
    FileArtifactStore store = new FileArtifactStore(dir.resolve("artifacts"));
    byte[] bytes = {1, 2, 3};
    String sha = Sha256.hex(bytes);
    Path staged = Files.write(dir.resolve("upload.part"), bytes);

    store.put(staged, sha);

    Path stored = dir.resolve("artifacts/sha256").resolve(sha.substring(0, 2)).resolve(sha);
    assertThat(stored).hasBinaryContent(bytes);
    assertThat(staged).doesNotExist();
    try (var in = store.open(sha).orElseThrow()) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
  }

  @Test
  void deleteIfUnreferenced_keepsReferencedAndDeletesTheRest() throws Exception {
    FileArtifactStore store = new FileArtifactStore(dir.resolve("artifacts"));
    byte[] bytes = {4, 5};
    String sha = Sha256.hex(bytes);
    store.put(Files.write(dir.resolve("a.part"), bytes), sha);

    store.deleteIfUnreferenced(sha, s -> true);
    assertThat(store.path(sha)).exists();

    store.deleteIfUnreferenced(sha, s -> false);
    assertThat(store.open(sha)).isEmpty();
  }

  @Test
  void open_neverBuildsPathsFromAnythingButADigest() throws Exception {
    FileArtifactStore store = new FileArtifactStore(dir.resolve("artifacts"));

    org.assertj.core.api.Assertions.assertThatThrownBy(() -> store.open("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
