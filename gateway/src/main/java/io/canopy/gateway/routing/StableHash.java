package io.canopy.gateway.routing;

import java.nio.charset.StandardCharsets;

/**
 * The gateway's one hash of names that must agree across gateways and restarts (sticky routing
 * keys, model placement): FNV-1a 64 over the UTF-8, then a finalizer — unlike {@link
 * String#hashCode}, stable and with no weak low bits.
 */
public final class StableHash {

  private StableHash() {}

  public static long of(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }
}
