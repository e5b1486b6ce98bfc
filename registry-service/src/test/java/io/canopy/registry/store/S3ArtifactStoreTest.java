package io.canopy.registry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.digest.Sha256;
import io.canopy.common.error.CanopyException;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.registry.CuttingRelay;
import io.canopy.registry.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link S3ArtifactStore} against a real S3 API server (S3Proxy, a child JVM), reached through a
 * relay that can cut a transfer midway.
 */
@ProcessSuite
class S3ArtifactStoreTest {

  private static final String PREFIX = "models/";
  // S3 (and S3Proxy) want parts of at least 5 MiB but the last: the smallest multipart upload.
  private static final long THRESHOLD = 1 << 20;
  private static final int PART = 5 << 20;

  @TempDir Path dir;
  private S3TestServer server;
  private CuttingRelay relay;
  private String bucket;
  private S3ArtifactStore store;
  private final AtomicLong nanoTime = new AtomicLong();

  @BeforeEach
  void start() throws IOException {
    server = S3TestServer.start(Files.createDirectories(dir.resolve("s3")));
    relay = CuttingRelay.to(server.port());
    bucket = server.createBucket();
    store =
        S3ArtifactStore.open(settings(bucket, relay.endpoint()), THRESHOLD, PART, nanoTime::get);
  }

  @AfterEach
  void stop() throws IOException {
    store.close();
    relay.close();
    server.close();
  }

  private S3Settings settings(String bucketName, URI endpoint) {
    return new S3Settings(
        bucketName,
        PREFIX,
        "us-east-1",
        Optional.of(endpoint),
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

  private String etag(String sha) {
    return server.client().headObject(b -> b.bucket(bucket).key(store.key(sha))).eTag();
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
    assertThat(etag(sha)).as("a single PUT's ETag has no part count").doesNotContain("-");
    assertThat(file).doesNotExist();
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void put_aboveThreshold_multipartInPartsThenOneWholeObject() throws Exception {
    byte[] bytes = random(2 * PART + 1234, 2);
    String sha = Sha256.hex(bytes);

    store.put(staged("big.part", bytes), sha);

    assertThat(etag(sha)).as("a multipart upload's ETag ends in its part count").endsWith("-3\"");
    assertThat(server.objects(bucket))
        .singleElement()
        .extracting(S3Object::size)
        .isEqualTo((long) bytes.length);
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void put_digestAlreadyStoredWithItsSize_keepsTheStoredBytesAndUploadsNothing() throws Exception {
    byte[] bytes = random(PART + 7, 3);
    String sha = Sha256.hex(bytes);
    store.put(staged("1.part", bytes), sha);
    // Same digest, same size, other bytes: an upload would be refused (BadDigest) or would
    // replace the object; keeping the stored copy does neither.
    Path again = staged("2.part", random(bytes.length, 4));

    store.put(again, sha);

    assertThat(again).doesNotExist();
    assertThat(server.objects(bucket)).hasSize(1);
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void put_bytesThatDoNotHashToTheDigest_refusedByTheServerAndNothingStored() throws Exception {
    byte[] bytes = random(50_000, 4);
    String wrong = Sha256.hex(random(10, 5));

    assertThatThrownBy(() -> store.put(staged("x.part", bytes), wrong))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("400");

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
  void open_largeObject_streamsWhatTheServerSendsAsItArrives() throws Exception {
    byte[] bytes = random(64 << 20, 6);
    String sha = Sha256.hex(bytes);
    server
        .client()
        .putObject(b -> b.bucket(bucket).key(store.key(sha)), RequestBody.fromBytes(bytes));
    // The relay lets through the headers and a little over 1 MiB of the 64 MiB, then holds.
    CuttingRelay.Hold hold = relay.holdAfter(CuttingRelay.Direction.RESPONSE, (1 << 20) + 8192);

    // The stream stays open until the hold is reached: closing it after the first MiB could close
    // the connection before the relay forwarded the rest of its allowance (CI saw that race).
    InputStream held = store.open(sha).orElseThrow();
    try {
      byte[] first =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return held.readNBytes(1 << 20);
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      assertThat(first).isEqualTo(Arrays.copyOf(bytes, 1 << 20));
      hold.awaitReached(Duration.ofSeconds(30));
    } finally {
      hold.cut();
      held.close();
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
    assertThat(read(store, sha)).isEqualTo(bytes);

    store.deleteIfUnreferenced(sha, s -> false);
    assertThat(store.open(sha)).isEmpty();
    assertThat(server.objects(bucket)).isEmpty();
  }

  @Test
  void put_serverKilledDuringAPart_unavailableNothingVisibleAndTheRetrySucceeds() throws Exception {
    byte[] bytes = random(2 * PART + 99, 8);
    String sha = Sha256.hex(bytes);
    Path file = staged("m.part", bytes);
    CuttingRelay.Hold hold = relay.holdAfter(CuttingRelay.Direction.REQUEST, 1 << 20);
    CompletableFuture<Void> put =
        CompletableFuture.runAsync(
            () -> {
              try {
                store.put(file, sha);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
    hold.awaitReached(Duration.ofSeconds(30));
    server.kill();
    hold.cut();

    assertThatThrownBy(() -> put.get(60, TimeUnit.SECONDS))
        .hasCauseInstanceOf(CanopyException.Unavailable.class);
    assertThat(store.isReachable()).isFalse();
    server.restart();
    assertThat(server.objects(bucket)).isEmpty();
    assertThat(file).as("the caller's to delete; a retry uses it").exists();

    store.put(file, sha);
    assertThat(read(store, sha)).isEqualTo(bytes);
  }

  @Test
  void isReachable_falseWhileTheServerIsDown_trueAgainAfterAProbe() throws Exception {
    assertThat(store.isReachable()).isTrue();
    server.kill();

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
    assertThatThrownBy(
            () -> S3ArtifactStore.open(settings("no-such-bucket-here", server.endpoint())))
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
        .hasMessageStartingWith("registry.artifacts.s3.bucket:")
        .hasMessageContaining("access is denied");
  }

  @Test
  void open_serverNotRunning_startsUnreachableInsteadOfFailing() {
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort());
    try (S3ArtifactStore unreachable = S3ArtifactStore.open(settings(bucket, nowhere))) {
      assertThat(unreachable.isReachable()).isFalse();
    }
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
