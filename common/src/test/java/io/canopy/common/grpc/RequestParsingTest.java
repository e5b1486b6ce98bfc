package io.canopy.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.rpc.BadRequest;
import io.canopy.common.config.Listen;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.LogCapture;
import io.canopy.common.testing.RawBytes;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request bytes that are not the method's protobuf message: INVALID_ARGUMENT, one short log line.
 */
class RequestParsingTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();
  @RegisterExtension final LogCapture logs = new LogCapture();

  /** Not a protobuf message: a field tag with an unterminated varint. */
  private static final byte[] GARBAGE = {(byte) 0x08, (byte) 0xff, (byte) 0xff, (byte) 0xff};

  static final class EchoService extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> response) {
      response.onNext(
          PredictResponse.newBuilder().addShape(request.getDense().getValuesCount()).build());
      response.onCompleted();
    }
  }

  private ManagedChannel channel() {
    GrpcServer server =
        cleanup.register(
            new GrpcServer(
                    GrpcTransports.server(
                        new Listen("127.0.0.1", 0), GrpcLimits.DEFAULTS, ServerTls.PLAINTEXT),
                    List.of(new EchoService()),
                    List.of())
                .start());
    return cleanup.register(
        GrpcTransports.channel("127.0.0.1:" + server.port(), 1 << 20, ClientTls.PLAINTEXT));
  }

  private static StatusRuntimeException sendRaw(
      ManagedChannel channel, String fullMethod, byte[] body) {
    return catchThrowableOfType(
        StatusRuntimeException.class,
        () ->
            ClientCalls.blockingUnaryCall(
                channel, RawBytes.unary(fullMethod), CallOptions.DEFAULT, body));
  }

  @Test
  void garbageBytes_applicationMethod_invalidArgumentNamingTheMessage() {
    ManagedChannel channel = channel();

    StatusRuntimeException e =
        sendRaw(channel, "canopy.inference.v1.InferenceService/Predict", GARBAGE);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(e.getStatus().getDescription())
        .contains("PredictRequest")
        .doesNotContain("Exception");
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertThat(details.getDetailsList())
        .anySatisfy(any -> assertThat(any.is(BadRequest.class)).isTrue());
    // The server keeps serving the same channel.
    PredictResponse ok =
        InferenceServiceGrpc.newBlockingStub(channel)
            .predict(
                PredictRequest.newBuilder()
                    .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(1f))
                    .build());
    assertThat(ok.getShapeList()).containsExactly(1);
  }

  @Test
  void garbageBytes_standardService_invalidArgument() {
    StatusRuntimeException e =
        sendRaw(channel(), HealthGrpc.getCheckMethod().getFullMethodName(), GARBAGE);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
  }

  @Test
  void reflection_guardedServices_stillDescribeTheirSchema() throws Exception {
    ManagedChannel channel = channel();
    java.util.concurrent.LinkedBlockingQueue<ServerReflectionResponse> answers =
        new java.util.concurrent.LinkedBlockingQueue<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answers.add(value);
                  }

                  @Override
                  public void onError(Throwable t) {}

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    requests.onNext(
        ServerReflectionRequest.newBuilder()
            .setFileContainingSymbol("canopy.inference.v1.InferenceService")
            .build());

    ServerReflectionResponse services = answers.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    ServerReflectionResponse file = answers.poll(10, java.util.concurrent.TimeUnit.SECONDS);
    requests.onCompleted();

    assertThat(services.getListServicesResponse().getServiceList())
        .extracting(s -> s.getName())
        .contains("canopy.inference.v1.InferenceService", "grpc.health.v1.Health");
    assertThat(file.getFileDescriptorResponse().getFileDescriptorProtoCount()).isPositive();
  }

  @Test
  void garbageBytes_manyCalls_oneShortLogLineAndNoStackTrace() {
    ManagedChannel channel = channel();

    for (int i = 0; i < 50; i++) {
      assertThat(
              sendRaw(channel, "canopy.inference.v1.InferenceService/Predict", GARBAGE)
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    List<String> mentions =
        logs.records().stream()
            .filter(l -> l.contains("PredictRequest") || l.contains("Exception while"))
            .toList();
    assertThat(mentions).hasSize(1);
    assertThat(mentions.getFirst()).contains("not a valid PredictRequest").doesNotContain("\tat ");
    assertThat(logs.records()).noneMatch(l -> l.contains("SEVERE"));
  }
}
