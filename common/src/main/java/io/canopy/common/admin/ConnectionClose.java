package io.canopy.common.admin;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRouting;

/**
 * Honours {@code Connection: close} from the client: the reply says so and the connection is closed
 * after it (Helidon answered and kept the socket open). On every Helidon listener of Canopy: the
 * admin ports and the gateway's HTTP port.
 */
public final class ConnectionClose {

  private ConnectionClose() {}

  public static void register(HttpRouting.Builder routing) {
    routing.addFilter(
        (chain, req, res) -> {
          boolean close =
              req.headers()
                  .first(HeaderNames.CONNECTION)
                  .map(v -> v.equalsIgnoreCase("close"))
                  .orElse(false);
          if (close) {
            res.header(HeaderNames.CONNECTION, "close");
          }
          chain.proceed();
          if (close) {
            throw new CloseConnectionException("the client asked to close the connection");
          }
        });
  }
}
