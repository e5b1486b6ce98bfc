package io.canopy.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.BadRequest;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.GetModelStatusRequest;
import io.canopy.proto.inference.v1.GetModelStatusResponse;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ErrorMappingInterceptorTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  /** Throws what the request's model name asks for, synchronously or via onError. */
  static final class ThrowingService extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> response) {
      RuntimeException error =
          switch (request.getModel()) {
            case "invalid" ->
                new CanopyException.InvalidArgument("dense.values", "NaN not allowed");
            case "missing" -> new CanopyException.NotFound("model 'missing' not found");
            case "busy" -> new CanopyException.Unavailable("too many requests in flight");
            default -> new IllegalStateException("secret internal detail");
          };
      if (request.getRequestId().equals("async")) {
        response.onError(error);
      } else {
        throw error;
      }
    }

    @Override
    public void getModelStatus(
        GetModelStatusRequest request, StreamObserver<GetModelStatusResponse> response) {
      response.onNext(GetModelStatusResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub start(GrpcServer[] holder) {
    String name = InProcessServerBuilder.generateName();
    GrpcServer server =
        new GrpcServer(
            InProcessServerBuilder.forName(name).directExecutor(),
            List.<BindableService>of(new ThrowingService()),
            List.of());
    cleanup.register(server.start());
    holder[0] = server;
    ManagedChannel channel =
        cleanup.register(InProcessChannelBuilder.forName(name).directExecutor().build());
    return InferenceServiceGrpc.newBlockingStub(channel);
  }

  private static StatusRuntimeException call(
      InferenceServiceGrpc.InferenceServiceBlockingStub stub, String model, String requestId) {
    try {
      stub.predict(PredictRequest.newBuilder().setModel(model).setRequestId(requestId).build());
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("call succeeded");
  }

  @Test
  void domainErrors_thrownOrPassedToOnError_mapToTheirCodes() {
    var stub = start(new GrpcServer[1]);
    for (String mode : List.of("sync", "async")) {
      assertThat(call(stub, "invalid", mode).getStatus().getCode())
          .isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(call(stub, "missing", mode).getStatus().getCode())
          .isEqualTo(Status.Code.NOT_FOUND);
      assertThat(call(stub, "busy", mode).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void invalidArgument_carriesBadRequestNamingTheField() throws Exception {
    var stub = start(new GrpcServer[1]);
    com.google.rpc.Status status = StatusProto.fromThrowable(call(stub, "invalid", "sync"));
    assertThat(status).isNotNull();
    BadRequest details = status.getDetails(0).unpack(BadRequest.class);
    assertThat(details.getFieldViolations(0).getField()).isEqualTo("dense.values");
  }

  @Test
  void unexpectedError_becomesInternalWithoutLeakingItsMessage() {
    var stub = start(new GrpcServer[1]);
    for (String mode : List.of("sync", "async")) {
      StatusRuntimeException e = call(stub, "boom", mode);
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
      assertThat(e.getStatus().getDescription()).doesNotContain("secret");
    }
  }

  @Test
  void health_followsSetServing() {
    GrpcServer[] holder = new GrpcServer[1];
    var stub = start(holder);
    var health = HealthGrpc.newBlockingStub(stub.getChannel());
    HealthCheckRequest whole = HealthCheckRequest.getDefaultInstance();
    HealthCheckRequest inference =
        HealthCheckRequest.newBuilder().setService(InferenceServiceGrpc.SERVICE_NAME).build();
    assertThat(health.check(whole).getStatus()).isEqualTo(ServingStatus.NOT_SERVING);
    holder[0].setServing(true);
    assertThat(health.check(whole).getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThat(health.check(inference).getStatus()).isEqualTo(ServingStatus.SERVING);
    assertThatThrownBy(
            () -> health.check(HealthCheckRequest.newBuilder().setService("nope").build()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void httpStatus_matchesTheGrpcCode() {
    assertThat(ErrorMapping.httpStatus(Status.Code.INVALID_ARGUMENT)).isEqualTo(400);
    assertThat(ErrorMapping.httpStatus(Status.Code.NOT_FOUND)).isEqualTo(404);
    assertThat(ErrorMapping.httpStatus(Status.Code.UNAVAILABLE)).isEqualTo(503);
    assertThat(ErrorMapping.httpStatus(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(429);
    assertThat(ErrorMapping.httpStatus(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(504);
    assertThat(ErrorMapping.httpStatus(Status.Code.UNAUTHENTICATED)).isEqualTo(401);
  }
}
