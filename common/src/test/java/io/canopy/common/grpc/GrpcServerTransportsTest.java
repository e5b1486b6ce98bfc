package io.canopy.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.config.Listen;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One {@link GrpcServer} on Netty and on the in-process transport at once: the same services behind
 * the same interceptors, one health status, and a stop that stops both.
 */
class GrpcServerTransportsTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final String name = "grpc-server-test-" + UUID.randomUUID();
  private final AtomicInteger intercepted = new AtomicInteger();

  private GrpcServer server() {
    ServerInterceptor counting =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            intercepted.incrementAndGet();
            return next.startCall(call, headers);
          }
        };
    return new GrpcServer(
            List.of(
                GrpcTransports.server(
                    new Listen("127.0.0.1", 0), new GrpcLimits(1 << 20, 8192), ServerTls.PLAINTEXT),
                InProcessServerBuilder.forName(name).directExecutor()),
            List.of(new ListenerLimitsTest.CountingService()),
            List.of(counting),
            io.canopy.common.tracing.Tracing.off())
        .start();
  }

  private ManagedChannel netty(GrpcServer server) {
    return cleanup.register(
        GrpcTransports.channel("127.0.0.1:" + server.port(), 1 << 20, ClientTls.PLAINTEXT));
  }

  private ManagedChannel inProcess() {
    return cleanup.register(InProcessChannelBuilder.forName(name).directExecutor().build());
  }

  private static PredictRequest rows(int values) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(values);
    for (int i = 0; i < values; i++) {
      dense.addValues(i);
    }
    return PredictRequest.newBuilder().setModel("m").setDense(dense).build();
  }

  private static ServingStatus health(ManagedChannel channel) {
    return HealthGrpc.newBlockingStub(channel)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.getDefaultInstance())
        .getStatus();
  }

  @Test
  void bothTransports_answerTheSameServices_throughTheSameInterceptors() {
    GrpcServer server = cleanup.register(server());

    for (ManagedChannel channel : List.of(netty(server), inProcess())) {
      assertThat(
              InferenceServiceGrpc.newBlockingStub(channel)
                  .withDeadlineAfter(5, TimeUnit.SECONDS)
                  .predict(rows(3))
                  .getShape(0))
          .isEqualTo(3);
    }
    assertThat(intercepted).hasValue(2);
    assertThat(server.port()).isPositive();
  }

  @Test
  void health_isOneStatus_onBothTransports() {
    GrpcServer server = cleanup.register(server());
    ManagedChannel netty = netty(server);
    ManagedChannel inProcess = inProcess();

    assertThat(health(netty)).isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(health(inProcess)).isEqualTo(ServingStatus.NOT_SERVING);
    server.setServing(true);
    assertThat(health(netty)).isEqualTo(ServingStatus.SERVING);
    assertThat(health(inProcess)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void stop_stopsEveryTransport() {
    GrpcServer server = server();
    ManagedChannel netty = netty(server);
    ManagedChannel inProcess = inProcess();
    server.setServing(true);
    assertThat(health(inProcess)).isEqualTo(ServingStatus.SERVING);

    server.stop(Duration.ofSeconds(5));

    for (ManagedChannel channel : List.of(netty, inProcess)) {
      StatusRuntimeException refused =
          catchThrowableOfType(
              StatusRuntimeException.class,
              () ->
                  InferenceServiceGrpc.newBlockingStub(channel)
                      .withDeadlineAfter(5, TimeUnit.SECONDS)
                      .predict(rows(1)));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void noTransport_isRefused() {
    IllegalArgumentException refused =
        catchThrowableOfType(
            IllegalArgumentException.class,
            () ->
                new GrpcServer(
                    List.<InProcessServerBuilder>of(),
                    List.of(new ListenerLimitsTest.CountingService()),
                    List.of(),
                    io.canopy.common.tracing.Tracing.off()));
    assertThat(refused).hasMessageContaining("transport");
  }
}
