package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** With a certificate configured, both fronts speak TLS (a self-signed test certificate). */
class GatewayTlsTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;
  private Path cert;

  @BeforeEach
  void start() throws Exception {
    cert = Path.of(getClass().getResource("/tls/cert.pem").toURI());
    Path key = Path.of(getClass().getResource("/tls/key.pem").toURI());
    gw =
        cleanup.register(
            new RunningGateway(
                Map.of("gateway.tls.cert-chain", cert.toString(), "gateway.tls.private-key", key.toString())));
  }

  @Test
  void grpcPredict_overTls() throws Exception {
    ManagedChannel channel =
        cleanup.register(
            NettyChannelBuilder.forTarget("127.0.0.1:" + gw.gateway.grpcPort())
                .sslContext(GrpcSslContexts.forClient().trustManager(cert.toFile()).build())
                .build());
    var response =
        InferenceServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .predict(
                PredictRequest.newBuilder()
                    .setModel("m")
                    .setVersion(2)
                    .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(1))
                    .build());
    assertThat(response.getVersion()).isEqualTo(2);
  }

  @Test
  void httpPredict_overTls() throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = getClass().getResourceAsStream("/tls/cert.pem")) {
      trust.setCertificateEntry("gateway", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    try (HttpClient client = HttpClient.newBuilder().sslContext(ssl).build()) {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(
                      URI.create("https://127.0.0.1:" + gw.gateway.httpPort() + "/v1/models/m/versions/2:predict"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"instances\": [[1]]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(RunningGateway.json(response).get("version").asLong()).isEqualTo(2);
    }
  }
}
