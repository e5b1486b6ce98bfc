package io.canopy.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ListenerProbes;
import io.canopy.common.testing.LogCapture;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.proto.registry.v1.CreateModelRequest;
import io.canopy.proto.registry.v1.GetModelRequest;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's two listeners (gRPC and admin) over TLS with a generated CA, their size limits,
 * and admin tokens that never reach a log line or the config's text.
 */
@ProcessSuite
class RegistrySecurityTest {

  private static final String ADMIN_TOKEN = "registry-admin-secret-7f3a9c";
  private static final String WRONG_TOKEN = "registry-wrong-secret-0b1d2e";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @RegisterExtension final LogCapture logs = new LogCapture();
  @TempDir Path dir;

  private RegistryServer start(Map<String, String> overrides) {
    return cleanup.register(
        RegistryServer.start(TestConfigs.registry(dir.resolve("data"), overrides)));
  }

  private static Map<String, String> tls(TestCertificates certs) {
    return Map.of(
        "registry.tls.cert-chain", certs.certChain().toString(),
        "registry.tls.private-key", certs.privateKey().toString());
  }

  @Test
  void tls_bothListeners_onlyClientsTrustingTheCaGetThrough() throws Exception {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    TestCertificates other = TestCertificates.create(dir.resolve("other"));
    RegistryServer server = start(tls(certs));

    ListenerProbes.assertOnlyTheCaGetsThrough(
        server.grpcPort(), server.adminPort(), "/observe/health", certs, other);
  }

  @Test
  void mutualTls_bothListeners_onlyClientsWithACertificateOfTheClientCaGetThrough()
      throws Exception {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    TestCertificates other = TestCertificates.create(dir.resolve("other"));
    Map<String, String> settings = new HashMap<>(tls(certs));
    settings.put("registry.tls.client-ca", certs.caCert().toString());
    RegistryServer server = start(settings);

    ListenerProbes.assertOnlyClientsOfTheCaGetThrough(
        server.grpcPort(), server.adminPort(), "/observe/health", certs, other);
  }

  @Test
  void mutualTls_clientCaWithoutCertificate_failsAtStartupNamingTheKey() {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    assertThatThrownBy(
            () ->
                TestConfigs.registry(
                    dir, Map.of("registry.tls.client-ca", certs.caCert().toString())))
        .hasMessageStartingWith("registry.tls.client-ca: needs registry.tls.cert-chain");
    Map<String, String> unreadable = new HashMap<>(tls(certs));
    unreadable.put("registry.tls.client-ca", dir.resolve("missing.pem").toString());
    assertThatThrownBy(() -> TestConfigs.registry(dir, unreadable))
        .hasMessageStartingWith("registry.tls.client-ca: cannot read");
  }

  @Test
  void tls_keyWithoutCertificate_failsAtStartupNamingTheKey() {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    assertThatThrownBy(
            () ->
                TestConfigs.registry(
                    dir, Map.of("registry.tls.private-key", certs.privateKey().toString())))
        .hasMessageContaining("registry.tls.cert-chain and registry.tls.private-key");
  }

  @Test
  void grpc_messageOverLimit_resourceExhaustedAndServerKeepsServing() {
    RegistryServer server = start(Map.of("registry.grpc.max-inbound-message-bytes", "4096"));
    RegistryClient client =
        new RegistryClient(
            cleanup.register(GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20)));

    StatusRuntimeException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                client.blocking.createModel(
                    CreateModelRequest.newBuilder()
                        .setName("big")
                        .setDescription("d".repeat(8192))
                        .build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    client.blocking.createModel(CreateModelRequest.newBuilder().setName("small").build());
    assertThat(
            client
                .blocking
                .getModel(GetModelRequest.newBuilder().setName("small").build())
                .getModel()
                .getName())
        .isEqualTo("small");
  }

  @Test
  void admin_bodyOverLimit_413AndServerKeepsServing() throws Exception {
    RegistryServer server = start(Map.of("registry.admin.max-payload-bytes", "1024"));
    assertThat(ListenerProbes.httpPostDeclaring(server.adminPort(), "/observe/health", 64 * 1024))
        .isEqualTo(413);
    assertThat(ListenerProbes.httpGet("http", server.adminPort(), "/observe/health", null))
        .isEqualTo(200);
  }

  @Test
  void adminTokens_neverLoggedNorInTheConfigText() {
    Map<String, String> overrides = new HashMap<>();
    overrides.put("registry.auth.admin-token", ADMIN_TOKEN);
    RegistryConfig config = TestConfigs.registry(dir.resolve("data"), overrides);
    RegistryServer server = cleanup.register(RegistryServer.start(config));
    var channel =
        cleanup.register(GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20));

    for (String token : new String[] {WRONG_TOKEN, ADMIN_TOKEN}) {
      Metadata headers = new Metadata();
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
      var client =
          new RegistryClient(channel)
              .blocking.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
      if (token.equals(WRONG_TOKEN)) {
        // Refused, without the token it was given in the answer.
        StatusRuntimeException e =
            catchThrowableOfType(
                StatusRuntimeException.class,
                () ->
                    client
                        .withDeadlineAfter(10, TimeUnit.SECONDS)
                        .createModel(CreateModelRequest.newBuilder().setName("m").build()));
        assertThat(e).as("a call with a wrong token").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(String.valueOf(e.getStatus().getDescription())).doesNotContain(token);
      } else {
        assertThat(
                client
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createModel(CreateModelRequest.newBuilder().setName("m").build())
                    .getModel()
                    .getName())
            .isEqualTo("m");
      }
    }
    server.close();

    assertThat(logs.count()).as("the capture saw the registry's own records").isPositive();
    assertThat(logs.text()).doesNotContain(ADMIN_TOKEN).doesNotContain(WRONG_TOKEN);
    assertThat(config.toString()).doesNotContain(ADMIN_TOKEN).contains("redacted");
  }
}
