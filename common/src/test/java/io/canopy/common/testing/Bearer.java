package io.canopy.common.testing;

import io.canopy.common.auth.AuthInterceptor;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/** A bearer token as gRPC metadata, for tests that call with one. */
public final class Bearer {

  private Bearer() {}

  /** {@code authorization: Bearer <token>}. */
  public static Metadata headers(String token) {
    Metadata headers = new Metadata();
    headers.put(AuthInterceptor.AUTHORIZATION, "Bearer " + token);
    return headers;
  }

  /** Attaches {@link #headers} to every call. */
  public static ClientInterceptor interceptor(String token) {
    return MetadataUtils.newAttachHeadersInterceptor(headers(token));
  }
}
