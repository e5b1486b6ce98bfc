package io.canopy.gateway.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Carries the {@code x-routing-key} metadata into the call's Context, so a front can use it as the
 * sticky routing key when the request itself names none (the request field keeps priority).
 */
public final class RoutingKeyInterceptor implements ServerInterceptor {

  static final Metadata.Key<String> HEADER =
      Metadata.Key.of("x-routing-key", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> KEY = Context.key("canopy-routing-key");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String key = headers.get(HEADER);
    if (key == null || key.isEmpty()) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(KEY, key), call, headers, next);
  }

  /** The current call's header key, or "" when it sent none. */
  static String current() {
    String key = KEY.get();
    return key == null ? "" : key;
  }
}
