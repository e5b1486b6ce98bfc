package io.canopy.registry;

import io.canopy.common.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3 API server for tests: S3Proxy's self-contained jar (copied to {@code target/s3proxy} by
 * the build) as a child JVM on a free loopback port, storing blobs in a directory of the test, with
 * signature-checked credentials. {@link #kill()} ends it as a crash would; {@link #restart()}
 * starts it again on the same port with the same blobs. A child process keeps S3Proxy's libraries
 * (Jackson 3 among them) off the registry's test classpath.
 */
public final class S3TestServer implements AutoCloseable {

  public static final String ACCESS_KEY = "canopy-test-access";
  public static final String SECRET_KEY = "canopy-test-secret-key";

  /** S3Proxy keeps each open multipart upload as a stub object with this prefix: not ours. */
  private static final String MULTIPART_STUB = ".s3proxy-mpu-stub-";

  private static final Duration START_BOUND = Duration.ofSeconds(60);

  private final Path dir;
  private final int port;
  private final S3Client client;
  private Process process;

  private S3TestServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
    this.client =
        S3Client.builder()
            .region(Region.US_EAST_1)
            .endpointOverride(endpoint())
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .build();
  }

  /** Starts a server keeping its blobs under {@code dir}. */
  public static S3TestServer start(Path dir) {
    S3TestServer server = new S3TestServer(dir, freePort());
    server.launch();
    return server;
  }

  private static Path jar() {
    Path jar = Path.of(System.getProperty("canopy.test.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar.toAbsolutePath() + " is missing: the build copies it (mvn process-test-resources)");
    }
    return jar;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() {
    try {
      Path blobs = Files.createDirectories(dir.resolve("blobs"));
      Path properties = dir.resolve("s3proxy.properties");
      Files.writeString(
          properties,
          String.join(
              "\n",
              "s3proxy.endpoint=" + endpoint(),
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + blobs.toAbsolutePath(),
              ""));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      process =
          new ProcessBuilder(
                  java,
                  "-Xmx256m",
                  "-jar",
                  jar().toAbsolutePath().toString(),
                  "--properties",
                  properties.toAbsolutePath().toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Proxy", e);
    }
    Process started = process;
    Await.until(
        "S3Proxy listening on 127.0.0.1:" + port + " (log: " + dir.resolve("s3proxy.log") + ")",
        START_BOUND,
        () -> {
          if (!started.isAlive()) {
            throw new IllegalStateException("S3Proxy exited: see " + dir.resolve("s3proxy.log"));
          }
          return accepts();
        });
  }

  private boolean accepts() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Ends the server at once (SIGKILL), as a crash would; blobs stay on disk. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("S3Proxy did not die");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      process = null;
      Await.until("the port is closed", Duration.ofSeconds(10), () -> !accepts());
    }
  }

  /** Starts again on the same port, with the same blobs. */
  public void restart() {
    kill();
    launch();
  }

  public int port() {
    return port;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** A client of this server (direct, not through any relay). */
  public S3Client client() {
    return client;
  }

  /** A new empty bucket with a unique name. */
  public String createBucket() {
    String name =
        "canopy-" + UUID.randomUUID().toString().substring(0, 13).toLowerCase(Locale.ROOT);
    client.createBucket(b -> b.bucket(name));
    return name;
  }

  /** Objects in {@code bucket}, as S3 would list them (no multipart bookkeeping). */
  public List<S3Object> objects(String bucket) {
    return client.listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream()
        .filter(o -> !o.key().startsWith(MULTIPART_STUB))
        .toList();
  }

  /** Registry config overrides: artifacts in {@code bucket} under {@code prefix} at {@code uri}. */
  public static Map<String, String> registryOverrides(URI uri, String bucket, String prefix) {
    Map<String, String> m = new HashMap<>();
    m.put("registry.artifacts.backend", "s3");
    m.put("registry.artifacts.s3.bucket", bucket);
    m.put("registry.artifacts.s3.prefix", prefix);
    m.put("registry.artifacts.s3.region", "us-east-1");
    m.put("registry.artifacts.s3.endpoint", uri.toString());
    m.put("registry.artifacts.s3.path-style", "true");
    m.put("registry.artifacts.s3.access-key-id", ACCESS_KEY);
    m.put("registry.artifacts.s3.secret-access-key", SECRET_KEY);
    return m;
  }

  /** Removes the server's directory (blobs, log); after {@link #close()}. */
  public void deleteFiles() {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    kill();
  }
}
