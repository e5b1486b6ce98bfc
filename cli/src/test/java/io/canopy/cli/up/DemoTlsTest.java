package io.canopy.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.canopy.cli.Main;
import io.canopy.cli.TestSuites;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.common.tls.ClientTls;
import io.canopy.proto.monitor.v1.GetDriftRequest;
import io.canopy.proto.monitor.v1.GetQualityRequest;
import io.canopy.proto.monitor.v1.MonitorServiceGrpc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code up --demo} when the suite serves mutual TLS: the demo's client trusts the given CA and
 * presents the given certificate, registers, loads and predicts over gRPC and HTTPS, and prints
 * https curl lines with the CA and the certificate; missing client settings are usage errors.
 */
@ProcessSuite
class DemoTlsTest {

  @TempDir Path dir;

  /** The suite on port 0, every listener requiring client certificates of {@code certs}' CA. */
  private Suite mutualTlsSuite(TestCertificates certs) {
    Map<String, String> settings = new HashMap<>();
    for (String service : List.of("registry", "serving", "gateway")) {
      settings.put(service + ".tls.cert-chain", certs.certChain().toString());
      settings.put(service + ".tls.private-key", certs.privateKey().toString());
      settings.put(service + ".tls.client-ca", certs.caCert().toString());
    }
    for (String client : List.of("serving.registry.tls", "gateway.upstream.tls")) {
      settings.put(client + ".trust-ca", certs.caCert().toString());
      settings.put(client + ".cert-chain", certs.clientCertChain().toString());
      settings.put(client + ".private-key", certs.clientPrivateKey().toString());
    }
    return TestSuites.start(dir, settings);
  }

  @Test
  void demo_mutualTlsSuite_registersPredictsAndPrintsHttpsCurlLines() throws Exception {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (Suite suite = mutualTlsSuite(certs)) {
      assertThat(suite.tls()).isEqualTo(new Suite.Tls(true, true, true, true));
      assertThatThrownBy(() -> Demo.requireClientTls(suite.tls(), ClientTls.PLAINTEXT))
          .hasMessageContaining("--tls-ca");
      assertThatThrownBy(() -> Demo.requireClientTls(suite.tls(), certs.clientTls()))
          .hasMessageContaining("--tls-cert");

      new Demo(
              suite,
              certs.clientTlsPresenting(certs),
              new PrintStream(printed, true, StandardCharsets.UTF_8))
          .run(System.nanoTime());

      String out = printed.toString(StandardCharsets.UTF_8);
      assertThat(out)
          .contains("demo: registered churn version 1")
          .containsPattern("demo: first prediction [0-9.]+ s after start: \\{.*\"predictions\"")
          .contains(
              "curl -s --cacert "
                  + certs.caCert().toAbsolutePath()
                  + " --cert "
                  + certs.clientCertChain().toAbsolutePath()
                  + " --key "
                  + certs.clientPrivateKey().toAbsolutePath()
                  + " -X POST https://127.0.0.1:"
                  + suite.gateway().httpPort()
                  + "/v1/models/churn:predict");
      assertThat(out).doesNotContain("http://");
      // The demo's traffic: a quality with every outcome in, and the drifted feature on top.
      assertThat(out).contains("demo: sent 1500 predictions with their outcomes");
      var channel =
          io.canopy.common.grpc.GrpcTransports.channel(
              "127.0.0.1:" + suite.monitor().grpcPort(),
              io.canopy.common.grpc.GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES);
      try {
        var monitor = MonitorServiceGrpc.newBlockingStub(channel);
        var quality = monitor.getQuality(GetQualityRequest.newBuilder().setModel("churn").build());
        assertThat(quality.getReports(0).getWithOutcome()).isEqualTo(1500);
        assertThat(quality.getReports(0).getBinary().getAuc()).isBetween(0.7, 0.95);
        var drift = monitor.getDrift(GetDriftRequest.newBuilder().setModel("churn").build());
        assertThat(drift.getReports(0).getFeatures(0).getFeature()).isEqualTo("age");
        assertThat(drift.getReports(0).getFeatures(0).getPsi()).isGreaterThan(0.25);
        assertThat(drift.getReports(0).getFeatures(1).getPsi()).isLessThan(0.1);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void requireClientTls_plaintextSuite_needsNothing() {
    Demo.requireClientTls(new Suite.Tls(false, false, false, false), ClientTls.PLAINTEXT);
    assertThatThrownBy(
            () ->
                Demo.requireClientTls(
                    new Suite.Tls(false, false, true, false), ClientTls.PLAINTEXT))
        .hasMessageContaining("(gateway)")
        .hasMessageContaining("--tls-ca");
  }

  @Test
  void up_tlsOptionsMisused_exitWithUsageErrorBeforeStarting() {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    String ca = certs.caCert().toString();
    assertThat(up("--tls-ca", ca)).as("without --demo").isEqualTo(2);
    assertThat(up("--demo", "--tls-cert", certs.clientCertChain().toString())).isEqualTo(2);
    assertThat(up("--demo", "--tls-ca", ca, "--tls-authority", "canopy")).isEqualTo(2);
    assertThat(up("--demo", "--tls-ca", dir.resolve("missing.pem").toString())).isEqualTo(2);
  }

  /** {@code canopy up ...}, bounded: a usage error must come before the suite starts. */
  private static int up(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "up";
    System.arraycopy(args, 0, all, 1, args.length);
    CommandLine cli = new CommandLine(new Main());
    cli.setErr(new PrintWriter(new StringWriter(), true));
    return assertTimeoutPreemptively(Duration.ofSeconds(30), () -> cli.execute(all));
  }
}
