package io.canopy.gateway.upstream;

import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/** Closing an upstream channel: calls in flight get a few seconds, then it is forced. */
final class Channels {

  private Channels() {}

  static void close(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
