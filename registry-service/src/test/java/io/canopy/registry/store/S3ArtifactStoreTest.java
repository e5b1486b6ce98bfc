package io.canopy.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.digest.Sha256;
import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.registry.HeldBlobStore;
import io.canopy.registry.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Object;

/** {@link S3ArtifactStore} against a real S3 API server (S3Proxy) in this JVM. */
@ProcessSuite
class S3ArtifactStoreTest {

  private static final String PREFIX = "models/";
  // S3 (and S3Proxy) want parts of at least 5 MiB but the last: the smallest multipart upload.
  private static final long THRESHOLD = 1 << 20;
  private static final int PART = 5 << 20;

  @TempDir Path dir;
  private S3TestServer server;
  private String bucket;
  private S3ArtifactStore store;
  private final AtomicLong nanoTime = new AtomicLong();

  @BeforeEach
  void start() {
    server = S3TestServer.start();
    bucket = server.createBucket();
    store = S3ArtifactStore.open(settings(bucket), THRESHOLD, PART, nanoTime::get);
  }

  @AfterEach
  void stop() {
    store.close();
    server.close();
  }

  private S3Settings settings(String bucketName) {
    return new S3Settings(
        bucketName,
        PREFIX,
        "us-east-1",
        Optional.of(server.endpoint()),
        true,
        S3TestServer.ACCESS_KEY,
        S3TestServer.SECRET_KEY);
  }

  private Path staged(String name, byte[] bytes) throws IOException {
    return Files.write(dir.resolve(name), bytes);
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] read(S3ArtifactStore s, String sha) throws IOException {
    try (InputStream in = s.open(sha).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  @Test
  void put_belowThreshold_onePutAtItsContentAddressAndTheStagedFileGone() throws Exception {
    byte[] bytes = random(100_000, 1);
    String sha = Sha256.hex(bytes);
    Path file = staged("a.part", bytes);

    store.put(file, sha);

    assertThat(server.objects(bucket))
        .extracting(S3Object::key)
        .containsExactly("models/sha256/" + sha.substring(0, 2) + "/" + sha);
    assertThat(server.blobs.puts).hasValue(1);
    assertThat(server.blobs.parts).hasValue(0);
    assertThat(file).doesNotExist();
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void put_aboveThreshold_multipartInPartsThenOneWholeObject() throws Exception {
    byte[] bytes = random(2 * PART + 1234, 2);
    String sha = Sha256.hex(bytes);

    store.put(staged("big.part", bytes), sha);

    assertThat(server.blobs.parts).hasValue(3);
    assertThat(server.blobs.puts).hasValue(0);
    var head =
        server.blobs.blobMetadata(
            HeadObjectRequest.builder().bucket(bucket).key(store.key(sha)).build());
    assertThat(head.contentLength()).isEqualTo(bytes.length);
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void put_sameDigestTwice_keepsTheStoredObjectAndUploadsNothing() throws Exception {
    byte[] bytes = random(PART + 7, 3);
    String sha = Sha256.hex(bytes);
    store.put(staged("1.part", bytes), sha);
    int parts = server.blobs.parts.get();
    Path again = staged("2.part", bytes);

    store.put(again, sha);

    assertThat(server.blobs.parts).hasValue(parts);
    assertThat(server.blobs.puts).hasValue(0);
    assertThat(again).doesNotExist();
    assertThat(server.objects(bucket)).hasSize(1);
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void put_bytesThatDoNotHashToTheDigest_refusedByTheServerAndNothingStored() throws Exception {
    byte[] bytes = random(50_000, 4);
    String wrong = Sha256.hex(random(10, 5));

    assertThatThrownBy(() -> store.put(staged("x.part", bytes), wrong))
        .isInstanceOf(IOException.class);

    assertThat(server.objects(bucket)).isEmpty();
    assertThat(store.open(wrong)).isEmpty();
  }

  @Test
  void open_absentDigest_empty() throws Exception {
    assertThat(store.open(Sha256.hex(new byte[] {9}))).isEmpty();
  }

  @Test
  void open_neverBuildsKeysFromAnythingButADigest() {
    assertThatThrownBy(() -> store.open("../../etc/passwd"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void open_largeObject_streamsFromTheServerAsItIsRead() throws Exception {
    int size = 64 << 20;
    byte[] bytes = random(size, 6);
    String sha = Sha256.hex(bytes);
    server.blobs.putBlob(
        PutObjectRequest.builder().bucket(bucket).key(store.key(sha)).build(),
        new java.io.ByteArrayInputStream(bytes));
    HeldBlobStore.Hold hold = server.blobs.holdNext(HeldBlobStore.Transfer.GET_OBJECT, 1 << 20);

    try (InputStream in = store.open(sha).orElseThrow()) {
      // The server is held 1 MiB into the 64 MiB object, yet the first MiB arrives: open returned
      // a stream of what the server sends, not a copy it waited for.
      assertThat(in.readNBytes(1 << 20)).isEqualTo(java.util.Arrays.copyOf(bytes, 1 << 20));
      hold.awaitReached(Duration.ofSeconds(30));
    } finally {
      hold.fail();
    }
    MessageDigest digest = Sha256.newDigest();
    try (InputStream in = store.open(sha).orElseThrow()) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    assertThat(Sha256.hex(digest)).isEqualTo(sha);
  }

  @Test
  void deleteIfUnreferenced_keepsReferencedAndDeletesTheRest() throws Exception {
    byte[] bytes = random(1000, 7);
    String sha = Sha256.hex(bytes);
    store.put(staged("d.part", bytes), sha);

    store.deleteIfUnreferenced(sha, s -> true);
    assertThat(store.open(sha)).isPresent().get().satisfies(InputStream::close);

    store.deleteIfUnreferenced(sha, s -> false);
    assertThat(store.open(sha)).isEmpty();
    assertThat(server.objects(bucket)).isEmpty();
  }

  @Test
  void put_serverStoppedDuringAPart_unavailableNothingVisibleAndTheRetrySucceeds()
      throws Exception {
    byte[] bytes = random(2 * PART, 8);
    String sha = Sha256.hex(bytes);
    Path file = staged("m.part", bytes);
    HeldBlobStore.Hold hold = server.blobs.holdNext(HeldBlobStore.Transfer.UPLOAD_PART, 1 << 20);
    var put =
        java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                store.put(file, sha);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    hold.awaitReached(Duration.ofSeconds(30));
    server.stop();
    hold.fail();

    assertThatThrownBy(put::join).hasCauseInstanceOf(CanopyException.Unavailable.class);
    assertThat(store.isReachable()).isFalse();
    server.restart();
    assertThat(server.objects(bucket)).isEmpty();
    assertThat(file).exists(); // the caller's to delete; a retry uses it

    store.put(file, sha);
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void isReachable_falseWhileTheServerIsDown_trueAgainAfterAProbe() throws Exception {
    assertThat(store.isReachable()).isTrue();
    server.stop();

    assertThatThrownBy(() -> store.open(Sha256.hex(new byte[] {1})))
        .isInstanceOf(CanopyException.Unavailable.class);
    assertThat(store.isReachable()).isFalse();

    server.restart();
    assertThat(store.isReachable()).as("no probe before the interval").isFalse();
    nanoTime.addAndGet(Duration.ofSeconds(3).toNanos());
    Await.until("a probe finds the bucket again", Duration.ofSeconds(30), store::isReachable);
  }

  @Test
  void open_unknownBucket_failsNamingTheKey() {
    assertThatThrownBy(() -> S3ArtifactStore.open(settings("no-such-bucket-here")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("registry.artifacts.s3.bucket:")
        .hasMessageContaining("does not exist");
  }

  @Test
  void open_wrongSecret_failsNamingTheKey() {
    S3Settings wrong =
        new S3Settings(
            bucket,
            PREFIX,
            "us-east-1",
            Optional.of(server.endpoint()),
            true,
            S3TestServer.ACCESS_KEY,
            "not-the-secret");
    assertThatThrownBy(() -> S3ArtifactStore.open(wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("registry.artifacts.s3.bucket:");
  }

  @Test
  void open_serverNotRunning_startsUnreachableInsteadOfFailing() {
    S3Settings nowhere =
        new S3Settings(
            bucket,
            PREFIX,
            "us-east-1",
            Optional.of(URI.create("http://127.0.0.1:" + closedPort())),
            true,
            S3TestServer.ACCESS_KEY,
            S3TestServer.SECRET_KEY);
    try (S3ArtifactStore unreachable = S3ArtifactStore.open(nowhere)) {
      assertThat(unreachable.isReachable()).isFalse();
    }
  }

  private static int closedPort() {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
