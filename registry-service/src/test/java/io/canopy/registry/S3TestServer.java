package io.canopy.registry;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 API server (S3Proxy with its in-memory blob store) in this JVM on a free loopback port,
 * with signature-checked credentials. It can be stopped and started again on the same port with the
 * same blobs, as a restarted server would be.
 */
public final class S3TestServer implements AutoCloseable {

  public static final String ACCESS_KEY = "canopy-test-access";
  public static final String SECRET_KEY = "canopy-test-secret-key";

  /** What the server stores; survives {@link #stop()} and {@link #restart()}. */
  public final HeldBlobStore blobs = new HeldBlobStore(new TransientNio2BlobStore());

  private static final long STOP_GRACE_MS = 200;

  private S3Proxy proxy;
  private int port;

  private S3TestServer() {}

  /** Starts a server on a free port. */
  public static S3TestServer start() {
    S3TestServer server = new S3TestServer();
    server.startOn(0);
    return server;
  }

  private void startOn(int wanted) {
    S3Proxy p =
        S3Proxy.builder()
            .blobStore(blobs)
            .endpoint(URI.create("http://127.0.0.1:" + wanted))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            // A stop cuts requests still running after this long, as a dying server would.
            .stopTimeout(STOP_GRACE_MS)
            .build();
    try {
      p.start();
    } catch (Exception e) {
      throw new IllegalStateException("S3Proxy did not start", e);
    }
    proxy = p;
    port = p.getPort();
  }

  /** Stops listening, cutting requests in flight; blobs stay. */
  public void stop() {
    if (proxy != null) {
      try {
        proxy.stop();
      } catch (Exception e) {
        // Jetty reports the requests it had to cut after the grace; it has stopped all the same.
        if (!causedBy(e, TimeoutException.class)) {
          throw new IllegalStateException("S3Proxy did not stop", e);
        }
      }
      proxy = null;
    }
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** Starts again on the same port, with the same blobs. */
  public void restart() {
    stop();
    startOn(port);
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A new empty bucket with a unique name. */
  public String createBucket() {
    String name =
        "canopy-" + UUID.randomUUID().toString().substring(0, 13).toLowerCase(Locale.ROOT);
    blobs.createContainer(name);
    return name;
  }

  /** Objects in {@code bucket}, as S3 would list them (no multipart bookkeeping). */
  public List<S3Object> objects(String bucket) {
    return blobs.list(ListObjectsV2Request.builder().bucket(bucket).build()).contents().stream()
        .filter(o -> !o.key().startsWith(HeldBlobStore.MULTIPART_STUB))
        .toList();
  }

  /** Registry config overrides: artifacts in {@code bucket} under {@code prefix} here. */
  public Map<String, String> registryOverrides(String bucket, String prefix) {
    Map<String, String> m = new HashMap<>();
    m.put("registry.artifacts.backend", "s3");
    m.put("registry.artifacts.s3.bucket", bucket);
    m.put("registry.artifacts.s3.prefix", prefix);
    m.put("registry.artifacts.s3.region", "us-east-1");
    m.put("registry.artifacts.s3.endpoint", endpoint().toString());
    m.put("registry.artifacts.s3.path-style", "true");
    m.put("registry.artifacts.s3.access-key-id", ACCESS_KEY);
    m.put("registry.artifacts.s3.secret-access-key", SECRET_KEY);
    return m;
  }

  @Override
  public void close() {
    stop();
  }
}
