package io.canopy.gateway.predict;

import io.canopy.common.admission.InFlightLimit;
import io.canopy.common.tracing.Spans;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.common.tracing.Tracing;
import io.canopy.gateway.metrics.GatewayMetrics;
import io.canopy.gateway.routing.Route;
import io.canopy.gateway.routing.Router;
import io.canopy.gateway.upstream.PredictCall;
import io.canopy.gateway.upstream.UpstreamErrors;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.grpc.Deadline;
import io.grpc.Status;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * A prediction through the gateway, shared by both fronts: route to a concrete version, admit
 * through the model's admission limit ({@link InFlightLimit}), batch, call upstream with retries,
 * then (sampled) shadow-compare. When the route came through an alias that moved moments ago and
 * serving does not serve the new target yet (UNAVAILABLE or FAILED_PRECONDITION after the retries),
 * one more call goes to the alias's previous target, batched like any other, within the same
 * deadline; the response names the version that answered, and the request is measured with route
 * {@code <via>-fallback}. A light KServe ModelInfer takes this path too, as the Predict it amounts
 * to ({@link KServeCalls}), and shares its batches.
 */
public final class PredictPipeline {

  /**
   * How a request that began in another protocol (a KServe ModelInfer) is asked again in that
   * protocol when the Predict it became comes back INVALID_ARGUMENT, so that its error names the
   * fields its caller sent, and is the one serving gives that protocol.
   */
  @FunctionalInterface
  interface OwnWords {
    /**
     * @param version the version the Predict went to; 0: none (serving's default)
     * @param via how it was routed, as serving's prediction record names it
     */
    CompletableFuture<PredictResponse> ask(long version, String via, Deadline deadline);
  }

  private final Router router;
  private final PredictCall batched;
  private final ShadowComparer shadow;
  private final int maxConcurrentPerModel;
  private final ConcurrentHashMap<String, InFlightLimit> limits = new ConcurrentHashMap<>();
  private final GatewayMetrics metrics;
  private final LongSupplier nanoTime;
  private final Tracing tracing;

  /**
   * @param batched the batcher in front of the upstream
   * @param direct the upstream itself (shadow copies go straight to it)
   * @param maxConcurrentPerModel requests of one model in the gateway at once; more: UNAVAILABLE
   * @param tracing gives routing its span ({@code canopy.route}) when on
   */
  public PredictPipeline(
      Router router,
      PredictCall batched,
      PredictCall direct,
      int maxConcurrentPerModel,
      Duration shadowTimeout,
      GatewayMetrics metrics,
      LongSupplier nanoTime,
      Tracing tracing) {
    this.router = router;
    this.tracing = tracing;
    this.batched = batched;
    this.shadow = new ShadowComparer(direct, 256, shadowTimeout, metrics);
    this.maxConcurrentPerModel = maxConcurrentPerModel;
    new InFlightLimit(maxConcurrentPerModel); // validates the setting now, not at the first request
    this.metrics = metrics;
    this.nanoTime = nanoTime;
  }

  /** The response names the version that served; failures are gRPC statuses or CanopyExceptions. */
  public CompletableFuture<PredictResponse> predict(
      PredictRequest request, Deadline deadline, String front) {
    return predict(request, deadline, front, null);
  }

  /**
   * Like {@link #predict(PredictRequest, Deadline, String)}, a call rejected as INVALID_ARGUMENT
   * asked again in its caller's protocol when {@code ownWords} is not null.
   */
  CompletableFuture<PredictResponse> predict(
      PredictRequest request, Deadline deadline, String front, OwnWords ownWords) {
    long start = nanoTime.getAsLong();
    Route route;
    Span routing = tracing.start("canopy.route", Context.current());
    try {
      if (deadline.isExpired()) {
        throw Status.DEADLINE_EXCEEDED
            .withDescription("deadline exceeded before routing")
            .asRuntimeException();
      }
      route = router.route(request);
    } catch (RuntimeException e) {
      Spans.end(routing, e);
      metrics.request(
          front, request.getModel(), "0", "none", code(e), nanoTime.getAsLong() - start);
      return CompletableFuture.failedFuture(e);
    }
    if (routing.isRecording()) {
      traceRoute(routing, request, route);
    }
    routing.end();
    InFlightLimit limit =
        limits.computeIfAbsent(request.getModel(), m -> new InFlightLimit(maxConcurrentPerModel));
    if (!limit.tryAcquire()) {
      metrics.request(
          front,
          request.getModel(),
          Long.toString(route.version()),
          route.via(),
          "UNAVAILABLE",
          nanoTime.getAsLong() - start);
      return CompletableFuture.failedFuture(
          Status.UNAVAILABLE
              .withDescription("too many requests in flight for model " + request.getModel())
              .asRuntimeException());
    }
    PredictRequest upstreamRequest = upstream(request, route);
    AtomicBoolean fellBack = new AtomicBoolean();
    CompletableFuture<PredictResponse> result =
        AliasFallback.orFallback(
            call(upstreamRequest, route.via(), deadline, ownWords),
            route.fallbackVersion(),
            deadline,
            fallback -> {
              fellBack.set(true);
              String via = route.via() + "-fallback";
              return call(
                  RequestParts.routed(upstreamRequest.toBuilder().setVersion(fallback), via),
                  via,
                  deadline,
                  ownWords);
            });
    return result.whenComplete(
        (response, failure) -> {
          limit.release();
          long version = response != null ? response.getVersion() : route.version();
          String via = fellBack.get() ? route.via() + "-fallback" : route.via();
          metrics.request(
              front,
              request.getModel(),
              Long.toString(version),
              via,
              failure == null ? "OK" : code(failure),
              nanoTime.getAsLong() - start);
          if (failure == null && route.shadowVersion() > 0) {
            shadow.compare(upstreamRequest, response, route.shadowVersion());
          }
        });
  }

  /** The route on the routing span, and the model and version on the call's server span. */
  private static void traceRoute(Span routing, PredictRequest request, Route route) {
    Span call = Span.current();
    routing.setAttribute(TraceAttributes.MODEL, request.getModel());
    routing.setAttribute(TraceAttributes.ROUTE, route.via());
    call.setAttribute(TraceAttributes.MODEL, request.getModel());
    if (route.resolved()) {
      routing.setAttribute(TraceAttributes.VERSION, route.version());
      call.setAttribute(TraceAttributes.VERSION, route.version());
    }
  }

  /**
   * The request as serving gets it: the routed version, and a part saying which request the rows
   * came from and how it was routed (for its prediction records).
   */
  private static PredictRequest upstream(PredictRequest request, Route route) {
    PredictRequest.Builder b = request.toBuilder();
    if (route.resolved()) {
      b.setVersion(route.version());
    }
    return RequestParts.routed(b, route.via());
  }

  private CompletableFuture<PredictResponse> call(
      PredictRequest upstreamRequest, String via, Deadline deadline, OwnWords ownWords) {
    CompletableFuture<PredictResponse> sent;
    try {
      sent = batched.predict(upstreamRequest, deadline);
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    if (ownWords == null) {
      return sent;
    }
    long version =
        upstreamRequest.getVersionSelectorCase() == PredictRequest.VersionSelectorCase.VERSION
            ? upstreamRequest.getVersion()
            : 0;
    return sent.exceptionallyCompose(
        failure -> {
          if (!code(failure).equals("INVALID_ARGUMENT")) {
            return CompletableFuture.failedFuture(failure);
          }
          try {
            return ownWords.ask(version, via, deadline);
          } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
          }
        });
  }

  private static String code(Throwable t) {
    Throwable cause = UpstreamErrors.unwrap(t);
    return io.canopy.common.error.ErrorMapping.toStatusException(cause)
        .getStatus()
        .getCode()
        .name();
  }
}
