package io.canopy.registry.watch;

import io.canopy.common.config.ConfigLoader;
import io.helidon.config.Config;

/**
 * How many WatchModels streams may be open at once ({@code registry.watch.*}).
 *
 * @param maxStreams in total
 * @param maxStreamsPerPeer from one client address
 */
public record WatchLimits(int maxStreams, int maxStreamsPerPeer) {

  public WatchLimits {
    if (maxStreams < 1) {
      throw new IllegalArgumentException(
          "registry.watch.max-streams: " + maxStreams + " must be at least 1");
    }
    if (maxStreamsPerPeer < 1 || maxStreamsPerPeer > maxStreams) {
      throw new IllegalArgumentException(
          "registry.watch.max-streams-per-peer: "
              + maxStreamsPerPeer
              + " must be between 1 and registry.watch.max-streams ("
              + maxStreams
              + ")");
    }
  }

  /** Reads the {@code registry.watch} node. */
  public static WatchLimits create(Config watch) {
    return new WatchLimits(
        ConfigLoader.intValue(watch, "max-streams"),
        ConfigLoader.intValue(watch, "max-streams-per-peer"));
  }
}
