package io.canopy.serving.predict;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The models whose flat forest this process has verified, by sha256, with the verdict's detail: a
 * version loaded again (evicted under the memory budget, then asked for) compiles the same bytes
 * with the same compiler against the same library, so it keeps its verdict instead of being
 * verified on sample rows again — for a small model the verification is half of a cold load. Only
 * passed verdicts are kept. Bounded: the least recently used entries go past {@code capacity} (an
 * entry is a sha256 and a short detail, ~300 bytes).
 */
public final class VerifiedModels {

  private final int capacity;
  private final LinkedHashMap<String, String> details;

  public VerifiedModels(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
    }
    this.capacity = capacity;
    this.details =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > VerifiedModels.this.capacity;
          }
        };
  }

  /** Remembers nothing: every load verifies. */
  public static VerifiedModels none() {
    return new VerifiedModels(0);
  }

  /** The detail of the passed verdict of the model with this sha256, or null. */
  synchronized String detail(String sha256) {
    return details.get(sha256);
  }

  synchronized void remember(String sha256, String detail) {
    if (capacity > 0) {
      details.put(sha256, detail);
    }
  }

  /** The choice a load of a model verified before gets. */
  static EngineChoice earlier(String detail) {
    return new EngineChoice(
        Engine.FLAT, "verified", detail + " (at an earlier load of the same bytes)");
  }
}
