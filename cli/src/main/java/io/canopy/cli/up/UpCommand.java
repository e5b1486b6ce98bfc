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
    Suite.Tls tls = suite.tls();
    new Table("SERVICE", "LISTENS ON", "WHAT")
        .row("gateway", http(tls.gateway(), suite.gateway().httpPort()), "HTTP/JSON API, /observe/health")
        .row("gateway", "127.0.0.1:" + suite.gateway().grpcPort(), grpc(tls.gateway(), "gRPC Inference + KServe v2"))
        .row("serving", "127.0.0.1:" + suite.serving().grpcPort(), grpc(tls.serving(), "gRPC Inference + KServe v2"))
        .row("serving", http(tls.serving(), suite.serving().adminPort()), "admin: /observe/health, /observe/metrics")
        .row("registry", "127.0.0.1:" + suite.registry().grpcPort(), grpc(tls.registry(), "gRPC ModelRegistryService"))
        .row("registry", http(tls.registry(), suite.registry().adminPort()), "admin: /observe/health, /observe/metrics")
        .print(System.out);
    if (demo) {
      new Demo(suite, System.out).run(startNanos);
    }
    System.out.println("canopy: up. Ctrl-C stops everything.");
    stopped.await();
    return 0;
  }

  private static String http(boolean tls, int port) {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port;
  }

  private static String grpc(boolean tls, String what) {
    return tls ? what + " (TLS)" : what;
  }
}
