package io.canopy.monitor.log;

import java.util.regex.Pattern;

/** How a prediction was routed, as its record says it: the one rule for the route's text. */
public final class Routes {

  /**
   * The KServe ModelInfer parameter in which the gateway tells serving the route (KServe's request
   * has no field for it; Predict carries it in its request parts).
   */
  public static final String KSERVE_PARAMETER = "canopy_route";

  /** At most this many characters. */
  public static final int MAX_LENGTH = 32;

  private static final Pattern ROUTE = Pattern.compile("[a-z-]{1," + MAX_LENGTH + "}");

  private Routes() {}

  /** Whether {@code route} is 1-32 characters of a-z and '-'. */
  public static boolean valid(String route) {
    return ROUTE.matcher(route).matches();
  }
}
