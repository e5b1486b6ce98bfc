package io.canopy.gateway.http;

import io.canopy.common.tracing.Spans;
import io.canopy.common.tracing.TraceAttributes;
import io.canopy.common.tracing.Tracing;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A server span per request of the HTTP API ({@code /v1/…}, {@code /v2/…}; health, metrics and the
 * console's files are not traced), child of the client's W3C {@code traceparent} header when it
 * sends one. The span is current while the request is handled (handlers run on the request's
 * virtual thread and wait there), so the pipeline's spans and the upstream calls join its trace; it
 * ends when the response is sent, also when an error handler sends it, with the status sent.
 * Registered first, so requests the auth or browser guards refuse are traced too.
 */
final class HttpTracing {

  private static final TextMapGetter<ServerRequest> HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(ServerRequest request) {
          return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(ServerRequest request, String key) {
          return request == null
              ? null
              : request.headers().first(HeaderNames.create(key)).orElse(null);
        }
      };

  private final Tracing tracing;

  HttpTracing(Tracing tracing) {
    this.tracing = tracing;
  }

  void register(HttpRouting.Builder routing) {
    if (tracing.enabled()) {
      routing.addFilter(this::trace);
    }
  }

  private void trace(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String path = req.path().path();
    if (!path.startsWith("/v1/") && !path.startsWith("/v2/")) {
      chain.proceed();
      return;
    }
    String method = req.prologue().method().text();
    Context parent = tracing.propagator().extract(Context.root(), req, HEADERS);
    Span span =
        tracing
            .tracer()
            .spanBuilder(method)
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute(TraceAttributes.HTTP_METHOD, method)
            .setAttribute(TraceAttributes.URL_PATH, path)
            .startSpan();
    Ending ending = new Ending(span, req, res, method);
    res.whenSent(ending::end);
    try (Scope ignored = parent.with(span).makeCurrent()) {
      chain.proceed();
    } catch (RuntimeException | Error e) {
      // An error handler answers after this filter: the span ends when it sends, named by code.
      ending.failure = e;
      throw e;
    }
    if (!res.isSent()) {
      ending.end(); // nothing was sent (the connection went): the span still ends
    }
  }

  /** Ends a request's span once, with the route it matched and the status sent. */
  private static final class Ending {
    private final Span span;
    private final RoutingRequest req;
    private final RoutingResponse res;
    private final String method;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Throwable failure;

    Ending(Span span, RoutingRequest req, RoutingResponse res, String method) {
      this.span = span;
      this.req = req;
      this.res = res;
      this.method = method;
    }

    void end() {
      if (!ended.compareAndSet(false, true)) {
        return;
      }
      req.matchingPattern()
          .ifPresent(
              route -> {
                span.setAttribute(TraceAttributes.HTTP_ROUTE, route);
                span.updateName(method + " " + route);
              });
      int status = res.status().code();
      span.setAttribute(TraceAttributes.HTTP_STATUS, status);
      Throwable cause = failure;
      if (cause != null) {
        span.setStatus(StatusCode.ERROR, Spans.code(cause).name());
      } else if (status >= 400) {
        span.setStatus(StatusCode.ERROR, "HTTP " + status);
      }
      span.end();
    }
  }
}
