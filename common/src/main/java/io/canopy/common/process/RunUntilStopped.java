package io.canopy.common.process;

import java.util.concurrent.CountDownLatch;

/**
 * The end of every service's {@code main}: closes the running server when the JVM is asked to stop
 * (SIGTERM, Ctrl-C), gracefully, and keeps {@code main} waiting until that close finished.
 */
public final class RunUntilStopped {

  private RunUntilStopped() {}

  /**
   * Blocks until the JVM shuts down and {@code server} has closed.
   *
   * @param name the service, for the shutdown thread's name
   */
  public static void await(String name, AutoCloseable server) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    System.err.println(name + ": error while stopping: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                name + "-shutdown"));
    stopped.await();
  }
}
