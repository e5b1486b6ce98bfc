package io.canopy.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps browsers from driving the API on a visitor's behalf. A page on another site can make a
 * browser POST a "simple" request (text/plain, form or no content type) without asking the server
 * first, and with authentication off (the default) that wrote features and moved predictions. So: a
 * request carrying an {@code Origin} that is neither this gateway's own nor in {@code
 * gateway.http.allowed-origins} gets 403, and a POST or PUT body must be {@code application/json}
 * (415 otherwise), which a browser never sends cross-site without a preflight that nothing here
 * answers. The one exception is a model upload's {@code application/octet-stream} on {@code POST
 * /v1/models/{m}/versions}: it is not a CORS-safelisted type either, so a page on another site
 * cannot send it without the same preflight. Clients that are not browsers send no Origin.
 */
final class BrowserGuard {

  private static final Set<Method> WITH_BODY = Set.of(Method.POST, Method.PUT, Method.PATCH);
  private static final Pattern UPLOAD = Pattern.compile("/v1/models/[^/]+/versions");

  private final Set<String> allowedOrigins;
  private final JsonReplies replies;

  /**
   * @param allowedOrigins exact origins ({@code scheme://host[:port]}), already validated
   */
  BrowserGuard(List<String> allowedOrigins, JsonReplies replies) {
    this.allowedOrigins =
        Set.copyOf(allowedOrigins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList());
    this.replies = replies;
  }

  void register(HttpRouting.Builder routing) {
    routing.addFilter(
        (chain, req, res) -> {
          Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
          if (origin.isPresent() && !allowed(origin.get(), req.headers().first(HeaderNames.HOST))) {
            replies.error(
                res,
                403,
                "origin '" + origin.get() + "' is not allowed (gateway.http.allowed-origins)");
            return;
          }
          if (WITH_BODY.contains(req.prologue().method())
              && !json(req.headers().contentType())
              && !upload(req)) {
            replies.error(
                res,
                415,
                "content-type: the body must be application/json (send the header"
                    + " 'content-type: application/json')");
            return;
          }
          chain.proceed();
        });
  }

  private boolean allowed(String origin, Optional<String> host) {
    String o = origin.toLowerCase(Locale.ROOT);
    if (allowedOrigins.contains(o)) {
      return true;
    }
    // Same origin: a page served by this gateway itself.
    return host.isPresent()
        && (o.equals("http://" + host.get().toLowerCase(Locale.ROOT))
            || o.equals("https://" + host.get().toLowerCase(Locale.ROOT)));
  }

  /** An upload's raw bytes: {@code application/octet-stream} on the upload route only. */
  private static boolean upload(ServerRequest req) {
    return Method.POST.equals(req.prologue().method())
        && UploadHandler.octetStream(req.headers().contentType())
        && UPLOAD.matcher(req.path().path()).matches();
  }

  private static boolean json(Optional<HttpMediaType> type) {
    return type.isPresent()
        && type.get().mediaType().type().equalsIgnoreCase("application")
        && type.get().mediaType().subtype().equalsIgnoreCase("json");
  }
}
