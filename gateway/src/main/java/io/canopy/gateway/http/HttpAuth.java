package io.canopy.gateway.http;

import io.canopy.common.auth.BearerTokens;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRouting;

/**
 * When client tokens are configured, every HTTP route but health, metrics and KServe liveness /
 * readiness needs {@code Authorization: Bearer …}; otherwise 401 with a JSON error.
 */
final class HttpAuth {

  private final BearerTokens tokens;
  private final JsonReplies replies;

  HttpAuth(BearerTokens tokens, JsonReplies replies) {
    this.tokens = tokens;
    this.replies = replies;
  }

  void register(HttpRouting.Builder routing) {
    if (tokens.isEmpty()) {
      return;
    }
    routing.addFilter(
        (chain, req, res) -> {
          String path = req.path().path();
          boolean open = path.startsWith("/observe/") || path.startsWith("/v2/health/");
          if (open
              || tokens.authenticate(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null)).isPresent()) {
            chain.proceed();
            return;
          }
          res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
          replies.error(res, 401, "a valid bearer token is required");
        });
  }
}
