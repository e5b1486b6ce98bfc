package io.canopy.gateway;

import static io.canopy.gateway.FraudModel.FRAUD;
import static io.canopy.gateway.FraudModel.infer;
import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** KServe v2 calls routed and retried like Predict, and the x-routing-key header/metadata. */
class GatewayKServeRoutingTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private static final Metadata.Key<String> ROUTING_KEY =
      Metadata.Key.of("x-routing-key", Metadata.ASCII_STRING_MARSHALLER);

  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    gw = cleanup.register(new RunningGateway(Map.of()));
    gw.registry.publish(FRAUD);
    channel = cleanup.register(GrpcTransports.channel(gw.grpcTarget(), 1 << 20));
    Await.until(
        "watch seen",
        Duration.ofSeconds(20),
        () -> kserve().modelInfer(infer("")).getModelVersion().equals("1"));
  }

  private GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub kserve() {
    return GRPCInferenceServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  /** A ModelInfer with a parameter, which keeps it off Predict's path: it goes as it is. */
  private static ModelInferRequest relayed(String version) {
    return infer(version).toBuilder()
        .putParameters("priority", InferParameter.newBuilder().setInt64Param(1).build())
        .build();
  }

  @Test
  void kserve_noVersion_isRoutedToProduction_explicitVersionStays_onBothFronts() throws Exception {
    // A light ModelInfer goes upstream as the Predict it amounts to.
    assertThat(kserve().modelInfer(infer("")).getModelVersion()).isEqualTo("1");
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(1);
    // Serving's prediction record says how the call was routed.
    assertThat(gw.serving.predictSeen.get().getParts(0).getRoute()).isEqualTo("production");
    assertThat(kserve().modelInfer(infer("2")).getModelVersion()).isEqualTo("2");
    assertThat(gw.serving.predictSeen.get().getParts(0).getRoute()).isEqualTo("version");
    // One that is not light goes as the ModelInfer it is, routed the same way.
    assertThat(kserve().modelInfer(relayed("")).getModelVersion()).isEqualTo("1");
    assertThat(gw.serving.inferSeen.get().getModelVersion()).isEqualTo("1");
    assertThat(gw.serving.inferSeen.get().getParametersMap().get("canopy_route").getStringParam())
        .isEqualTo("production");
    assertThat(kserve().modelInfer(relayed("2")).getModelVersion()).isEqualTo("2");
    assertThat(gw.serving.inferSeen.get().getParametersMap().get("canopy_route").getStringParam())
        .isEqualTo("version");
    assertThat(
            kserve()
                .modelMetadata(ModelMetadataRequest.newBuilder().setName("fraud").build())
                .getVersions(0))
        .isEqualTo("1");
    kserve().modelReady(ModelReadyRequest.newBuilder().setName("fraud").build());
    assertThat(((ModelReadyRequest) gw.serving.lastRequest.get()).getVersion()).isEqualTo("1");

    String body =
        """
        {"inputs": [{"name": "input-0", "shape": [1, 1], "datatype": "FP32", "data": [0.5]}]}
        """;
    HttpResponse<String> http = gw.post("/v2/models/fraud/infer", body);
    assertThat(http.statusCode()).isEqualTo(200);
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(1);
    assertThat(RunningGateway.json(gw.get("/v2/models/fraud")).get("versions").toString())
        .isEqualTo("[\"1\"]");
    assertThat(gw.get("/v2/models/fraud/ready").statusCode()).isEqualTo(200);
    assertThat(((ModelReadyRequest) gw.serving.lastRequest.get()).getVersion()).isEqualTo("1");
    gw.post("/v2/models/fraud/versions/3/infer", body);
    assertThat(gw.serving.predictSeen.get().getVersion()).isEqualTo(3);
  }

  @Test
  void kserveInfer_andGetModelStatus_unavailableOnce_areRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    gw.serving.onInfer =
        r -> {
          if (calls.getAndIncrement() % 2 == 0) {
            throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
          }
          return FakeServing.doubled(r);
        };
    gw.serving.onPredict =
        r -> {
          if (calls.getAndIncrement() % 2 == 0) {
            throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
          }
          return FakeServing.oneValuePerRow(r);
        };
    assertThat(kserve().modelInfer(infer("")).getModelVersion()).isEqualTo("1");
    assertThat(kserve().modelInfer(relayed("")).getModelVersion()).isEqualTo("1");
    assertThat(
            gw.post(
                    "/v2/models/fraud/infer",
                    """
                    {"inputs": [{"name": "x", "shape": [1, 1], "datatype": "FP32", "data": [1]}]}
                    """)
                .statusCode())
        .isEqualTo(200);
    assertThat(calls.get()).isEqualTo(6);

    gw.serving.statusFailures.set(1);
    assertThat(
            InferenceServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .getModelStatus(GetModelStatusRequest.newBuilder().setModel("fraud").build())
                .getVersionsCount())
        .isEqualTo(1);
    assertThat(gw.serving.statusFailures.get()).isZero();
  }

  @Test
  void routingKey_fromHeaderAndMetadata_isSticky_andTheRequestFieldWins() throws Exception {
    gw.registry.publish(
        FRAUD.toBuilder()
            .setTrafficPolicy(
                TrafficPolicy.newBuilder()
                    .setSticky(true)
                    .addSplits(TrafficSplit.newBuilder().setVersion(1).setPercent(50))
                    .addSplits(TrafficSplit.newBuilder().setVersion(2).setPercent(50)))
            .build());
    Await.until(
        "policy seen",
        Duration.ofSeconds(10),
        () -> {
          java.util.Set<Long> versions = new java.util.HashSet<>();
          for (int i = 0; i < 20; i++) {
            versions.add(
                versionOverHttp(
                    "{\"routing_key\": \"user-" + i + "\", \"instances\": [[1]]}", null));
          }
          return versions.size() == 2;
        });
    boolean sawBoth = false;
    long first = -1;
    for (int i = 0; i < 20; i++) {
      String key = "user-" + i;
      long byField =
          versionOverHttp("{\"routing_key\": \"" + key + "\", \"instances\": [[1]]}", null);
      assertThat(versionOverHttp("{\"instances\": [[1]]}", key)).isEqualTo(byField);
      assertThat(grpcPredictVersion(key)).isEqualTo(byField);
      assertThat(kserveVersion(key)).isEqualTo(byField);
      // The body's key wins over the header's.
      assertThat(
              versionOverHttp(
                  "{\"routing_key\": \"" + key + "\", \"instances\": [[1]]}", "other-" + i))
          .isEqualTo(byField);
      sawBoth |= first >= 0 && byField != first;
      first = first < 0 ? byField : first;
    }
    assertThat(sawBoth).isTrue();
  }

  private long versionOverHttp(String body, String header) {
    try {
      return versionOverHttpOrThrow(body, header);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private long versionOverHttpOrThrow(String body, String header) throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(gw.uri("/v1/models/fraud:predict"))
            .header("content-type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (header != null) {
      request.header("x-routing-key", header);
    }
    return RunningGateway.json(gw.send(request)).get("version").asLong();
  }

  private long grpcPredictVersion(String key) {
    Metadata headers = new Metadata();
    headers.put(ROUTING_KEY, key);
    return InferenceServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .predict(
            io.canopy.proto.inference.v1.PredictRequest.newBuilder()
                .setModel("fraud")
                .setDense(
                    io.canopy.proto.inference.v1.DenseRows.newBuilder()
                        .setNumFeatures(1)
                        .addValues(1f))
                .build())
        .getVersion();
  }

  private long kserveVersion(String key) {
    Metadata headers = new Metadata();
    headers.put(ROUTING_KEY, key);
    return Long.parseLong(
        kserve()
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .modelInfer(infer(""))
            .getModelVersion());
  }
}
