package io.canopy.gateway.batching;

import static org.assertj.core.api.Assertions.assertThat;

import io.canopy.common.tracing.TraceAttributes;
import io.canopy.common.tracing.Tracing;
import io.canopy.common.tracing.TracingSettings;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A batch's span: child of its first request's span, linked to the span of every request it
 * carries, current while the upstream call starts (so the upstream spans join the batch).
 */
class BatchTracingTest {

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final Tracing tracing =
      Tracing.open(
          new TracingSettings(true, URI.create("http://127.0.0.1:4318"), 1.0, "gateway"),
          SimpleSpanProcessor.create(spans));

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    tracing.close();
  }

  private static PredictRequest rows(int count) {
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures(1);
    for (int i = 0; i < count; i++) {
      dense.addValues(i);
    }
    return PredictRequest.newBuilder().setModel("m").setVersion(3).setDense(dense).build();
  }

  /** Sends {@code request} inside a new span named {@code caller}; the span's context. */
  private SpanContext sendAs(
      String caller,
      Batchers batchers,
      PredictRequest request,
      List<CompletableFuture<PredictResponse>> results) {
    Span span = tracing.start(caller, Context.root());
    try (Scope ignored = span.makeCurrent()) {
      results.add(batchers.predict(request, Deadline.after(10, TimeUnit.SECONDS)));
    } finally {
      span.end();
    }
    return span.getSpanContext();
  }

  private SpanData batchSpan(long rows) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("canopy.batch"))
        .filter(s -> s.getAttributes().get(TraceAttributes.BATCH_ROWS) == rows)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no batch span of " + rows + " rows: " + spans));
  }

  @Test
  void batchSpan_isTheFirstRequestsChild_linkedToEveryRequestItCarries() {
    List<CompletableFuture<PredictResponse>> upstream = new ArrayList<>();
    List<SpanContext> currentUpstream = new ArrayList<>();
    Batchers batchers =
        new Batchers(
            (request, deadline) -> {
              currentUpstream.add(Span.current().getSpanContext());
              CompletableFuture<PredictResponse> answer = new CompletableFuture<>();
              upstream.add(answer);
              return answer;
            },
            // One batch in flight: what arrives meanwhile leaves together.
            new BatchingSettings(true, 64, 1, Duration.ZERO, Set.of()),
            scheduler,
            System::nanoTime,
            GatewayMetrics.NOOP,
            tracing);
    List<CompletableFuture<PredictResponse>> results = new ArrayList<>();
    SpanContext first = sendAs("first", batchers, rows(1), results);
    SpanContext second = sendAs("second", batchers, rows(2), results);
    SpanContext third = sendAs("third", batchers, rows(4), results);
    upstream.get(0).complete(PredictResponse.newBuilder().addShape(1).addValues(1).build());
    upstream
        .get(1)
        .complete(PredictResponse.newBuilder().addShape(6).addShape(1).addValues(0).build());

    SpanData alone = batchSpan(1);
    assertThat(alone.getParentSpanId()).isEqualTo(first.getSpanId());
    assertThat(alone.getTraceId()).isEqualTo(first.getTraceId());
    assertThat(alone.getLinks()).extracting(LinkData::getSpanContext).containsExactly(first);

    SpanData together = batchSpan(6);
    assertThat(together.getTraceId()).isEqualTo(second.getTraceId());
    assertThat(together.getParentSpanId()).isEqualTo(second.getSpanId());
    assertThat(together.getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(second, third);
    assertThat(together.getAttributes().get(TraceAttributes.BATCH_REQUESTS)).isEqualTo(2L);
    assertThat(together.getAttributes().get(TraceAttributes.MODEL)).isEqualTo("m");
    assertThat(together.getAttributes().get(TraceAttributes.VERSION)).isEqualTo(3L);
    // The second batch left from the first one's completion, where no trace was current: the
    // upstream call still ran in the batch's context.
    assertThat(currentUpstream).containsExactly(alone.getSpanContext(), together.getSpanContext());
  }
}
