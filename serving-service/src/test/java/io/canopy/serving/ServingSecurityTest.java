package io.canopy.serving;

import static io.canopy.serving.Fixtures.BREAST_CANCER_UBJ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.config.Listen;
import io.canopy.common.grpc.GrpcLimits;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ListenerProbes;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.testing.TestCertificates;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.proto.features.v1.FeatureStoreServiceGrpc;
import io.canopy.proto.features.v1.GetOnlineFeaturesRequest;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.LoadState;
import io.canopy.proto.inference.v1.ModelVersionStatus;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * serving-service's listeners over TLS with a generated CA, its channel to a TLS registry, and the
 * size limits of both listeners; the real wiring ({@link ServingServer#start}) on loopback.
 */
@ProcessSuite
class ServingSecurityTest {

  // Not MainTest's model: ServingServer.start reports to the JVM-wide metrics registry MainTest
  // reads.
  private static final String MODEL = "tls-model";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @TempDir Path dir;

  /** A fake registry with one READY version and a production alias, on Netty. */
  private GrpcServer registry(ServerTls tls) {
    FakeRegistry registry = new FakeRegistry();
    registry.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    registry.setAlias(MODEL, "production", 1);
    return serve(registry, tls);
  }

  private GrpcServer serve(FakeRegistry registry, ServerTls tls) {
    return cleanup.register(
        new GrpcServer(
                GrpcTransports.server(new Listen("127.0.0.1", 0), GrpcLimits.DEFAULTS, tls),
                List.of(registry),
                List.of())
            .start());
  }

  private ServingConfig config(int registryPort, Map<String, String> overrides) {
    Map<String, String> all = new HashMap<>(overrides);
    all.put("serving.registry.target", "127.0.0.1:" + registryPort);
    return ServingConfig.create(ServingHarness.config(dir.resolve("cache"), all));
  }

  /** Over a channel with {@code tls}: serving becomes SERVING and predicts with version 1. */
  private void assertLoadsAndPredictsVersion1(ServingServer server, ClientTls tls) {
    ManagedChannel channel =
        cleanup.register(GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20, tls));
    awaitServing(channel);
    assertThat(
            InferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(ServingHarness.breastCancerRequest(MODEL).build())
                .getVersion())
        .isEqualTo(1);
  }

  private void awaitServing(ManagedChannel channel) {
    var health = HealthGrpc.newBlockingStub(channel);
    Await.until(
        "serving loaded v1",
        () ->
            health
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance())
                    .getStatus()
                == ServingStatus.SERVING);
  }

  @Test
  void tls_everyListenerAndTheRegistryChannel_onlyTrustTheCa() throws Exception {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    TestCertificates other = TestCertificates.create(dir.resolve("other"));
    GrpcServer registry = registry(certs.serverTls());
    ServingConfig config =
        config(
            registry.port(),
            Map.of(
                "serving.tls.cert-chain", certs.certChain().toString(),
                "serving.tls.private-key", certs.privateKey().toString(),
                "serving.registry.tls.trust-ca", certs.caCert().toString()));
    ServingServer server = cleanup.register(ServingServer.start(config));

    // serving → registry over TLS: the model arrives and predicts, over a TLS client channel.
    assertLoadsAndPredictsVersion1(server, certs.clientTls());

    ListenerProbes.assertOnlyTheCaGetsThrough(
        server.grpcPort(), server.adminPort(), "/observe/health", certs, other);
  }

  @Test
  void mutualTls_listenersRequireClientCertificates_andServingPresentsOneToTheRegistry()
      throws Exception {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    TestCertificates other = TestCertificates.create(dir.resolve("other"));
    GrpcServer registry = registry(certs.serverTlsRequiringClientsOf(certs));
    Map<String, String> settings = new HashMap<>();
    settings.put("serving.tls.cert-chain", certs.certChain().toString());
    settings.put("serving.tls.private-key", certs.privateKey().toString());
    settings.put("serving.tls.client-ca", certs.caCert().toString());
    settings.put("serving.registry.tls.trust-ca", certs.caCert().toString());
    ServingConfig withoutCertificate = config(registry.port(), settings);
    settings.put("serving.registry.tls.cert-chain", certs.clientCertChain().toString());
    settings.put("serving.registry.tls.private-key", certs.clientPrivateKey().toString());
    ServingConfig config = config(registry.port(), settings);

    // The registry channel as Main builds it: refused without the client certificate.
    assertThat(ListenerProbes.grpcHealth(registry.port(), withoutCertificate.registryTls()))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ListenerProbes.grpcHealth(registry.port(), config.registryTls()))
        .isEqualTo(Status.Code.OK);

    // With it, serving → registry works end to end: the model arrives and predicts.
    ServingServer server = cleanup.register(ServingServer.start(config));
    assertLoadsAndPredictsVersion1(server, certs.clientTlsPresenting(certs));

    ListenerProbes.assertOnlyClientsOfTheCaGetThrough(
        server.grpcPort(), server.adminPort(), "/observe/health", certs, other);
  }

  @Test
  void mutualTls_badSettings_failAtStartupNamingTheKey() {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    assertThatThrownBy(() -> config(1, Map.of("serving.tls.client-ca", certs.caCert().toString())))
        .hasMessageStartingWith("serving.tls.client-ca: needs serving.tls.cert-chain");
    assertThatThrownBy(
            () ->
                config(
                    1,
                    Map.of(
                        "serving.registry.tls.trust-ca", certs.caCert().toString(),
                        "serving.registry.tls.cert-chain", certs.clientCertChain().toString())))
        .hasMessageContaining(
            "serving.registry.tls.cert-chain and serving.registry.tls.private-key");
  }

  @Test
  void artifactWithWrongSha256_overTheRealWiring_isNeverLoadedAndStatusSaysWhy() {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    FakeRegistry fake = new FakeRegistry();
    fake.addBreastCancer(MODEL, 1, BREAST_CANCER_UBJ);
    byte[] flipped = Fixtures.bytes(BREAST_CANCER_UBJ);
    flipped[flipped.length / 2] ^= 0x10;
    fake.serveBytes(MODEL, 1, flipped);
    fake.setAlias(MODEL, "production", 1);
    GrpcServer registry = serve(fake, certs.serverTls());
    ServingServer server =
        cleanup.register(
            ServingServer.start(
                config(
                    registry.port(),
                    Map.of("serving.registry.tls.trust-ca", certs.caCert().toString()))));
    ManagedChannel channel =
        cleanup.register(GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20));
    var inference = InferenceServiceGrpc.newBlockingStub(channel);
    GetModelStatusRequest request = GetModelStatusRequest.newBuilder().setModel(MODEL).build();

    Await.until("v1 is FAILED", () -> failed(inference, request));

    ModelVersionStatus status =
        inference.withDeadlineAfter(10, TimeUnit.SECONDS).getModelStatus(request).getVersions(0);
    assertThat(status.getReason()).contains("sha256 mismatch");
    assertThat(fake.downloads()).isPositive();
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                inference
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(ServingHarness.breastCancerRequest(MODEL).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
  }

  /** True once v1 is FAILED; false while serving has not heard of the model yet. */
  private static boolean failed(
      InferenceServiceGrpc.InferenceServiceBlockingStub inference, GetModelStatusRequest request) {
    try {
      return inference
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .getModelStatus(request)
          .getVersionsList()
          .stream()
          .anyMatch(v -> v.getState() == LoadState.LOAD_STATE_FAILED);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  @Test
  void startupBanner_redisPassword_isRedacted() {
    assertThat(Main.withoutPassword("redis://:s3cret-pass@10.0.0.5:6379/0"))
        .isEqualTo("redis://<redacted>@10.0.0.5:6379/0");
    assertThat(Main.withoutPassword("rediss://user:s3cret@cache:6380"))
        .isEqualTo("rediss://<redacted>@cache:6380");
    assertThat(Main.withoutPassword("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
  }

  @Test
  void registryChannel_trustingAnotherCa_failsTheHandshake() {
    TestCertificates certs = TestCertificates.create(dir.resolve("ca"));
    TestCertificates other = TestCertificates.create(dir.resolve("other"));
    GrpcServer registry = registry(certs.serverTls());
    ServingConfig trusting =
        config(registry.port(), Map.of("serving.registry.tls.trust-ca", certs.caCert().toString()));
    ServingConfig wrongCa =
        config(registry.port(), Map.of("serving.registry.tls.trust-ca", other.caCert().toString()));
    ServingConfig plaintext = config(registry.port(), Map.of());

    // The registry channel is built from these settings exactly as Main builds it.
    assertThat(ListenerProbes.grpcHealth(registry.port(), trusting.registryTls()))
        .isEqualTo(Status.Code.OK);
    assertThat(ListenerProbes.grpcHealth(registry.port(), wrongCa.registryTls()))
        .isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(ListenerProbes.grpcHealth(registry.port(), plaintext.registryTls()))
        .isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void tls_unreadableTrustCa_failsAtStartupNamingTheKey() {
    assertThatThrownBy(
            () ->
                config(
                    1,
                    Map.of("serving.registry.tls.trust-ca", dir.resolve("missing.pem").toString())))
        .hasMessageStartingWith("serving.registry.tls.trust-ca: cannot read");
  }

  @Test
  void limits_overLimitMessageAndAdminBody_refusedAndServerKeepsServing() throws Exception {
    GrpcServer registry = registry(ServerTls.PLAINTEXT);
    ServingServer server =
        cleanup.register(
            ServingServer.start(
                config(
                    registry.port(),
                    Map.of(
                        "serving.grpc.max-inbound-message-bytes", "65536",
                        "serving.admin.max-payload-bytes", "1024",
                        "serving.predict.max-rows", "100"))));
    ManagedChannel channel =
        cleanup.register(GrpcTransports.channel("127.0.0.1:" + server.grpcPort(), 1 << 20));
    awaitServing(channel);
    var inference = InferenceServiceGrpc.newBlockingStub(channel);

    DenseRows.Builder huge = DenseRows.newBuilder().setNumFeatures(30);
    for (int i = 0; i < 30 * 1000; i++) {
      huge.addValues(1f);
    }
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                inference
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(PredictRequest.newBuilder().setModel(MODEL).setDense(huge).build()));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    // Under the message limit but over the row limit, on each service that takes rows or keys.
    DenseRows.Builder rows101 = DenseRows.newBuilder().setNumFeatures(30);
    EntityRows.Builder keys101 = EntityRows.newBuilder();
    ModelInferRequest.InferInputTensor.Builder tensor101 =
        ModelInferRequest.InferInputTensor.newBuilder()
            .setName("input__0")
            .setDatatype("FP32")
            .addShape(101)
            .addShape(30);
    for (int r = 0; r < 101; r++) {
      keys101.addKeys("e" + r);
      for (int f = 0; f < 30; f++) {
        rows101.addValues(1f);
        tensor101.getContentsBuilder().addFp32Contents(1f);
      }
    }
    var bounded = inference.withDeadlineAfter(10, TimeUnit.SECONDS);
    assertRowLimit(
        () ->
            bounded.predict(PredictRequest.newBuilder().setModel(MODEL).setDense(rows101).build()),
        "dense: 101 rows exceed serving's limit of 100 per request");
    assertRowLimit(
        () ->
            bounded.predict(
                PredictRequest.newBuilder().setModel(MODEL).setEntities(keys101).build()),
        "entities: 101 rows");
    assertRowLimit(
        () ->
            GRPCInferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .modelInfer(
                    ModelInferRequest.newBuilder()
                        .setModelName(MODEL)
                        .addInputs(tensor101)
                        .build()),
        "inputs[0].shape: 101 rows");
    assertRowLimit(
        () ->
            FeatureStoreServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getOnlineFeatures(
                    GetOnlineFeaturesRequest.newBuilder()
                        .setFeatureView("any")
                        .addAllEntityKeys(keys101.getKeysList())
                        .build()),
        "entity_keys: 101 rows");
    assertThat(
            inference
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .predict(ServingHarness.breastCancerRequest(MODEL).build())
                .getVersion())
        .isEqualTo(1);

    assertThat(ListenerProbes.httpPostDeclaring(server.adminPort(), "/observe/health", 64 * 1024))
        .isEqualTo(413);
    assertThat(ListenerProbes.httpGet("http", server.adminPort(), "/observe/health", null))
        .isEqualTo(200);
  }

  private static void assertRowLimit(Runnable call, String message) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    assertThat(e).as(message).isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).startsWith(message);
  }
}
