package io.canopy.common.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.canopy.common.error.CanopyException;
import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server and client interceptors over a real (in-process) gRPC call, spans in OpenTelemetry's
 * in-memory exporter: the W3C context crosses the call, the server span is the client span's child
 * and current in the handler (also after a hand-off to another thread), and it ends when the call
 * closes, with the call's status.
 */
class GrpcTracingTest {

  private static final String PREDICT = "canopy.inference.v1.InferenceService/Predict";
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final ExecutorService handOff = Executors.newSingleThreadExecutor();

  /** What the handler saw as the current trace context, on its thread and after a hand-off. */
  private final AtomicReference<SpanContext> inHandler = new AtomicReference<>();

  private final AtomicReference<SpanContext> afterHandOff = new AtomicReference<>();
  private final CountDownLatch handedOff = new CountDownLatch(1);
  private final CountDownLatch answer = new CountDownLatch(1);

  /** "ok" answers at once; "missing" throws NotFound; "later" answers from another thread. */
  private final class Service extends InferenceServiceGrpc.InferenceServiceImplBase {
    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
      inHandler.set(Span.fromContext(Spans.current()).getSpanContext());
      switch (request.getModel()) {
        case "missing" -> throw new CanopyException.NotFound("model 'missing' not found");
        case "later" ->
            // Serving's work pool gets its tasks through io.grpc.Context.wrap, like this.
            handOff.execute(
                io.grpc.Context.current()
                    .wrap(
                        () -> {
                          afterHandOff.set(Span.fromContext(Spans.current()).getSpanContext());
                          handedOff.countDown();
                          try {
                            answer.await(20, TimeUnit.SECONDS);
                          } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                          }
                          out.onNext(PredictResponse.newBuilder().setModel("later").build());
                          out.onCompleted();
                        }));
        default -> {
          out.onNext(PredictResponse.newBuilder().setModel(request.getModel()).build());
          out.onCompleted();
        }
      }
    }
  }

  private Tracing tracing(String service, double ratio) {
    return cleanup.register(
        Tracing.open(
            new TracingSettings(true, URI.create("http://127.0.0.1:4318"), ratio, service),
            SimpleSpanProcessor.create(spans)));
  }

  /** A server traced by {@code server}; the channel to it, not traced. */
  private ManagedChannel serve(Tracing server) {
    cleanup.register((AutoCloseable) handOff::shutdownNow);
    String name = InProcessServerBuilder.generateName();
    cleanup.register(
        new GrpcServer(
                InProcessServerBuilder.forName(name),
                List.<BindableService>of(new Service()),
                List.of(),
                server)
            .start());
    return cleanup.register(InProcessChannelBuilder.forName(name).build());
  }

  private static PredictRequest model(String model) {
    return PredictRequest.newBuilder().setModel(model).build();
  }

  private SpanData only(String name, SpanKind kind) {
    List<SpanData> found =
        spans.getFinishedSpanItems().stream()
            .filter(s -> s.getName().equals(name) && s.getKind() == kind)
            .toList();
    assertThat(found).as("%s spans named %s", kind, name).hasSize(1);
    return found.get(0);
  }

  @Test
  void serverSpan_isTheClientSpansChild_inTheCallersTrace() {
    Tracing client = tracing("client", 1.0);
    Channel channel = client.intercept(serve(tracing("server", 1.0)));
    Span caller = client.start("caller", Context.root());
    try (Scope ignored = caller.makeCurrent()) {
      InferenceServiceGrpc.newBlockingStub(channel).predict(model("ok"));
    } finally {
      caller.end();
    }

    SpanData clientSpan = only(PREDICT, SpanKind.CLIENT);
    Await.until("the server span ended", () -> spans.getFinishedSpanItems().size() == 3);
    SpanData serverSpan = only(PREDICT, SpanKind.SERVER);
    assertThat(clientSpan.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(serverSpan.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
    assertThat(serverSpan.getParentSpanId()).isEqualTo(clientSpan.getSpanId());
    assertThat(serverSpan.getParentSpanContext().isRemote()).isTrue();
    assertThat(inHandler.get()).isEqualTo(serverSpan.getSpanContext());
    for (SpanData s : List.of(clientSpan, serverSpan)) {
      assertThat(s.getAttributes().get(TraceAttributes.RPC_SYSTEM)).isEqualTo("grpc");
      assertThat(s.getAttributes().get(TraceAttributes.RPC_SERVICE))
          .isEqualTo("canopy.inference.v1.InferenceService");
      assertThat(s.getAttributes().get(TraceAttributes.RPC_METHOD)).isEqualTo("Predict");
      assertThat(s.getAttributes().get(TraceAttributes.RPC_GRPC_STATUS_CODE)).isEqualTo(0L);
      assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }
    assertThat(clientSpan.getResource().getAttribute(SERVICE_NAME)).isEqualTo("client");
    assertThat(serverSpan.getResource().getAttribute(SERVICE_NAME)).isEqualTo("server");
  }

  @Test
  void callersTraceparent_isHonoured() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    Metadata headers = new Metadata();
    headers.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-" + traceId + "-" + parentId + "-01");
    headers.put(Metadata.Key.of("tracestate", Metadata.ASCII_STRING_MARSHALLER), "vendor=abc");
    InferenceServiceGrpc.newBlockingStub(serve(tracing("server", 1.0)))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .predict(model("ok"));

    Await.until("the server span ended", () -> !spans.getFinishedSpanItems().isEmpty());
    SpanData server = only(PREDICT, SpanKind.SERVER);
    assertThat(server.getTraceId()).isEqualTo(traceId);
    assertThat(server.getParentSpanId()).isEqualTo(parentId);
    assertThat(server.getSpanContext().getTraceState().get("vendor")).isEqualTo("abc");
  }

  @Test
  void failedCall_endsBothSpansErrorWithTheCode() {
    Tracing client = tracing("client", 1.0);
    Channel channel = client.intercept(serve(tracing("server", 1.0)));
    assertThatThrownBy(
            () -> InferenceServiceGrpc.newBlockingStub(channel).predict(model("missing")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

    Await.until("both spans ended", () -> spans.getFinishedSpanItems().size() == 2);
    for (SpanKind kind : List.of(SpanKind.CLIENT, SpanKind.SERVER)) {
      SpanData s = only(PREDICT, kind);
      assertThat(s.getStatus().getStatusCode()).as("%s", kind).isEqualTo(StatusCode.ERROR);
      assertThat(s.getStatus().getDescription()).isEqualTo("NOT_FOUND");
      assertThat(s.getAttributes().get(TraceAttributes.RPC_GRPC_STATUS_CODE))
          .isEqualTo((long) Status.Code.NOT_FOUND.value());
    }
    // A new trace: the client call had no parent.
    assertThat(only(PREDICT, SpanKind.CLIENT).getParentSpanContext().isValid()).isFalse();
  }

  @Test
  void answerFromAnotherThread_endsTheSpanOnClose_notWhenTheHandlerReturns() throws Exception {
    Channel channel = serve(tracing("server", 1.0));
    CompletableFuture<PredictResponse> done = new CompletableFuture<>();
    InferenceServiceGrpc.newStub(channel)
        .predict(
            model("later"),
            new StreamObserver<>() {
              @Override
              public void onNext(PredictResponse value) {
                done.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    assertThat(handedOff.await(20, TimeUnit.SECONDS)).isTrue();
    // The handler has returned; the call is open, and so is its span.
    assertThat(spans.getFinishedSpanItems()).isEmpty();
    assertThat(afterHandOff.get().isValid()).isTrue();
    assertThat(afterHandOff.get()).isEqualTo(inHandler.get());

    answer.countDown();
    done.get(20, TimeUnit.SECONDS);
    Await.until("the server span ended", () -> !spans.getFinishedSpanItems().isEmpty());
    assertThat(only(PREDICT, SpanKind.SERVER).getSpanContext()).isEqualTo(afterHandOff.get());
  }

  @Test
  void callAttempt_isRecordedOnTheClientSpan() {
    Tracing client = tracing("client", 1.0);
    Channel channel = client.intercept(serve(tracing("server", 1.0)));
    try (Scope ignored = new CallAttempt(2, true).in(Context.root()).makeCurrent()) {
      InferenceServiceGrpc.newBlockingStub(channel).predict(model("ok"));
    }
    SpanData attempt = only(PREDICT, SpanKind.CLIENT);
    assertThat(attempt.getAttributes().get(TraceAttributes.ATTEMPT)).isEqualTo(2L);
    assertThat(attempt.getAttributes().get(TraceAttributes.HEDGE)).isTrue();
  }

  @Test
  void ratioZero_startsNoTrace_butKeepsACallerWhoSampled() {
    Channel channel = serve(tracing("server", 0.0));
    var stub = InferenceServiceGrpc.newBlockingStub(channel);
    stub.predict(model("ok"));
    assertThat(inHandler.get().isValid()).isTrue();
    assertThat(inHandler.get().isSampled()).isFalse();

    Metadata sampled = new Metadata();
    sampled.put(
        Metadata.Key.of("traceparent", Metadata.ASCII_STRING_MARSHALLER),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(sampled)).predict(model("ok"));
    Await.until("the sampled call's span ended", () -> !spans.getFinishedSpanItems().isEmpty());
    assertThat(spans.getFinishedSpanItems())
        .singleElement()
        .satisfies(s -> assertThat(s.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736"));
  }

  @Test
  void off_installsNothingAndMakesNoSpan() {
    Tracing off = Tracing.off();
    assertThat(off.enabled()).isFalse();
    assertThat(off.serverInterceptors()).isEmpty();
    assertThat(off.clientInterceptors()).isEmpty();
    Channel channel = serve(off);
    assertThat(off.intercept(channel)).isSameAs(channel);
    assertThat(off.start("anything", Context.root())).isSameAs(Span.getInvalid());
    InferenceServiceGrpc.newBlockingStub(channel).predict(model("ok"));
    assertThat(inHandler.get().isValid()).isFalse();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }
}
