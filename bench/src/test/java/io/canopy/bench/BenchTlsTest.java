package io.canopy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.common.tls.ServerTls;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code canopy bench} against targets in this JVM that require mutual TLS: with {@code --tls-ca},
 * {@code --tls-cert} and {@code --tls-key} the gRPC and HTTPS targets are reached; without the
 * client certificate, or in plaintext, no call gets through.
 */
@ProcessSuite
class BenchTlsTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private TestCertificates certs;
  private TestCertificates other;

  @BeforeEach
  void certificates() {
    certs = TestCertificates.create(dir.resolve("ours"));
    other = TestCertificates.create(dir.resolve("theirs"));
  }

  private int bench(String... args) {
    CommandLine cli = new CommandLine(new BenchCommand());
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("--no-progress", "--warmup", "0"));
    all.addAll(List.of(args));
    return cli.execute(all.toArray(String[]::new));
  }

  /** Runs a {@code --json} bench that must finish (exit 0); how many calls answered OK. */
  private long okCalls(String... args) {
    out.getBuffer().setLength(0);
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    assertThat(bench(all.toArray(String[]::new))).as(err.toString()).isZero();
    Matcher ok = Pattern.compile("^\\{\"target\":[^{]*\"ok\":(\\d+),").matcher(out.toString());
    assertThat(ok.find()).as(out.toString()).isTrue();
    return Long.parseLong(ok.group(1));
  }

  private String[] withCa(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--tls-ca", certs.caCert().toString()));
    return all.toArray(String[]::new);
  }

  private String[] withClientCertificate(TestCertificates issuer, String... args) {
    List<String> all = new ArrayList<>(List.of(withCa(args)));
    all.addAll(
        List.of(
            "--tls-cert", issuer.clientCertChain().toString(),
            "--tls-key", issuer.clientPrivateKey().toString()));
    return all.toArray(String[]::new);
  }

  /** An HTTPS listener answering every POST with a prediction; it records the paths. */
  private int httpsGateway(ServerTls tls, ConcurrentLinkedQueue<String> paths) {
    WebServerConfig.Builder builder =
        WebServer.builder()
            .host("127.0.0.1")
            .port(0)
            .routing(
                routes ->
                    routes.post(
                        (req, res) -> {
                          req.content().as(String.class);
                          paths.add(req.path().rawPath());
                          res.header("content-type", "application/json")
                              .send("{\"predictions\":[0.5]}");
                        }));
    tls.applyTo(builder);
    WebServer server = builder.build().start();
    cleanup.register((AutoCloseable) server::stop);
    return server.port();
  }

  @Test
  void grpcPredict_mutualTls_reachesTheTargetOnlyWithTheClientCertificate() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy(certs.serverTlsRequiringClientsOf(certs)));
    String[] predict = {
      "--grpc",
      fake.target(),
      "--model",
      "m",
      "--features",
      "3",
      "--requests",
      "5",
      "--timeout",
      "5s"
    };

    assertThat(okCalls(predict)).as("plaintext").isZero();
    assertThat(okCalls(withCa(predict))).as("no client certificate").isZero();
    assertThat(okCalls(withClientCertificate(other, predict))).as("another CA's").isZero();
    assertThat(fake.predictCalls.get()).isZero();

    assertThat(okCalls(withClientCertificate(certs, predict))).isEqualTo(5);
    assertThat(fake.predictCalls.get()).isEqualTo(5);
  }

  @Test
  void grpcPredict_tlsWithTheFloor_localFloorPlaintextRemoteFloorOverTls() throws Exception {
    FakeCanopy fake = cleanup.register(new FakeCanopy(certs.serverTls()));
    String[] predict = {
      "--grpc",
      fake.target(),
      "--model",
      "m",
      "--features",
      "3",
      "--requests",
      "5",
      "--compare-floor"
    };

    assertThat(okCalls(withCa(predict))).isEqualTo(5);
    assertThat(out.toString()).containsPattern("\"floor\":\\{\"target\":\"floor\"[^}]*\"ok\":5,");
    assertThat(fake.predictCalls.get()).isEqualTo(5);

    String[] remoteFloor = {
      "--grpc",
      fake.target(),
      "--target",
      "floor",
      "--floor-remote",
      "--requests",
      "3",
      "--timeout",
      "5s"
    };
    assertThat(okCalls(remoteFloor)).as("plaintext to the TLS target").isZero();
    assertThat(okCalls(withCa(remoteFloor))).isEqualTo(3);
  }

  @Test
  void httpPredict_mutualTls_reachesTheGatewayOnlyWithTheClientCertificate() throws Exception {
    ConcurrentLinkedQueue<String> paths = new ConcurrentLinkedQueue<>();
    int port = httpsGateway(certs.serverTlsRequiringClientsOf(certs), paths);
    String[] predict = {
      "--target",
      "http-predict",
      "--http",
      "https://127.0.0.1:" + port,
      "--model",
      "m",
      "--features",
      "3",
      "--requests",
      "4",
      "--timeout",
      "5s"
    };

    assertThat(okCalls(withCa(predict))).as("no client certificate").isZero();
    assertThat(okCalls(withClientCertificate(other, predict))).as("another CA's").isZero();
    assertThat(paths).isEmpty();

    assertThat(okCalls(withClientCertificate(certs, predict))).isEqualTo(4);
    assertThat(paths).hasSize(4).allMatch("/v1/models/m:predict"::equals);
  }

  @Test
  void tlsOptions_misused_exitWithUsageError() {
    String ca = certs.caCert().toString();
    String[] http = {
      "--target", "http-predict", "--model", "m", "--features", "3", "--requests", "1"
    };

    assertThat(bench(withCa(http))).as("an http:// URL with --tls-ca").isEqualTo(2);
    List<String> authority = new ArrayList<>(List.of(withCa(http)));
    authority.addAll(List.of("--http", "https://127.0.0.1:1", "--tls-authority", "gw"));
    assertThat(bench(authority.toArray(String[]::new))).isEqualTo(2);
    assertThat(bench("--model", "m", "--features", "3", "--tls-cert", ca)).isEqualTo(2);
    assertThat(bench("--model", "m", "--features", "3", "--tls-ca", dir.resolve("none").toString()))
        .isEqualTo(2);
    assertThat(
            bench(
                "--model",
                "m",
                "--features",
                "3",
                "--tls-ca",
                ca,
                "--tls-cert",
                certs.clientCertChain().toString()))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--tls-ca", "--tls-authority", "--tls-cert");
  }
}
