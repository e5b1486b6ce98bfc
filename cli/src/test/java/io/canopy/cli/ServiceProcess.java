package io.canopy.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Canopy service as a separate JVM on loopback, configured by {@code -D} settings with ports 0.
 * Its {@code Main} prints where it listens; the bound ports are read from that line.
 */
final class ServiceProcess implements AutoCloseable {

  private static final Pattern GRPC = Pattern.compile("gRPC on [^ ]+:(\\d+)");
  private static final Pattern HTTP =
      Pattern.compile("(?:HTTP|admin) on (?:https?://)?[^ /]+:(\\d+)");

  private final Process process;
  private final String name;
  private final int grpcPort;
  private final int httpPort;
  private final StringBuffer output;
  private final String mainClass;
  private final Map<String, String> settings;
  private final Path workDir;
  private final List<String> prefix;
  private final String host;

  private ServiceProcess(
      String name,
      Process process,
      String banner,
      StringBuffer output,
      String mainClass,
      Map<String, String> settings,
      Path workDir,
      List<String> prefix,
      String host) {
    this.name = name;
    this.prefix = List.copyOf(prefix);
    this.host = host;
    this.process = process;
    this.output = output;
    this.mainClass = mainClass;
    this.settings = Map.copyOf(settings);
    this.workDir = workDir;
    this.grpcPort = port(GRPC, banner);
    this.httpPort = port(HTTP, banner);
  }

  /** Starts {@code mainClass} and waits (bounded) for its "listening" line. */
  static ServiceProcess start(
      String name, String mainClass, Map<String, String> settings, Path workDir)
      throws IOException {
    return start(name, mainClass, settings, workDir, List.of(), "127.0.0.1");
  }

  /**
   * As above, run behind {@code prefix} (e.g. {@code ip netns exec <host>}: the process on another
   * host) and reached at {@code host}.
   */
  static ServiceProcess start(
      String name,
      String mainClass,
      Map<String, String> settings,
      Path workDir,
      List<String> prefix,
      String host)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    command.add("-Xmx512m");
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    CompletableFuture<String> banner = new CompletableFuture<>();
    StringBuffer log = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  log.append(line).append('\n');
                  if (GRPC.matcher(line).find()) {
                    banner.complete(line);
                  }
                }
              } catch (IOException e) {
                banner.completeExceptionally(e);
              }
              banner.completeExceptionally(
                  new IOException(name + " exited before listening:\n" + log));
            },
            name + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return new ServiceProcess(
          name,
          process,
          banner.get(60, TimeUnit.SECONDS),
          log,
          mainClass,
          settings,
          workDir,
          prefix,
          host);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException(name + " did not start: " + e.getMessage() + "\n" + log, e);
    }
  }

  /**
   * Starts a registry on ports 0 keeping its data under {@code dataDir}; {@code extra} adds (or
   * overrides) settings.
   */
  static ServiceProcess registry(Path dataDir, Map<String, String> extra, Path workDir)
      throws IOException {
    Map<String, String> settings = new HashMap<>();
    settings.put("registry.grpc.port", "0");
    settings.put("registry.admin.port", "0");
    settings.put("registry.data-dir", dataDir.toString());
    settings.putAll(extra);
    return start("registry", "io.canopy.registry.Main", settings, workDir);
  }

  /**
   * Starts serving-service {@code name} on ports 0, loading models from the registry at {@code
   * registryTarget} into {@code cacheDir}; {@code extra} adds (or overrides) settings.
   */
  static ServiceProcess serving(
      String name, String registryTarget, Path cacheDir, Map<String, String> extra, Path workDir)
      throws IOException {
    Map<String, String> settings = new HashMap<>();
    settings.put("serving.grpc.port", "0");
    settings.put("serving.admin.port", "0");
    settings.put("serving.registry.target", registryTarget);
    settings.put("serving.cache-dir", cacheDir.toString());
    settings.putAll(extra);
    return start(name, "io.canopy.serving.Main", settings, workDir);
  }

  /**
   * Starts gateway {@code name} on ports 0 in front of {@code servingTargets} (comma-separated) and
   * the registry at {@code registryTarget}.
   */
  static ServiceProcess gateway(
      String name, String servingTargets, String registryTarget, Path workDir) throws IOException {
    return start(
        name,
        "io.canopy.gateway.Main",
        Map.of(
            "gateway.http.port",
            "0",
            "gateway.grpc.port",
            "0",
            "gateway.upstream.serving-target",
            servingTargets,
            "gateway.upstream.registry-target",
            registryTarget),
        workDir);
  }

  private static int port(Pattern pattern, String banner) {
    Matcher m = pattern.matcher(banner);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  int grpcPort() {
    return grpcPort;
  }

  /** The HTTP port (gateway) or admin port (registry, serving). */
  int httpPort() {
    return httpPort;
  }

  String target() {
    return host + ":" + grpcPort;
  }

  /** SIGKILL, as a crash would: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * Starts the same service again with the same settings on the ports this one had bound (its data
   * and cache directories come from the settings, so they are the same too). Call it after {@link
   * #kill} or {@link #close}.
   */
  ServiceProcess restart() throws IOException {
    Map<String, String> again = new HashMap<>(settings);
    again.replaceAll(
        (key, value) -> {
          if (key.endsWith(".grpc.port")) {
            return Integer.toString(grpcPort);
          }
          if (key.endsWith(".admin.port") || key.endsWith(".http.port")) {
            return Integer.toString(httpPort);
          }
          return value;
        });
    return start(name, mainClass, again, workDir, prefix, host);
  }

  /** The process's resident set (VmRSS), in bytes. */
  long rssBytes() throws IOException {
    for (String line :
        java.nio.file.Files.readAllLines(
            Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IOException("no VmRSS for " + name);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM (graceful), then SIGKILL if it has not stopped within 15 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(Duration.ofSeconds(15).toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** Everything the process printed so far (for failure messages). */
  String output() {
    return output.toString();
  }

  @Override
  public String toString() {
    return name + (process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")");
  }
}
