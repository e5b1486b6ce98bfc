package io.canopy.common.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.admin.AdminServer;
import io.canopy.common.admin.AdminSettings;
import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ListenerProbes;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.common.testing.TestConfig;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on the shared listeners ({@code <svc>.tls.client-ca}) and client certificates on
 * channels ({@code <client>.tls.cert-chain|private-key}): only clients presenting a certificate of
 * the configured CA get through; bad settings fail naming the key.
 */
@ProcessSuite
class MutualTlsTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  private TestCertificates certs;
  private TestCertificates otherCa;

  @BeforeEach
  void certificates() {
    certs = TestCertificates.create(dir.resolve("ours"));
    otherCa = TestCertificates.create(dir.resolve("theirs"));
  }

  private GrpcServer grpc(ServerTls tls) {
    return cleanup.register(
        new GrpcServer(
                GrpcTransports.server(new Listen("127.0.0.1", 0), GrpcLimits.DEFAULTS, tls),
                List.of(),
                List.of())
            .start());
  }

  private AdminServer admin(ServerTls tls) {
    return cleanup.register(
        new AdminServer(
                new AdminSettings(new Listen("127.0.0.1", 0), 1024, tls), "test", () -> true)
            .start());
  }

  @Test
  void listeners_requireAClientCertificateOfTheClientCa() throws Exception {
    ServerTls tls = certs.serverTlsRequiringClientsOf(certs);
    ListenerProbes.assertOnlyClientsOfTheCaGetThrough(
        grpc(tls).port(), admin(tls).port(), "/observe/health", certs, otherCa);
  }

  @Test
  void listeners_clientCaOfAnotherCa_refuseOurClientsAndAcceptTheirs() throws Exception {
    ServerTls tls = certs.serverTlsRequiringClientsOf(otherCa);
    int grpc = grpc(tls).port();
    int admin = admin(tls).port();
    assertThat(ListenerProbes.grpcHealth(grpc, certs.clientTlsPresenting(certs)))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ListenerProbes.grpcHealth(grpc, certs.clientTlsPresenting(otherCa)))
        .isEqualTo(Status.Code.OK);
    assertThat(
            ListenerProbes.httpGet(
                "https", admin, "/observe/health", certs.sslContextPresenting(otherCa)))
        .isEqualTo(200);
  }

  @Test
  void listenersWithoutClientCa_acceptClientsWithAndWithoutCertificates() throws Exception {
    int grpc = grpc(certs.serverTls()).port();
    assertThat(ListenerProbes.grpcHealth(grpc, certs.clientTls())).isEqualTo(Status.Code.OK);
    assertThat(ListenerProbes.grpcHealth(grpc, certs.clientTlsPresenting(otherCa)))
        .isEqualTo(Status.Code.OK);
  }

  @Test
  void serverCreate_clientCa_requiresClientCertificates() {
    ServerTls tls =
        ServerTls.create(
            TestConfig.from(
                    Map.of(
                        "svc.tls.cert-chain", certs.certChain().toString(),
                        "svc.tls.private-key", certs.privateKey().toString(),
                        "svc.tls.client-ca", certs.caCert().toString()))
                .get("svc.tls"));
    assertThat(tls.requiresClientCertificates()).isTrue();
    assertThat(tls.clientCa()).isEqualTo(certs.caCert());
  }

  @Test
  void serverCreate_emptyClientCa_isServerTlsOnly() {
    ServerTls tls =
        ServerTls.create(
            TestConfig.from(
                    Map.of(
                        "svc.tls.cert-chain", certs.certChain().toString(),
                        "svc.tls.private-key", certs.privateKey().toString(),
                        "svc.tls.client-ca", ""))
                .get("svc.tls"));
    assertThat(tls.enabled()).isTrue();
    assertThat(tls.requiresClientCertificates()).isFalse();
  }

  @Test
  void serverCreate_clientCaWithoutCertificate_namesClientCa() {
    assertThatThrownBy(
            () ->
                ServerTls.create(
                    TestConfig.from(Map.of("svc.tls.client-ca", certs.caCert().toString()))
                        .get("svc.tls")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("svc.tls.client-ca: needs svc.tls.cert-chain");
  }

  @Test
  void serverCreate_unreadableClientCa_namesClientCa() {
    assertThatThrownBy(() -> server(dir.resolve("none.pem").toString()))
        .hasMessageStartingWith("svc.tls.client-ca: cannot read");
  }

  @Test
  void serverCreate_unparseableClientCa_namesClientCa() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
    assertThatThrownBy(() -> server(junk.toString())).hasMessageStartingWith("svc.tls.client-ca:");
  }

  private ServerTls server(String clientCa) {
    Map<String, String> values = new HashMap<>();
    values.put("svc.tls.cert-chain", certs.certChain().toString());
    values.put("svc.tls.private-key", certs.privateKey().toString());
    values.put("svc.tls.client-ca", clientCa);
    return ServerTls.create(TestConfig.from(values).get("svc.tls"));
  }

  private ClientTls client(Map<String, String> values) {
    return ClientTls.create(TestConfig.from(values).get("c.tls"));
  }

  @Test
  void clientCreate_certificate_presentsIt() {
    ClientTls tls =
        client(
            Map.of(
                "c.tls.trust-ca", certs.caCert().toString(),
                "c.tls.cert-chain", certs.clientCertChain().toString(),
                "c.tls.private-key", certs.clientPrivateKey().toString()));
    assertThat(tls.presentsCertificate()).isTrue();
    ServerTls server = certs.serverTlsRequiringClientsOf(certs);
    assertThat(ListenerProbes.grpcHealth(grpc(server).port(), tls)).isEqualTo(Status.Code.OK);
  }

  @Test
  void clientCreate_onlyOneFile_namesBothKeys() {
    assertThatThrownBy(
            () ->
                client(
                    Map.of(
                        "c.tls.trust-ca", certs.caCert().toString(),
                        "c.tls.cert-chain", certs.clientCertChain().toString())))
        .hasMessageContaining("c.tls.cert-chain and c.tls.private-key: set both or neither")
        .hasMessageContaining("c.tls.private-key is empty");
  }

  @Test
  void clientCreate_certificateWithoutTrustCa_namesTrustCa() {
    assertThatThrownBy(
            () ->
                client(
                    Map.of(
                        "c.tls.cert-chain", certs.clientCertChain().toString(),
                        "c.tls.private-key", certs.clientPrivateKey().toString())))
        .hasMessageStartingWith("c.tls.cert-chain: needs c.tls.trust-ca");
  }

  @Test
  void clientCreate_keyOfAnotherCertificate_namesPrivateKey() {
    assertThatThrownBy(
            () ->
                client(
                    Map.of(
                        "c.tls.trust-ca", certs.caCert().toString(),
                        "c.tls.cert-chain", certs.clientCertChain().toString(),
                        "c.tls.private-key", otherCa.clientPrivateKey().toString())))
        .hasMessageStartingWith("c.tls.private-key: the private key does not belong");
  }

  @Test
  void clientCreate_unreadableChain_namesCertChain() {
    assertThatThrownBy(
            () ->
                client(
                    Map.of(
                        "c.tls.trust-ca", certs.caCert().toString(),
                        "c.tls.cert-chain", dir.resolve("none.pem").toString(),
                        "c.tls.private-key", certs.clientPrivateKey().toString())))
        .hasMessageStartingWith("c.tls.cert-chain: cannot read");
  }

  @Test
  void toString_namesNoKeyMaterial() {
    assertThat(certs.clientTlsPresenting(certs).toString()).doesNotContain("client-key");
    assertThat(certs.serverTlsRequiringClientsOf(certs).toString()).doesNotContain("server-key");
  }
}
