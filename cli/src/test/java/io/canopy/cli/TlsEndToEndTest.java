package io.canopy.cli;

import static io.canopy.cli.CliRun.canopy;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.cli.up.Suite;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.ListenerProbes;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole suite with TLS on every listener and every hop, one generated CA: the cli registers a
 * model over TLS, serving fetches it from the registry over TLS, the gateway forwards to serving
 * over TLS, and clients predict over gRPC and HTTPS. Clients without the CA, or with another one,
 * are refused.
 */
@ProcessSuite
class TlsEndToEndTest {

  private static final String MODEL = "tls-model";
  private static final int FEATURES = 30;
  private static final String LIVE = "/observe/health/live";

  @TempDir static Path dir;
  private static TestCertificates certs;
  private static TestCertificates other;
  private static Suite suite;

  @BeforeAll
  static void startSuite() {
    certs = TestCertificates.create(dir.resolve("ca"));
    other = TestCertificates.create(dir.resolve("other"));
    String chain = certs.certChain().toString();
    String key = certs.privateKey().toString();
    String ca = certs.caCert().toString();
    Map<String, String> tls = new HashMap<>();
    for (String service : List.of("registry", "serving", "gateway")) {
      tls.put(service + ".tls.cert-chain", chain);
      tls.put(service + ".tls.private-key", key);
    }
    tls.put("serving.registry.tls.trust-ca", ca);
    tls.put("gateway.upstream.tls.trust-ca", ca);
    suite = TestSuites.start(dir.resolve("suite"), tls);
  }

  @AfterAll
  static void stopSuite() {
    if (suite != null) {
      suite.close();
    }
  }

  @Test
  void everyHopOverTls_modelRegisteredServedAndPredicted() throws Exception {
    Path model = dir.resolve("model.ubj");
    Files.write(model, Fixtures.bytes("breast_cancer_binary.ubj"));
    String registry = "127.0.0.1:" + suite.registry().grpcPort();
    String gateway = "127.0.0.1:" + suite.gateway().grpcPort();
    String ca = certs.caCert().toString();

    // cli → registry: refused without the CA, accepted with it.
    CliRun plaintext = canopy("register", MODEL, model.toString(), "--registry", registry);
    assertThat(plaintext.exit()).isEqualTo(1);
    CliRun registered =
        canopy(
            "register",
            MODEL,
            model.toString(),
            "--alias",
            "production",
            "--registry",
            registry,
            "--tls-ca",
            ca);
    assertThat(registered.exit()).as(registered.err()).isZero();
    assertThat(registered.out()).contains(MODEL + " version 1 READY");

    // registry → serving → gateway, all TLS: the version becomes AVAILABLE through the gateway.
    ManagedChannel channel = GrpcTransports.channel(gateway, 1 << 22, certs.clientTls());
    try {
      TestSuites.awaitAvailable(channel, MODEL, 1, Duration.ofSeconds(60));
      float[] rows = Fixtures.matrix("breast_cancer_rows.csv", FEATURES);
      DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(FEATURES);
      for (int i = 0; i < FEATURES; i++) {
        dense.addValues(rows[i]);
      }
      PredictResponse response =
          InferenceServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .predict(PredictRequest.newBuilder().setModel(MODEL).setDense(dense).build());
      assertThat(response.getVersion()).isEqualTo(1);
      assertThat(response.getValuesCount()).isEqualTo(1);
    } finally {
      channel.shutdownNow();
    }

    // HTTPS through the gateway's HTTP front.
    StringBuilder row = new StringBuilder("{\"instances\": [[");
    for (int i = 0; i < FEATURES; i++) {
      row.append(i == 0 ? "" : ",").append(1.0);
    }
    row.append("]]}");
    try (HttpClient http = HttpClient.newBuilder().sslContext(certs.sslContext()).build()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "https://127.0.0.1:"
                              + suite.gateway().httpPort()
                              + "/v1/models/"
                              + MODEL
                              + ":predict"))
                  .timeout(Duration.ofSeconds(30))
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(row.toString()))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    // cli predict: with the CA it answers; with none or another CA the handshake fails.
    String[] predict = {
      "predict", MODEL, "--target", gateway, "--row", "1,".repeat(FEATURES - 1) + "1"
    };
    assertThat(canopy(concat(predict, "--tls-ca", ca)).exit()).isZero();
    CliRun noCa = canopy(predict);
    assertThat(noCa.exit()).isEqualTo(1);
    assertThat(noCa.err()).contains("UNAVAILABLE").contains("pass --tls-ca");
    assertThat(canopy(concat(predict, "--tls-ca", other.caCert().toString())).exit()).isEqualTo(1);
    assertThat(canopy(concat(predict, "--tls-ca", dir.resolve("missing.pem").toString())).exit())
        .isEqualTo(2);
  }

  @Test
  void everyListener_refusesPlaintextAndAnotherCa() throws Exception {
    ListenerProbes.assertOnlyTheCaGetsThrough(
        suite.registry().grpcPort(), suite.registry().adminPort(), LIVE, certs, other);
    ListenerProbes.assertOnlyTheCaGetsThrough(
        suite.serving().grpcPort(), suite.serving().adminPort(), LIVE, certs, other);
    ListenerProbes.assertOnlyTheCaGetsThrough(
        suite.gateway().grpcPort(), suite.gateway().httpPort(), LIVE, certs, other);
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
