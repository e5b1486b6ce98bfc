package io.canopy.common.auth;

import io.canopy.common.tls.ServerTls;

/**
 * The startup line every service prints about its security, so an operator sees at once whether
 * authentication and TLS are on (and what is open) instead of finding out from a client.
 */
public final class SecurityBanner {

  private SecurityBanner() {}

  /**
   * @param service the service's name
   * @param tokens the tokens it accepts; empty: authentication is off
   * @param protects what the tokens protect, e.g. "mutations (reads stay open)"
   * @param tls its listeners' certificate
   */
  public static String line(String service, BearerTokens tokens, String protects, ServerTls tls) {
    String auth =
        tokens.isEmpty()
            ? "auth OFF (no tokens configured: " + protects + " are open to anyone who can connect)"
            : "auth ON ("
                + tokens.size()
                + (tokens.size() == 1 ? " token" : " tokens")
                + " for "
                + protects
                + ")";
    String transport =
        !tls.enabled()
            ? "TLS OFF (plaintext)"
            : tls.requiresClientCertificates() ? "TLS ON (client certificates required)" : "TLS ON";
    return service + ": " + auth + ", " + transport;
  }
}
