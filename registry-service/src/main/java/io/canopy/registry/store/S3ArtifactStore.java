package io.canopy.registry.store;

import io.canopy.common.digest.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Artifacts as objects in an S3-compatible bucket, content-addressed: {@code
 * <prefix>sha256/ab/abcdef…}. An object appears whole or not at all (a single PUT, or a multipart
 * upload that S3 shows only once completed, and aborts on any failure); each upload carries the
 * SHA-256 for the server to check, and put returns only after a HEAD has confirmed the stored size.
 * Reads stream. A store that cannot be reached fails calls with UNAVAILABLE and makes the registry
 * not-ready until it answers again.
 */
public final class S3ArtifactStore implements ArtifactStore, AutoCloseable {

  /** Below this a single PUT; from it on, a multipart upload. */
  static final long MULTIPART_THRESHOLD = 16L << 20;

  /** Part size of a multipart upload (S3 wants at least 5 MiB for all but the last part). */
  static final int PART_BYTES = 8 << 20;

  private static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);

  /** Puts and deletes of one digest exclude each other; other digests go on in parallel. */
  private static final int LOCK_STRIPES = 64;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final long multipartThreshold;
  private final int partBytes;
  private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];
  private final ExecutorService probes =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "registry-s3-health");
            t.setDaemon(true);
            return t;
          });
  private final S3Health health;

  private S3ArtifactStore(
      S3Client s3,
      S3Settings settings,
      long multipartThreshold,
      int partBytes,
      LongSupplier nanoTime) {
    this.s3 = s3;
    this.bucket = settings.bucket();
    this.prefix = settings.prefix();
    this.multipartThreshold = multipartThreshold;
    this.partBytes = partBytes;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new ReentrantLock();
    }
    this.health = new S3Health(this::probe, probes, PROBE_INTERVAL.toNanos(), nanoTime);
  }

  /** Connects and checks the bucket (see {@link #checkBucket}). */
  public static S3ArtifactStore open(S3Settings settings) {
    return open(settings, MULTIPART_THRESHOLD, PART_BYTES, System::nanoTime);
  }

  /** With other upload sizes: tests exercise multipart uploads without 16 MiB files. */
  static S3ArtifactStore open(
      S3Settings settings, long multipartThreshold, int partBytes, LongSupplier nanoTime) {
    S3Client client = S3Clients.create(settings);
    try {
      S3ArtifactStore store =
          new S3ArtifactStore(client, settings, multipartThreshold, partBytes, nanoTime);
      store.checkBucket();
      return store;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Fails startup on an answer no retry can change (no such bucket, access denied), naming the key;
   * a server that does not answer yet only makes the registry not-ready until it does.
   */
  private void checkBucket() {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      health.succeeded();
    } catch (SdkException e) {
      if (S3Failures.retryable(e)) {
        health.failed(e);
        return;
      }
      String why =
          e instanceof S3Exception s && s.statusCode() == 404
              ? "it does not exist"
              : e instanceof S3Exception s && s.statusCode() == 403
                  ? "access is denied (check access-key-id and secret-access-key, or the"
                      + " credentials the AWS SDK's default chain finds)"
                  : e.getMessage();
      throw new IllegalArgumentException(
          "registry.artifacts.s3.bucket: cannot use bucket '" + bucket + "': " + why, e);
    }
  }

  private boolean probe() {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return true;
    } catch (SdkException e) {
      return false;
    }
  }

  @Override
  public void put(Path source, String sha256) throws IOException {
    String key = key(sha256);
    long size = Files.size(source);
    ReentrantLock lock = lock(sha256);
    lock.lock();
    try {
      if (storedSize(key) != size) { // same digest and size: the bytes are already there
        if (size < multipartThreshold) {
          s3.putObject(
              b -> b.bucket(bucket).key(key).contentLength(size).checksumSHA256(base64(sha256)),
              RequestBody.fromFile(source));
        } else {
          S3Multipart.upload(s3, bucket, key, source, size, partBytes);
        }
        long stored = storedSize(key);
        if (stored != size) {
          throw new IOException(key + " holds " + stored + " bytes after the upload, not " + size);
        }
      }
      health.succeeded();
    } catch (SdkException e) {
      throw S3Failures.failure("put", key, e, health);
    } finally {
      lock.unlock();
    }
    Files.deleteIfExists(source);
  }

  @Override
  public Optional<InputStream> open(String sha256) throws IOException {
    String key = key(sha256);
    try {
      ResponseInputStream<GetObjectResponse> in = s3.getObject(b -> b.bucket(bucket).key(key));
      health.succeeded();
      return Optional.of(new S3ObjectStream(in, health));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        health.succeeded();
        return Optional.empty();
      }
      throw S3Failures.failure("open", key, e, health);
    } catch (SdkException e) {
      throw S3Failures.failure("open", key, e, health);
    }
  }

  @Override
  public void deleteIfUnreferenced(String sha256, Predicate<String> referenced) throws IOException {
    String key = key(sha256);
    ReentrantLock lock = lock(sha256);
    lock.lock();
    try {
      if (!referenced.test(sha256)) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
        health.succeeded();
      }
    } catch (SdkException e) {
      throw S3Failures.failure("delete", key, e, health);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean isReachable() {
    return health.reachable();
  }

  /** The object's size, or -1 when there is none. */
  private long storedSize(String key) {
    try {
      return s3.headObject(b -> b.bucket(bucket).key(key)).contentLength();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return -1;
      }
      throw e;
    }
  }

  /** Where {@code sha256} is (or would be) stored. */
  String key(String sha256) {
    if (!Sha256.isValidHex(sha256)) {
      throw new IllegalArgumentException("not a lowercase sha256: " + sha256);
    }
    return prefix + "sha256/" + sha256.substring(0, 2) + "/" + sha256;
  }

  private ReentrantLock lock(String sha256) {
    return locks[Math.floorMod(sha256.hashCode(), locks.length)];
  }

  /** The x-amz-checksum-sha256 form of a hex digest: the server rejects bytes that differ. */
  private static String base64(String sha256) {
    return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(sha256));
  }

  @Override
  public void close() {
    probes.shutdownNow();
    s3.close();
  }
}
