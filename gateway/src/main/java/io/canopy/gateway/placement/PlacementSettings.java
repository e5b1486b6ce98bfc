package io.canopy.gateway.placement;

/**
 * How models are placed on serving replicas.
 *
 * @param replicasPerModel {@code gateway.upstream.placement.replicas-per-model}: the replicas a
 *     model's requests go to (its first in rendezvous order), at least 1
 * @param hotInFlight {@code gateway.upstream.placement.hot-in-flight}: requests of one model in
 *     flight per replica of its set above which the set widens (one replica more per this many); it
 *     narrows as they fall
 */
public record PlacementSettings(int replicasPerModel, int hotInFlight) {

  public static final PlacementSettings DEFAULT = new PlacementSettings(2, 32);

  public PlacementSettings {
    if (replicasPerModel < 1) {
      throw new IllegalArgumentException(
          "gateway.upstream.placement.replicas-per-model: must be >= 1, got " + replicasPerModel);
    }
    if (hotInFlight < 1) {
      throw new IllegalArgumentException(
          "gateway.upstream.placement.hot-in-flight: must be >= 1, got " + hotInFlight);
    }
  }
}
