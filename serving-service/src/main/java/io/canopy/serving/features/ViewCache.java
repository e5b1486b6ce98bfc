package io.canopy.serving.features;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.features.v1.FeatureView;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Feature view definitions held in memory for a short while, so a lookup costs one backend read,
 * not two. With Redis shared by replicas, another replica's change shows after at most the TTL.
 */
final class ViewCache {

  private record Entry(FeatureView view, long loadedMillis) {}

  private final FeatureBackend backend;
  private final Clock clock;
  private final long ttlMillis;
  private final ConcurrentHashMap<String, Entry> views = new ConcurrentHashMap<>();

  ViewCache(FeatureBackend backend, Clock clock, Duration ttl) {
    this.backend = backend;
    this.clock = clock;
    this.ttlMillis = ttl.toMillis();
  }

  /** The view, or NOT_FOUND. */
  FeatureView get(String name) {
    Entry entry = views.get(name);
    long now = clock.millis();
    if (entry != null && now - entry.loadedMillis() < ttlMillis) {
      return entry.view();
    }
    FeatureView view =
        backend
            .readView(name)
            .orElseThrow(
                () -> {
                  views.remove(name);
                  return new CanopyException.NotFound("feature view '" + name + "' not found");
                });
    views.put(name, new Entry(view, now));
    return view;
  }

  void put(FeatureView view) {
    views.put(view.getName(), new Entry(view, clock.millis()));
  }

  void remove(String name) {
    views.remove(name);
  }
}
