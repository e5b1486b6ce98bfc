package io.canopy.common.requestid;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;

/**
 * Makes a gRPC call's {@code x-request-id} metadata available to {@link RequestIds#resolve(String,
 * String)} for the handler that runs the call.
 */
public final class RequestIdInterceptor implements ServerInterceptor {

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String id = headers.get(RequestIds.METADATA);
    if (id == null || id.isEmpty()) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(
        Context.current().withValue(RequestIds.CONTEXT, id), call, headers, next);
  }
}
