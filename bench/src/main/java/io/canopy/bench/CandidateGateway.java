package io.canopy.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway started as a child JVM for one tuning candidate: the JDK and classpath of this process
 * (what the {@code canopy} launcher runs), {@code io.canopy.gateway.Main}, its settings as {@code
 * -D} overrides above gateway.yaml, {@code CANOPY_CONFIG} and the environment (which it inherits),
 * both ports 0. Started when its banner names the ports it bound; stopped with SIGTERM (SIGKILL
 * after a grace), also when this JVM exits first.
 */
final class CandidateGateway implements AutoCloseable {

  static final String MAIN_CLASS = "io.canopy.gateway.Main";

  /** Lines of the child's output kept for a failure message. */
  private static final int TAIL_LINES = 40;

  private static final Pattern BANNER =
      Pattern.compile("gateway: HTTP on ([^ ,]+):(\\d+), gRPC on ([^ ,]+):(\\d+)");

  private final Process process;
  private final Thread reaper;
  private final String host;
  private final int httpPort;
  private final int grpcPort;

  private CandidateGateway(Process process, Thread reaper, Matcher banner) {
    this.process = process;
    this.reaper = reaper;
    this.host = banner.group(3);
    this.httpPort = Integer.parseInt(banner.group(2));
    this.grpcPort = Integer.parseInt(banner.group(4));
  }

  /**
   * Starts a gateway with {@code settings} (e.g. {@code gateway.batching.max-in-flight → 4}) and
   * waits at most {@code startTimeout} for its banner.
   */
  static CandidateGateway start(Map<String, String> settings, Duration startTimeout)
      throws IOException, InterruptedException {
    requireGatewayOnClasspath();
    Process process = new ProcessBuilder(command(settings)).redirectErrorStream(true).start();
    Thread reaper = new Thread(process::destroyForcibly, "candidate-gateway-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    CompletableFuture<Matcher> banner = new CompletableFuture<>();
    Deque<String> tail = new ArrayDeque<>();
    Thread.ofPlatform()
        .daemon()
        .name("candidate-gateway-output")
        .start(() -> drain(process, banner, tail));
    try {
      return new CandidateGateway(
          process, reaper, banner.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      stop(process);
      Runtime.getRuntime().removeShutdownHook(reaper);
      String output;
      synchronized (tail) {
        output = String.join("\n", tail);
      }
      throw new IOException(
          "the candidate gateway did not start within "
              + startTimeout.toSeconds()
              + " s; its output:\n"
              + output,
          e);
    }
  }

  /** Fails unless this process's classpath has the gateway (the CLI's has; bench's own has not). */
  static void requireGatewayOnClasspath() {
    if (CandidateGateway.class.getClassLoader().getResource(MAIN_CLASS.replace('.', '/') + ".class")
        == null) {
      throw new IllegalStateException(
          "--tune starts gateways from this classpath, which has no gateway: run it as `canopy"
              + " bench --tune`");
    }
  }

  private static List<String> command(Map<String, String> settings) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("--enable-native-access=ALL-UNNAMED");
    if (Runtime.version().feature() >= 24) {
      // Netty still uses sun.misc.Unsafe; the launcher allows it the same way
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN_CLASS);
    return command;
  }

  /** Reads the child's output to its end (so it never blocks on a full pipe), keeping a tail. */
  private static void drain(
      Process process, CompletableFuture<Matcher> banner, Deque<String> tail) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (tail) {
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
        Matcher m = BANNER.matcher(line);
        if (!banner.isDone() && m.find()) {
          banner.complete(m);
        }
      }
    } catch (IOException e) {
      banner.completeExceptionally(e);
    }
    banner.completeExceptionally(new IOException("the candidate gateway exited"));
  }

  /** Its gRPC front, host:port. */
  String grpcTarget() {
    return host + ":" + grpcPort;
  }

  /** Its HTTP front (with /observe/metrics), as a base URL. */
  String httpBase() {
    return "http://" + host + ":" + httpPort;
  }

  @Override
  public void close() throws InterruptedException {
    stop(process);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting; the hook runs and finds the process gone
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
