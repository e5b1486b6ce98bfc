package io.canopy.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.canopy.common.error.CanopyException;
import io.canopy.common.error.ErrorMapping;
import io.canopy.common.grpc.GrpcTransports;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.InferenceServiceGrpc.InferenceServiceBlockingStub;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc;
import io.canopy.proto.kserve.v2.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelMetadataRequest;
import io.canopy.proto.kserve.v2.ModelReadyRequest;
import io.canopy.proto.kserve.v2.ServerLiveRequest;
import io.canopy.proto.kserve.v2.ServerMetadataRequest;
import io.canopy.proto.kserve.v2.ServerReadyRequest;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gRPC front end to end: real wiring on port 0, a fake serving-service behind it. */
class GatewayGrpcTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private RunningGateway gw;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    gw =
        cleanup.register(
            new RunningGateway(Map.of("gateway.upstream.timeout", "90s", "gateway.max-rows", "3")));
    channel =
        cleanup.register(
            GrpcTransports.channel(
                gw.grpcTarget(), GrpcTransports.DEFAULT_MAX_INBOUND_MESSAGE_BYTES));
  }

  private InferenceServiceBlockingStub inference() {
    return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static PredictRequest twoRows() {
    return PredictRequest.newBuilder()
        .setModel("iris")
        .setAlias("production")
        .setRequestId("two-rows")
        .setDense(
            DenseRows.newBuilder()
                .setNumFeatures(2)
                .addValues(1)
                .addValues(2)
                .addValues(3)
                .addValues(4))
        .build();
  }

  @Test
  void predict_isForwardedWithTheCallersDeadline() {
    PredictResponse response = inference().predict(twoRows());

    assertThat(response.getValuesList()).containsExactly(0.5f, 1.5f);
    // Unchanged but for the part that names the request and its route for prediction records.
    PredictRequest upstream = gw.serving.predictSeen.get();
    assertThat(upstream.toBuilder().clearParts().build()).isEqualTo(twoRows());
    assertThat(upstream.getPartsList())
        .singleElement()
        .satisfies(
            part -> {
              assertThat(part.getRequestId()).isEqualTo("two-rows");
              assertThat(part.getRows()).isEqualTo(2);
              assertThat(part.getShadow()).isFalse();
            });
    Deadline seen = gw.serving.deadlineSeen.get();
    assertThat(seen).isNotNull();
    // The caller's 30 s, not the 90 s default: a gateway that dropped it would show more.
    assertThat(seen.timeRemaining(TimeUnit.SECONDS)).isBetween(1L, 30L);
  }

  @Test
  void predict_requestId_fromTheFieldTheMetadataOrGenerated_reachesServingAndComesBack() {
    PredictRequest anonymous = twoRows().toBuilder().clearRequestId().build();

    PredictResponse generated = inference().predict(anonymous);
    String sent = gw.serving.predictSeen.get().getRequestId();
    assertThat(sent).matches("[0-9a-f]{32}");
    PredictResponse viaMetadata =
        inference()
            .withInterceptors(
                io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(requestIdHeader("m-7")))
            .predict(anonymous);

    assertThat(gw.serving.predictSeen.get().getRequestId()).isEqualTo("m-7");
    assertThat(generated.getRequestId()).isEqualTo(sent);
    assertThat(viaMetadata.getRequestId()).isEqualTo("m-7");
    assertThat(inference().predict(twoRows()).getRequestId()).isEqualTo("two-rows");
  }

  @Test
  void predict_requestIdTooLongOrWithSpaces_isInvalidNamingTheField() {
    for (String bad : new String[] {"x".repeat(129), "has space"}) {
      StatusRuntimeException e =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () -> inference().predict(twoRows().toBuilder().setRequestId(bad).build()));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains("request_id");
    }
  }

  private static io.grpc.Metadata requestIdHeader(String id) {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(
        io.grpc.Metadata.Key.of("x-request-id", io.grpc.Metadata.ASCII_STRING_MARSHALLER), id);
    return headers;
  }

  @Test
  void predict_withoutCallerDeadline_getsTheConfiguredDefault() {
    InferenceServiceGrpc.newBlockingStub(channel).predict(twoRows());

    Deadline seen = gw.serving.deadlineSeen.get();
    assertThat(seen).isNotNull();
    assertThat(seen.timeRemaining(TimeUnit.SECONDS)).isBetween(31L, 90L);
  }

  @Test
  void predict_upstreamUnavailable_isPassedThrough() {
    gw.serving.onPredict =
        r -> {
          throw Status.UNAVAILABLE.withDescription("overloaded").asRuntimeException();
        };

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> inference().predict(twoRows()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void predict_upstreamInvalidArgument_keepsTheFieldDetails() {
    gw.serving.onPredict =
        r -> {
          throw ErrorMapping.toStatusException(
              new CanopyException.InvalidArgument("dense.num_features", "model expects 4"));
        };

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> inference().predict(twoRows()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details).isNotNull();
    assertThat(details.getDetailsList()).hasSize(1);
    assertThat(details.getDetails(0).is(BadRequest.class)).isTrue();
  }

  @Test
  void predict_servingDown_isUnavailable() throws Exception {
    gw.serving.close();

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> inference().predict(twoRows()));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  @Test
  void predict_moreRowsThanAllowed_isResourceExhaustedWithoutReachingServing() {
    PredictRequest fourRows =
        PredictRequest.newBuilder()
            .setModel("iris")
            .setDense(
                DenseRows.newBuilder()
                    .setNumFeatures(1)
                    .addValues(1)
                    .addValues(2)
                    .addValues(3)
                    .addValues(4))
            .build();

    StatusRuntimeException e =
        catchThrowableOfType(StatusRuntimeException.class, () -> inference().predict(fourRows));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(gw.serving.predictSeen.get()).isNull();
  }

  @Test
  void getModelStatus_isForwarded() {
    var status =
        inference().getModelStatus(GetModelStatusRequest.newBuilder().setModel("iris").build());

    assertThat(status.getVersions(0).getModel()).isEqualTo("iris");
    assertThat(status.getVersions(0).getVersion()).isEqualTo(3);
  }

  @Test
  void kserve_allSixRpcsAreForwarded() {
    GRPCInferenceServiceBlockingStub kserve =
        GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);

    assertThat(kserve.serverLive(ServerLiveRequest.getDefaultInstance()).getLive()).isTrue();
    gw.serving.ready = false;
    assertThat(kserve.serverReady(ServerReadyRequest.getDefaultInstance()).getReady()).isFalse();
    assertThat(kserve.modelReady(ModelReadyRequest.newBuilder().setName("iris").build()).getReady())
        .isFalse();
    assertThat(kserve.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName())
        .isEqualTo("fake-serving");
    assertThat(
            kserve
                .modelMetadata(ModelMetadataRequest.newBuilder().setName("iris").build())
                .getPlatform())
        .isEqualTo("xgboost");

    ModelInferRequest light =
        ModelInferRequest.newBuilder()
            .setModelName("iris")
            .setId("infer-1")
            .addInputs(
                ModelInferRequest.InferInputTensor.newBuilder()
                    .setName("input-0")
                    .setDatatype("FP32")
                    .addShape(1)
                    .addShape(2)
                    .setContents(
                        InferTensorContents.newBuilder().addFp32Contents(1).addFp32Contents(3)))
            .build();
    // A light ModelInfer goes as the Predict it amounts to, and comes back as serving's answer.
    ModelInferResponse answer = kserve.modelInfer(light);
    assertThat(gw.serving.predictSeen.get().getDense().getValuesList()).containsExactly(1f, 3f);
    assertThat(gw.serving.predictSeen.get().getRequestId()).isEqualTo("infer-1");
    assertThat(answer.getId()).isEqualTo("infer-1");
    assertThat(answer.getModelVersion()).isEqualTo("7");
    assertThat(answer.getOutputs(0).getName()).isEqualTo("output-0");
    assertThat(answer.getOutputs(0).getContents().getFp32ContentsList()).containsExactly(0.5f);
    assertThat(gw.serving.inferSeen.get()).isNull();

    // One with a parameter goes as it is, unchanged but for the route, which serving's prediction
    // record carries.
    ModelInferRequest infer =
        light.toBuilder()
            .putParameters("priority", InferParameter.newBuilder().setInt64Param(1).build())
            .build();
    assertThat(kserve.modelInfer(infer).getOutputs(0).getContents().getFp32ContentsList())
        .containsExactly(2f, 6f);
    assertThat(gw.serving.inferSeen.get().toBuilder().removeParameters("canopy_route").build())
        .isEqualTo(infer);
    assertThat(gw.serving.inferSeen.get().getParametersOrThrow("canopy_route").getStringParam())
        .isEqualTo("passthrough");
  }

  @Test
  void health_isServingOnceStarted_andCloseIsIdempotent() {
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(channel)
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    assertThatCode(gw.gateway::close).doesNotThrowAnyException();
    assertThatCode(gw.gateway::close).as("a second close").doesNotThrowAnyException();

    // Closed for real: the port answers no more calls.
    assertThatThrownBy(
            () ->
                HealthGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(5, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            io.grpc.StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
  }
}
