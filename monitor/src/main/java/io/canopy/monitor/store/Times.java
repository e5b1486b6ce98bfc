package io.canopy.monitor.store;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Protobuf timestamps to and from epoch milliseconds, the store's time unit. */
public final class Times {

  private Times() {}

  public static long millis(Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  public static Timestamp timestamp(long epochMillis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(epochMillis, 1000))
        .setNanos((int) Math.floorMod(epochMillis, 1000) * 1_000_000)
        .build();
  }

  public static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder()
        .setSeconds(instant.getEpochSecond())
        .setNanos(instant.getNano())
        .build();
  }
}
