package io.canopy.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FakeServing} in a child JVM, so a test can kill a replica for real (SIGKILL: its
 * connections drop as when a serving process dies), not merely shut a server down.
 */
final class ServingProcess implements AutoCloseable {

  private final Process process;
  private final int port;

  ServingProcess() throws IOException {
    this(false);
  }

  /**
   * @param costly spend {@link FakeServing#costly}'s CPU cost per Predict
   */
  ServingProcess(boolean costly) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ServingProcess.class.getName(),
                Boolean.toString(costly))
            .redirectErrorStream(true)
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    int found = -1;
    while (found < 0 && (line = out.readLine()) != null) {
      if (line.startsWith("port ")) {
        found = Integer.parseInt(line.substring(5).trim());
      }
    }
    if (found < 0) {
      process.destroyForcibly();
      throw new IOException("the child serving process did not start");
    }
    port = found;
    Thread.ofVirtual().start(() -> out.lines().forEach(l -> {}));
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  /** SIGKILL. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }

  public static void main(String[] args) throws Exception {
    FakeServing serving = new FakeServing();
    if (args.length > 0 && Boolean.parseBoolean(args[0])) {
      serving.onPredict = FakeServing::costly;
    }
    System.out.println("port " + serving.target().substring(serving.target().lastIndexOf(':') + 1));
    System.out.flush();
    Thread.currentThread().join();
  }
}
