package io.canopy.common.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;

/**
 * Requires {@code authorization: Bearer <token>} with the role a gRPC method needs ({@link
 * MethodRoles}), when tokens are configured. No or an unknown token: UNAUTHENTICATED; a token whose
 * role does not cover the method: PERMISSION_DENIED; a method the table does not list:
 * PERMISSION_DENIED for everyone. The caller's principal is put in {@link #PRINCIPAL} for audit
 * records ("anonymous" otherwise).
 */
public final class AuthInterceptor implements ServerInterceptor {

  /** The authenticated principal of the current call. */
  public static final Context.Key<String> PRINCIPAL =
      Context.keyWithDefault("canopy-principal", "anonymous");

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final BearerTokens tokens;
  private final MethodRoles roles;

  /**
   * @param tokens accepted tokens and their roles; empty means authentication is off
   * @param roles which role each method needs
   */
  public AuthInterceptor(BearerTokens tokens, MethodRoles roles) {
    this.tokens = tokens;
    this.roles = roles;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<BearerTokens.Caller> caller = tokens.caller(headers.get(AUTHORIZATION));
    if (!tokens.isEmpty()) {
      String method = call.getMethodDescriptor().getFullMethodName();
      Optional<Role> needed = roles.needed(method);
      if (needed == null) {
        return refuse(
            call, Status.PERMISSION_DENIED.withDescription(method + " is not open to any token"));
      }
      if (needed.isPresent()) {
        if (caller.isEmpty()) {
          return refuse(
              call, Status.UNAUTHENTICATED.withDescription("a valid bearer token is required"));
        }
        if (!caller.get().role().covers(needed.get())) {
          return refuse(
              call,
              Status.PERMISSION_DENIED.withDescription(
                  "this token's role ("
                      + caller.get().role().configName()
                      + ") may not call "
                      + method
                      + "; it needs "
                      + needed.get().configName()));
        }
      }
    }
    if (caller.isEmpty()) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(
        Context.current().withValue(PRINCIPAL, caller.get().principal()), call, headers, next);
  }

  private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, Status status) {
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
