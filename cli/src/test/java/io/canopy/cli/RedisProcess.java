package io.canopy.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A private redis-server child on a free loopback port (never the machine's shared one), so a test
 * may kill it. Its append-only file lives in {@code dir}; Redis writes it before answering, so what
 * was written before a SIGKILL of the process (not of the machine) is there again after {@link
 * #restart}.
 */
final class RedisProcess implements AutoCloseable {

  private final Path dir;
  private final int port;
  private Process process;

  private RedisProcess(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * Starts redis-server on a port that was free a moment ago; waits (bounded) until it is ready.
   */
  static RedisProcess start(Path dir) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    RedisProcess redis = new RedisProcess(Files.createDirectories(dir), port);
    redis.launch();
    return redis;
  }

  private void launch() throws IOException {
    process =
        new ProcessBuilder(
                "redis-server",
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--dir",
                dir.toString())
            .redirectErrorStream(true)
            .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
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
                  if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                  }
                }
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
              ready.completeExceptionally(new IOException("redis-server exited:\n" + log));
            },
            "redis-" + port + "-output");
    reader.setDaemon(true);
    reader.start();
    try {
      ready.get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IOException("redis-server did not start on port " + port + ": " + log, e);
    }
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  int port() {
    return port;
  }

  /** SIGKILL, as a crash would. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts it again on the same port with the same data directory. */
  void restart() throws IOException {
    launch();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
