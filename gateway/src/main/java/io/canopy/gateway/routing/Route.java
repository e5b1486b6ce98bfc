package io.canopy.gateway.routing;

/**
 * Where one request goes: a concrete version (0 when the gateway does not know the model yet and
 * forwards the caller's selector unchanged), how it was chosen, an optional shadow copy, and, for
 * an alias that moved moments ago, the version it pointed at before.
 *
 * @param version the version to call upstream; 0 means "forward the selector as given"
 * @param via how the version was chosen: version, alias, split, production, latest, passthrough
 * @param shadowVersion the version a copy goes to, 0 for none
 * @param fallbackVersion the alias's previous target, asked once when {@code version} is not served
 *     yet (UNAVAILABLE or FAILED_PRECONDITION after the retries); 0 for none
 */
public record Route(long version, String via, long shadowVersion, long fallbackVersion) {

  public Route {
    if (version < 0 || shadowVersion < 0 || fallbackVersion < 0) {
      throw new IllegalArgumentException(
          "version " + version + "/" + shadowVersion + "/" + fallbackVersion + " < 0");
    }
  }

  /** A route with no fallback. */
  public Route(long version, String via, long shadowVersion) {
    this(version, via, shadowVersion, 0);
  }

  static Route passthrough() {
    return new Route(0, "passthrough", 0);
  }

  public boolean resolved() {
    return version > 0;
  }
}
