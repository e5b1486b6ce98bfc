package io.canopy.cli.up;

import io.canopy.cli.Table;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code canopy up [--demo]}: registry, serving and gateway in one process with embedded stores
 * (SQLite, a content-addressed directory, RocksDB) under {@code ./.canopy}. Ctrl-C stops all.
 */
@Command(name = "up", description = "Run registry, serving and gateway in one process.")
public final class UpCommand implements Callable<Integer> {

  @Option(names = "--demo", description = "also train, register and serve a demo model")
  boolean demo;

  @Override
  public Integer call() throws Exception {
    long startNanos = System.nanoTime();
    Suite suite = Suite.start(Map.of());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("canopy: stopping ...");
                  suite.close();
                  System.out.println("canopy: stopped");
                  stopped.countDown();
                },
                "canopy-shutdown"));
    new Table("SERVICE", "LISTENS ON", "WHAT")
        .row("gateway", "http://127.0.0.1:" + suite.gateway().httpPort(), "HTTP/JSON API, /observe/health")
        .row("gateway", "127.0.0.1:" + suite.gateway().grpcPort(), "gRPC Inference + KServe v2")
        .row("serving", "127.0.0.1:" + suite.serving().grpcPort(), "gRPC Inference + KServe v2")
        .row("serving", "http://127.0.0.1:" + suite.serving().adminPort(), "admin: /observe/health, /observe/metrics")
        .row("registry", "127.0.0.1:" + suite.registry().grpcPort(), "gRPC ModelRegistryService")
        .row("registry", "http://127.0.0.1:" + suite.registry().adminPort(), "admin: /observe/health, /observe/metrics")
        .print(System.out);
    if (demo) {
      new Demo(suite, System.out).run(startNanos);
    }
    System.out.println("canopy: up. Ctrl-C stops everything.");
    stopped.await();
    return 0;
  }
}
