package io.canopy.bench;

import io.canopy.common.files.Directories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A serving replica started as a child JVM ({@link ChildJvm}) for the candidates of one {@code
 * serving.predict.nthread} value: {@code io.canopy.serving.Main} following {@code --registry}, on
 * loopback port 0, its artifact cache and feature store in a temporary directory (deleted when it
 * stops), recording off, no TLS. It loads the models the registry serves as any replica does;
 * candidates wait for a first answer through their gateway before measuring.
 */
final class CandidateServing implements AutoCloseable {

  static final String MAIN_CLASS = "io.canopy.serving.Main";

  static final String NTHREAD_KEY = "serving.predict.nthread";

  private static final Pattern BANNER =
      Pattern.compile(
          "serving-service: gRPC on ([^ ,]+):(\\d+), admin on.*, XGBoost nthread (\\d+)");

  private final ChildJvm process;
  private final Path dir;
  private final String grpcTarget;

  private CandidateServing(ChildJvm process, Path dir) {
    this.process = process;
    this.dir = dir;
    Matcher banner = process.banner();
    this.grpcTarget = banner.group(1) + ":" + banner.group(2);
  }

  /** Starts a replica with {@code nthread} following {@code registry}. */
  static CandidateServing start(int nthread, String registry, Duration startTimeout)
      throws IOException, InterruptedException {
    ChildJvm.requireOnClasspath(MAIN_CLASS);
    Path dir = Files.createTempDirectory("canopy-tune-serving-");
    try {
      CandidateServing replica =
          new CandidateServing(
              ChildJvm.start(
                  "candidate serving (nthread " + nthread + ")",
                  MAIN_CLASS,
                  settings(nthread, registry, dir),
                  BANNER,
                  startTimeout),
              dir);
      // What it says it runs with: a setting the configuration did not take fails the candidate.
      int running = Integer.parseInt(replica.process.banner().group(3));
      if (running != nthread) {
        replica.close();
        throw new IOException("the serving replica runs nthread " + running + ", not " + nthread);
      }
      return replica;
    } catch (IOException | InterruptedException | RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  static Map<String, String> settings(int nthread, String registry, Path dir) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("serving.grpc.host", "127.0.0.1");
    settings.put("serving.grpc.port", "0");
    settings.put("serving.grpc.in-process-name", "");
    settings.put("serving.admin.host", "127.0.0.1");
    settings.put("serving.admin.port", "0");
    settings.put("serving.registry.target", registry);
    settings.put("serving.cache-dir", dir.resolve("cache").toString());
    settings.put("serving.features.backend", "rocksdb");
    settings.put("serving.features.rocksdb.path", dir.resolve("features").toString());
    settings.put("serving.recording.enabled", "false");
    settings.put("serving.tls.cert-chain", "");
    settings.put("serving.tls.private-key", "");
    settings.put("serving.tls.client-ca", "");
    settings.put(NTHREAD_KEY, Integer.toString(nthread));
    return settings;
  }

  /** Its gRPC port, host:port: the candidate gateways' serving target. */
  String grpcTarget() {
    return grpcTarget;
  }

  @Override
  public void close() throws InterruptedException {
    try {
      process.close();
    } finally {
      delete(dir);
    }
  }

  private static void delete(Path dir) {
    try {
      Directories.deleteTree(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
