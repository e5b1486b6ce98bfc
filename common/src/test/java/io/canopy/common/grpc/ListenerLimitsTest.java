package io.canopy.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.canopy.common.admin.AdminServer;
import io.canopy.common.admin.AdminSettings;
import io.canopy.common.config.Listen;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.testing.ListenerProbes;
import io.canopy.common.testing.ProcessSuite;
import io.canopy.common.tls.ClientTls;
import io.canopy.common.tls.ServerTls;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Over-limit messages, metadata and admin bodies are refused, and the listener keeps serving. */
@ProcessSuite
class ListenerLimitsTest {

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  /** Answers every Predict with the row count it received. */
  static final class CountingService extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> response) {
      response.onNext(
          PredictResponse.newBuilder().addShape(request.getDense().getValuesCount()).build());
      response.onCompleted();
    }
  }

  private InferenceServiceGrpc.InferenceServiceBlockingStub stub(GrpcLimits limits) {
    GrpcServer server =
        cleanup.register(
            new GrpcServer(
                    GrpcTransports.server(new Listen("127.0.0.1", 0), limits, ServerTls.PLAINTEXT),
                    List.of(new CountingService()),
                    List.of())
                .start());
    ManagedChannel channel =
        cleanup.register(
            GrpcTransports.channel("127.0.0.1:" + server.port(), 1 << 20, ClientTls.PLAINTEXT));
    return InferenceServiceGrpc.newBlockingStub(channel);
  }

  private static PredictRequest rows(int values) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(1);
    for (int i = 0; i < values; i++) {
      dense.addValues(i);
    }
    return PredictRequest.newBuilder().setModel("m").setDense(dense).build();
  }

  @Test
  void grpc_messageOverLimit_isResourceExhaustedAndServerKeepsServing() {
    InferenceServiceGrpc.InferenceServiceBlockingStub stub = stub(new GrpcLimits(4096, 8192));
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(rows(4096)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(rows(10)).getShape(0))
        .isEqualTo(10);
  }

  /**
   * The server advertises its metadata limit (HTTP/2 SETTINGS_MAX_HEADER_LIST_SIZE); a grpc-java
   * client then refuses to send larger headers itself (INTERNAL, naming the server's limit), and a
   * client that sends them anyway has its stream reset by the server. Either way the call never
   * reaches the service and the connection keeps serving.
   */
  @Test
  void grpc_metadataOverLimit_isRefusedAndServerKeepsServing() {
    InferenceServiceGrpc.InferenceServiceBlockingStub stub = stub(new GrpcLimits(1 << 20, 2048));
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(rows(2)).getShape(0))
        .isEqualTo(2);
    Metadata big = new Metadata();
    big.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "p".repeat(4096));
    StatusRuntimeException e =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () ->
                stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(big))
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .predict(rows(1)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(e.getStatus().getCause()).hasMessageContaining("(2048)");
    assertThat(stub.withDeadlineAfter(10, TimeUnit.SECONDS).predict(rows(3)).getShape(0))
        .isEqualTo(3);
  }

  @Test
  void admin_bodyOverLimit_is413AndServerKeepsServing() throws Exception {
    AdminServer admin =
        cleanup.register(
            new AdminServer(
                    new AdminSettings(new Listen("127.0.0.1", 0), 1024, ServerTls.PLAINTEXT),
                    "test",
                    () -> true)
                .start());
    String base = "http://127.0.0.1:" + admin.port();
    // Over the limit by declaration alone: the 413 comes from the headers (see ListenerProbes),
    // before any route is looked up; a body within the limit is not refused for its size.
    assertThat(ListenerProbes.httpPostDeclaring(admin.port(), "/observe/health", 4096))
        .isEqualTo(413);
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> small =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/observe/health"))
                  .timeout(java.time.Duration.ofSeconds(10))
                  .POST(HttpRequest.BodyPublishers.ofString("hello"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(small.statusCode()).isNotEqualTo(413);
      HttpResponse<String> health =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/observe/health"))
                  .timeout(java.time.Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    }
  }
}
