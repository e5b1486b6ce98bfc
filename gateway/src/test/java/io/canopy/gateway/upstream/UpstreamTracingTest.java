package io.canopy.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.grpc.GrpcServer;
import io.canopy.common.testing.Await;
import io.canopy.common.testing.GrpcCleanup;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.common.tracing.Tracing;
import io.canopy.common.tracing.TracingSettings;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.placement.Placement;
import io.canopy.proto.inference.v1.InferenceServiceGrpc;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.BindableService;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A retried upstream Predict is one {@code canopy.upstream} span over a client span per attempt
 * (the retry starts on the scheduler's thread, still in the call's trace), and serving's server
 * span is the child of the attempt that reached it.
 */
class UpstreamTracingTest {

  private static final String PREDICT = "canopy.inference.v1.InferenceService/Predict";

  @RegisterExtension final GrpcCleanup cleanup = new GrpcCleanup();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();

  private Tracing tracing(String service) {
    return cleanup.register(
        Tracing.open(
            new TracingSettings(true, URI.create("http://127.0.0.1:4318"), 1.0, service),
            SimpleSpanProcessor.create(spans)));
  }

  /** Answers UNAVAILABLE to its first call, then OK. */
  private static final class FlakyServing extends InferenceServiceGrpc.InferenceServiceImplBase {
    private final AtomicInteger calls = new AtomicInteger();

    @Override
    public void predict(PredictRequest request, StreamObserver<PredictResponse> out) {
      if (calls.getAndIncrement() == 0) {
        out.onError(Status.UNAVAILABLE.withDescription("warming up").asRuntimeException());
        return;
      }
      out.onNext(PredictResponse.newBuilder().setModel(request.getModel()).build());
      out.onCompleted();
    }
  }

  private List<SpanData> named(String name, SpanKind kind) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name) && s.getKind() == kind)
        .sorted(
            Comparator.comparing(
                s -> s.getAttributes().get(TraceAttributes.ATTEMPT),
                Comparator.nullsFirst(Comparator.<Long>naturalOrder())))
        .toList();
  }

  @Test
  void retriedPredict_isOneUpstreamSpanOverAClientSpanPerAttempt() throws Exception {
    String name = InProcessServerBuilder.generateName();
    cleanup.register(
        new GrpcServer(
                InProcessServerBuilder.forName(name),
                List.<BindableService>of(new FlakyServing()),
                List.of(),
                tracing("serving"))
            .start());
    Tracing gateway = tracing("gateway");
    var stub =
        InferenceServiceGrpc.newStub(
            gateway.intercept(cleanup.register(InProcessChannelBuilder.forName(name).build())));
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    cleanup.register((AutoCloseable) scheduler::shutdownNow);
    ResilientPredict predict =
        new ResilientPredict(
            stub,
            new Placement(pick -> {}),
            new RetrySettings(
                3,
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                1.0,
                10,
                Duration.ofSeconds(10),
                Duration.ZERO),
            scheduler,
            System::nanoTime,
            GatewayMetrics.NOOP,
            gateway);

    Span caller = gateway.start("caller", Context.root());
    PredictResponse response;
    try (Scope ignored = caller.makeCurrent()) {
      response =
          predict
              .predict(
                  PredictRequest.newBuilder().setModel("m").setVersion(2).build(),
                  Deadline.after(10, TimeUnit.SECONDS))
              .get(10, TimeUnit.SECONDS);
    } finally {
      caller.end();
    }
    assertThat(response.getModel()).isEqualTo("m");

    Await.until(
        "the upstream span ended", () -> !named("canopy.upstream", SpanKind.INTERNAL).isEmpty());
    SpanData upstream = named("canopy.upstream", SpanKind.INTERNAL).get(0);
    assertThat(upstream.getParentSpanId()).isEqualTo(caller.getSpanContext().getSpanId());
    assertThat(upstream.getAttributes().get(TraceAttributes.ATTEMPTS)).isEqualTo(2L);
    assertThat(upstream.getAttributes().get(TraceAttributes.VERSION)).isEqualTo(2L);
    assertThat(upstream.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    List<SpanData> attempts = named(PREDICT, SpanKind.CLIENT);
    assertThat(attempts).hasSize(2);
    for (SpanData attempt : attempts) {
      assertThat(attempt.getParentSpanId()).isEqualTo(upstream.getSpanId());
      assertThat(attempt.getTraceId()).isEqualTo(caller.getSpanContext().getTraceId());
      assertThat(attempt.getAttributes().get(TraceAttributes.HEDGE)).isFalse();
    }
    assertThat(attempts.get(0).getAttributes().get(TraceAttributes.ATTEMPT)).isEqualTo(1L);
    assertThat(attempts.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attempts.get(0).getStatus().getDescription()).isEqualTo("UNAVAILABLE");
    assertThat(attempts.get(1).getAttributes().get(TraceAttributes.ATTEMPT)).isEqualTo(2L);
    assertThat(attempts.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);

    Await.until("both server spans ended", () -> named(PREDICT, SpanKind.SERVER).size() == 2);
    assertThat(named(PREDICT, SpanKind.SERVER))
        .extracting(SpanData::getParentSpanId)
        .containsExactlyInAnyOrder(attempts.get(0).getSpanId(), attempts.get(1).getSpanId());
  }
}
