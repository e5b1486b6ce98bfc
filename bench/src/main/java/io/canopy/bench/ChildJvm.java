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
 * A Canopy service started as a child JVM for {@code --tune}: the JDK and classpath of this process
 * (what the {@code canopy} launcher runs), its main class, its settings as {@code -D} overrides
 * above its yaml, {@code CANOPY_CONFIG} and the environment (which it inherits). Started when its
 * banner line appears (the caller reads the ports it bound from it); stopped with SIGTERM (SIGKILL
 * after a grace), also when this JVM exits first.
 */
final class ChildJvm implements AutoCloseable {

  /** Lines of the child's output kept for a failure message. */
  private static final int TAIL_LINES = 40;

  private final Process process;
  private final Thread reaper;
  private final Matcher banner;

  private ChildJvm(Process process, Thread reaper, Matcher banner) {
    this.process = process;
    this.reaper = reaper;
    this.banner = banner;
  }

  /**
   * Starts {@code mainClass} with {@code settings} and waits at most {@code startTimeout} for a
   * line of its output that {@code banner} finds; {@code what} names it in errors.
   */
  static ChildJvm start(
      String what,
      String mainClass,
      Map<String, String> settings,
      Pattern banner,
      Duration startTimeout)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command(mainClass, settings)).redirectErrorStream(true).start();
    Thread reaper = new Thread(process::destroyForcibly, what + "-reaper");
    Runtime.getRuntime().addShutdownHook(reaper);
    CompletableFuture<Matcher> found = new CompletableFuture<>();
    Deque<String> tail = new ArrayDeque<>();
    Thread.ofPlatform()
        .daemon()
        .name(what + "-output")
        .start(() -> drain(process, banner, found, tail, what));
    try {
      return new ChildJvm(
          process, reaper, found.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException | TimeoutException e) {
      stop(process);
      Runtime.getRuntime().removeShutdownHook(reaper);
      String output;
      synchronized (tail) {
        output = String.join("\n", tail);
      }
      throw new IOException(
          "the "
              + what
              + " did not start within "
              + startTimeout.toSeconds()
              + " s; its output:\n"
              + output,
          e);
    }
  }

  /** Fails unless this process's classpath has {@code mainClass} (the CLI's has every service). */
  static void requireOnClasspath(String mainClass) {
    if (ChildJvm.class.getClassLoader().getResource(mainClass.replace('.', '/') + ".class")
        == null) {
      throw new IllegalStateException(
          "--tune starts "
              + mainClass
              + " from this classpath, which does not have it: run it as `canopy bench --tune`");
    }
  }

  private static List<String> command(String mainClass, Map<String, String> settings) {
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
    command.add(mainClass);
    return command;
  }

  /** Reads the child's output to its end (so it never blocks on a full pipe), keeping a tail. */
  private static void drain(
      Process process,
      Pattern banner,
      CompletableFuture<Matcher> found,
      Deque<String> tail,
      String what) {
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
        Matcher m = banner.matcher(line);
        if (!found.isDone() && m.find()) {
          found.complete(m);
        }
      }
    } catch (IOException e) {
      found.completeExceptionally(e);
    }
    found.completeExceptionally(new IOException("the " + what + " exited"));
  }

  /** The banner line's match: its groups name what the child bound. */
  Matcher banner() {
    return banner;
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
