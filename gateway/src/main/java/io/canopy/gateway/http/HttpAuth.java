package io.canopy.gateway.http;

import io.canopy.common.auth.BearerTokens;
import io.canopy.common.auth.Role;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * When tokens are configured, every HTTP route but health, metrics, KServe liveness / readiness and
 * the console's static files ({@code /ui/}) needs {@code Authorization: Bearer …} with the role the
 * route needs: registry writes (aliases, traffic policies, uploads: any method but GET on {@code
 * /v1/models/{m}/aliases/{a}}, {@code /traffic} and {@code /versions}) need {@code admin}, writing
 * feature values needs {@code write-features}, everything else {@code predict} (the HTTP API has no
 * route that administers feature views). No or an unknown token: 401; a token whose role does not
 * cover the route: 403. The registry checks a write's token again (the gateway relays it).
 */
final class HttpAuth {

  private static final Pattern REGISTRY_WRITES =
      Pattern.compile("/v1/models/[^/]+/(aliases/[^/]+|traffic|versions)");

  private final BearerTokens tokens;
  private final JsonReplies replies;

  HttpAuth(BearerTokens tokens, JsonReplies replies) {
    this.tokens = tokens;
    this.replies = replies;
  }

  /** The role a request needs; empty when the route is open. */
  static Optional<Role> needed(ServerRequest req) {
    String path = req.path().path();
    if (path.startsWith("/observe/") || path.startsWith("/v2/health/")) {
      return Optional.empty();
    }
    if (path.equals("/ui") || path.startsWith("/ui/")) {
      return Optional.empty(); // the console's page must load before it can ask for a token
    }
    if (!Method.GET.equals(req.prologue().method()) && REGISTRY_WRITES.matcher(path).matches()) {
      return Optional.of(Role.ADMIN);
    }
    if (path.startsWith("/v1/features/") && path.endsWith(":write")) {
      return Optional.of(Role.WRITE_FEATURES);
    }
    return Optional.of(Role.PREDICT);
  }

  void register(HttpRouting.Builder routing) {
    if (tokens.isEmpty()) {
      return;
    }
    routing.addFilter(
        (chain, req, res) -> {
          Optional<Role> needed = needed(req);
          if (needed.isEmpty()) {
            chain.proceed();
            return;
          }
          Optional<BearerTokens.Caller> caller =
              tokens.caller(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
          if (caller.isEmpty()) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
            replies.error(res, 401, "a valid bearer token is required");
            return;
          }
          if (!caller.get().role().covers(needed.get())) {
            replies.error(
                res,
                403,
                "this token's role ("
                    + caller.get().role().configName()
                    + ") may not "
                    + req.prologue().method().text()
                    + " "
                    + req.path().path()
                    + "; it needs "
                    + needed.get().configName());
            return;
          }
          chain.proceed();
        });
  }
}
