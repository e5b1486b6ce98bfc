package io.canopy.cli.up;

import io.canopy.bench.TlsOptions;
import io.canopy.cli.Table;
import io.canopy.common.tls.ClientTls;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code canopy up [--demo]}: registry, serving and gateway in one process with embedded stores
 * (SQLite, a content-addressed directory, RocksDB) under {@code ./.canopy}. Ctrl-C stops all. When
 * the suite's configuration turns TLS on, the demo's client needs {@code --tls-ca} (and {@code
 * --tls-cert}/{@code --tls-key} for mutual TLS).
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = "Run registry, serving and gateway in one process.")
public final class UpCommand implements Callable<Integer> {

  @Option(names = "--demo", description = "also train, register and serve a demo model")
  boolean demo;

  @Mixin TlsOptions tlsOptions;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    long startNanos = System.nanoTime();
    ClientTls clientTls = demoClientTls();
    Suite suite = Suite.start(Map.of());
    if (demo) {
      try {
        Demo.requireClientTls(suite.tls(), clientTls);
      } catch (IllegalArgumentException e) {
        suite.close();
        throw new ParameterException(spec.commandLine(), "up --demo: " + e.getMessage());
      }
    }
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
        .row(
            "gateway",
            http(tls.gateway(), suite.gateway().httpPort()),
            "HTTP/JSON API, /observe/health")
        .row("gateway", http(tls.gateway(), suite.gateway().httpPort()) + "/ui/", "web console")
        .row(
            "gateway",
            "127.0.0.1:" + suite.gateway().grpcPort(),
            grpc(tls.gateway(), "gRPC Inference + KServe v2"))
        .row(
            "serving",
            "127.0.0.1:" + suite.serving().grpcPort(),
            grpc(tls.serving(), "gRPC Inference + KServe v2"))
        .row(
            "serving",
            http(tls.serving(), suite.serving().adminPort()),
            "admin: /observe/health, /observe/metrics")
        .row(
            "registry",
            "127.0.0.1:" + suite.registry().grpcPort(),
            grpc(tls.registry(), "gRPC ModelRegistryService"))
        .row(
            "registry",
            http(tls.registry(), suite.registry().adminPort()),
            "admin: /observe/health, /observe/metrics")
        .row(
            "monitor",
            "127.0.0.1:" + suite.monitor().grpcPort(),
            grpc(suite.monitor().tlsEnabled(), "gRPC MonitorService (canopy monitor)"))
        .row(
            "monitor",
            http(suite.monitor().tlsEnabled(), suite.monitor().adminPort()),
            "admin: /observe/health, /observe/metrics")
        .print(System.out);
    if (tls.clientCertificates()) {
      System.out.println(
          "canopy: mutual TLS: clients must present a certificate of the configured client-ca");
    }
    if (demo) {
      new Demo(suite, clientTls, System.out).run(startNanos);
    }
    System.out.println("canopy: up. Ctrl-C stops everything.");
    stopped.await();
    return 0;
  }

  /** The demo client's TLS; a usage error without --demo or with --tls-authority. */
  private ClientTls demoClientTls() {
    ClientTls clientTls = tlsOptions.clientTls();
    if (clientTls.enabled() && !demo) {
      throw new ParameterException(spec.commandLine(), "--tls-ca and its options need --demo");
    }
    if (!clientTls.authority().isEmpty()) {
      // the demo's HTTPS call checks the URL's host, so the authority could not apply to it
      throw new ParameterException(
          spec.commandLine(),
          "--tls-authority: up --demo reaches its services at 127.0.0.1; their certificates must"
              + " name 127.0.0.1");
    }
    return clientTls;
  }

  private static String http(boolean tls, int port) {
    return (tls ? "https" : "http") + "://127.0.0.1:" + port;
  }

  private static String grpc(boolean tls, String what) {
    return tls ? what + " (TLS)" : what;
  }
}
