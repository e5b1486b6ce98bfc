package io.canopy.gateway.placement;

import io.canopy.gateway.routing.StableHash;

/**
 * Rendezvous (highest random weight) hashing: each model ranks the replicas by a hash of the pair;
 * its first {@code k} are its replicas. When a replica joins or leaves, only the models that rank
 * it among their first {@code k} move — about k/N of them — and every gateway computes the same
 * sets without talking to the others.
 */
public final class Rendezvous {

  private Rendezvous() {}

  /** A replica's or a model's hash: the gateway's one stable hash of names. */
  public static long hash(String name) {
    return StableHash.of(name);
  }

  /**
   * The replicas (given by their hashes) in the order {@code model} ranks them, best first. Called
   * for every upstream call: an insertion sort of primitives, no boxing (replicas are tens at
   * most).
   */
  public static int[] rank(long model, long[] replicas) {
    int n = replicas.length;
    long[] score = new long[n];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      long s = mix(model ^ replicas[i]);
      int j = i;
      while (j > 0 && Long.compareUnsigned(score[j - 1], s) < 0) {
        score[j] = score[j - 1];
        order[j] = order[j - 1];
        j--;
      }
      score[j] = s;
      order[j] = i;
    }
    return order;
  }

  /** SplitMix64's finalizer: every input bit moves every output bit. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
