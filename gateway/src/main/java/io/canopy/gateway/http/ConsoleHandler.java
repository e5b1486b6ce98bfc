package io.canopy.gateway.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * The console at {@code /ui/}: {@code GET /ui} redirects (308) to {@code /ui/}, {@code /ui/} is
 * {@code index.html}, {@code /ui/<file>} one of {@link ConsoleAssets}; anything else 404. Open to
 * everyone (the page must load before it can ask for a token; the files hold no secrets).
 *
 * <p>Every answer carries a Content-Security-Policy that lets the page load only its own scripts,
 * styles, images and fonts and talk only to this gateway, with no inline script, no framing and no
 * form posts: a value an attacker slips into the page (a model description, say) cannot run. With
 * {@code nosniff}, a browser never takes a file for another type than the one named here.
 */
record ConsoleHandler(ConsoleAssets assets, JsonReplies replies) {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none';"
          + " frame-ancestors 'none'";

  private static final HeaderName CSP = HeaderNames.create("Content-Security-Policy");
  private static final HeaderName NOSNIFF = HeaderNames.create("X-Content-Type-Options");
  private static final HeaderName REFERRER = HeaderNames.create("Referrer-Policy");
  private static final HeaderName FRAMES = HeaderNames.create("X-Frame-Options");

  void routes(HttpRules rules) {
    rules.get("/ui", this::serve).get("/ui/*", this::serve);
  }

  private void serve(ServerRequest req, ServerResponse res) {
    res.header(CSP, CONTENT_SECURITY_POLICY);
    res.header(NOSNIFF, "nosniff");
    res.header(REFERRER, "no-referrer");
    res.header(FRAMES, "DENY");
    String path = req.path().path();
    if (path.equals("/ui")) {
      res.status(Status.PERMANENT_REDIRECT_308);
      res.header(HeaderNames.LOCATION, "/ui/");
      res.send();
      return;
    }
    if (!assets.present()) {
      replies.error(res, 404, "the console is not in this build");
      return;
    }
    String name = path.substring("/ui/".length());
    Optional<ConsoleAssets.Asset> asset = assets.find(name.isEmpty() ? "index.html" : name);
    if (asset.isEmpty()) {
      replies.error(res, 404, "the console has no file '" + name + "'");
      return;
    }
    ConsoleAssets.Asset a = asset.get();
    res.header(HeaderNames.ETAG, a.etag());
    res.header(HeaderNames.CACHE_CONTROL, a.cacheControl());
    Optional<String> known = req.headers().first(HeaderNames.IF_NONE_MATCH);
    if (known.isPresent() && matches(known.get(), a.etag())) {
      res.status(Status.NOT_MODIFIED_304);
      res.send();
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, a.contentType());
    res.status(Status.OK_200);
    res.send(a.bytes());
  }

  /** An If-None-Match list ({@code "a", W/"b"} or {@code *}) naming {@code etag}. */
  static boolean matches(String ifNoneMatch, String etag) {
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
