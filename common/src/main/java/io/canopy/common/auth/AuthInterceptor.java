package io.canopy.common.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Requires {@code authorization: Bearer <token>} on the gRPC methods {@code protectedMethod}
 * selects (e.g. only mutations), when tokens are configured. Missing or unknown → UNAUTHENTICATED.
 * The caller's principal is put in {@link #PRINCIPAL} for audit records ("anonymous" otherwise).
 */
public final class AuthInterceptor implements ServerInterceptor {

  /** The authenticated principal of the current call. */
  public static final Context.Key<String> PRINCIPAL = Context.keyWithDefault("canopy-principal", "anonymous");

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerTokens tokens;
  private final Predicate<String> protectedMethod;

  /**
   * @param tokens accepted tokens; empty means authentication is off
   * @param protectedMethod full method names ("pkg.Service/Method") that need a token
   */
  public AuthInterceptor(BearerTokens tokens, Predicate<String> protectedMethod) {
    this.tokens = tokens;
    this.protectedMethod = protectedMethod;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<String> principal = tokens.authenticate(headers.get(AUTHORIZATION));
    if (!tokens.isEmpty()
        && principal.isEmpty()
        && protectedMethod.test(call.getMethodDescriptor().getFullMethodName())) {
      call.close(
          Status.UNAUTHENTICATED.withDescription("a valid bearer token is required"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    if (principal.isEmpty()) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, principal.get()), call, headers, next);
  }
}
