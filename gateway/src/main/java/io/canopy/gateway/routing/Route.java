package io.canopy.gateway.routing;

/**
 * Where one request goes: a concrete version (0 when the gateway does not know the model yet and
 * forwards the caller's selector unchanged), how it was chosen, and an optional shadow copy.
 *
 * @param version the version to call upstream; 0 means "forward the selector as given"
 * @param via how the version was chosen: version, alias, split, production, latest, passthrough
 * @param shadowVersion the version a copy goes to, 0 for none
 */
public record Route(long version, String via, long shadowVersion) {

  public Route {
    if (version < 0 || shadowVersion < 0) {
      throw new IllegalArgumentException("version " + version + "/" + shadowVersion + " < 0");
    }
  }

  static Route passthrough() {
    return new Route(0, "passthrough", 0);
  }

  public boolean resolved() {
    return version > 0;
  }
}
