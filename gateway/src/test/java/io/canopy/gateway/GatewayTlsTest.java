package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ListenerProbes;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.common.tls.ServerTls;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a certificate configured, both fronts (and /observe on the HTTP one) speak TLS only, and
 * with a trust CA the gateway reaches serving-service and the registry over TLS, refusing servers
 * whose certificate does not chain to it. With {@code gateway.tls.client-ca} both fronts require
 * client certificates, and with {@code gateway.upstream.tls.cert-chain|private-key} the gateway
 * presents one upstream. The CA is generated per test.
 */
@ProcessSuite
class GatewayTlsTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private TestCertificates certs;
  private TestCertificates other;

  @BeforeEach
  void certificates() {
    certs = TestCertificates.create(dir.resolve("ca"));
    other = TestCertificates.create(dir.resolve("other"));
  }

  private RunningGateway start(Path upstreamCa) throws IOException {
    // The fakes behind the gateway present certificates of our CA.
    return start(upstreamCa, Map.of(), certs.serverTls());
  }

  private RunningGateway start(Path upstreamCa, Map<String, String> more, ServerTls upstreamTls)
      throws IOException {
    Map<String, String> settings = new HashMap<>();
    settings.put("gateway.tls.cert-chain", certs.certChain().toString());
    settings.put("gateway.tls.private-key", certs.privateKey().toString());
    settings.put("gateway.upstream.tls.trust-ca", upstreamCa.toString());
    settings.putAll(more);
    return cleanup.register(new RunningGateway(settings, GatewayMetrics.NOOP, upstreamTls));
  }

  /** Client certificate settings of the gateway's upstream channels. */
  private Map<String, String> upstreamCertificate() {
    return Map.of(
        "gateway.upstream.tls.cert-chain", certs.clientCertChain().toString(),
        "gateway.upstream.tls.private-key", certs.clientPrivateKey().toString());
  }

  private static PredictRequest request() {
    return PredictRequest.newBuilder()
        .setModel("m")
        .setVersion(2)
        .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(1))
        .build();
  }

  @Test
  void grpcPredict_overTlsBothHops() throws Exception {
    RunningGateway gw = start(certs.caCert());
    ManagedChannel channel =
        cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20, certs.clientTls()));
    var response =
        InferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(request());
    assertThat(response.getVersion()).isEqualTo(2);
    assertThat(gw.serving.predicts).hasSize(1);
  }

  @Test
  void httpPredict_overTls() throws Exception {
    RunningGateway gw = start(certs.caCert());
    try (HttpClient client = HttpClient.newBuilder().sslContext(certs.sslContext()).build()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          "https://127.0.0.1:"
                              + gw.gateway.httpPort()
                              + "/v1/models/m/versions/2:predict"))
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1]]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(RunningGateway.json(response).get("version").asLong()).isEqualTo(2);
    }
  }

  @Test
  void fronts_plaintextOrAnotherCa_fail() throws Exception {
    RunningGateway gw = start(certs.caCert());
    ListenerProbes.assertOnlyTheCaGetsThrough(
        gw.gateway.grpcPort(), gw.gateway.httpPort(), "/observe/health", certs, other);
  }

  @Test
  void upstreamWithCertificateOfAnotherCa_isRefused() throws Exception {
    RunningGateway gw = start(other.caCert());
    ManagedChannel channel =
        cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20, certs.clientTls()));

    assertPredictUnavailable(gw, channel);
  }

  @Test
  void mutualTls_frontsRequireClientCertificates_andBothUpstreamHopsPresentOne() throws Exception {
    Map<String, String> more = new HashMap<>(upstreamCertificate());
    more.put("gateway.tls.client-ca", certs.caCert().toString());
    // serving-service and the registry behind the gateway require client certificates.
    RunningGateway gw = start(certs.caCert(), more, certs.serverTlsRequiringClientsOf(certs));

    ManagedChannel channel =
        cleanup.register(
            GrpcTransports.channel(gw.grpcTarget(), 1 << 20, certs.clientTlsPresenting(certs)));
    var response =
        InferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(request());
    assertThat(response.getVersion()).isEqualTo(2);
    assertThat(gw.serving.predicts).hasSize(1);
    assertThat(
            ListenerProbes.httpGet(
                "https", gw.gateway.httpPort(), "/v1/models", certs.sslContextPresenting(certs)))
        .as("gateway -> registry over mutual TLS")
        .isEqualTo(200);

    ListenerProbes.assertOnlyClientsOfTheCaGetThrough(
        gw.gateway.grpcPort(), gw.gateway.httpPort(), "/observe/health", certs, other);
  }

  @Test
  void mutualTlsUpstream_withoutAClientCertificate_isRefused() throws Exception {
    RunningGateway gw = start(certs.caCert(), Map.of(), certs.serverTlsRequiringClientsOf(certs));
    ManagedChannel channel =
        cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20, certs.clientTls()));

    assertPredictUnavailable(gw, channel);
    assertThat(
            ListenerProbes.httpGet(
                "https", gw.gateway.httpPort(), "/v1/models", certs.sslContext()))
        .as("gateway -> registry refused")
        .isEqualTo(503);
  }

  /** A Predict through the gateway fails UNAVAILABLE and never reaches serving. */
  private static void assertPredictUnavailable(RunningGateway gw, ManagedChannel channel) {
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                InferenceServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(request()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(gw.serving.predicts).isEmpty();
  }

  @Test
  void mutualTls_badSettings_failAtStartupNamingTheKey() {
    Map<String, String> clientCaOnly = new HashMap<>();
    clientCaOnly.put("gateway.tls.client-ca", certs.caCert().toString());
    assertThatThrownBy(() -> GatewayConfig.create(RunningGateway.config(clientCaOnly)))
        .hasMessageStartingWith("gateway.tls.client-ca: needs gateway.tls.cert-chain");
    Map<String, String> keyOnly = new HashMap<>();
    keyOnly.put("gateway.upstream.tls.trust-ca", certs.caCert().toString());
    keyOnly.put("gateway.upstream.tls.private-key", certs.clientPrivateKey().toString());
    assertThatThrownBy(() -> GatewayConfig.create(RunningGateway.config(keyOnly)))
        .hasMessageContaining(
            "gateway.upstream.tls.cert-chain and gateway.upstream.tls.private-key");
  }
}
