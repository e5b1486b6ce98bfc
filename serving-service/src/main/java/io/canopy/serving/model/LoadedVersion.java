package io.canopy.serving.model;

import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.serving.predict.Predictor;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded version with a reference count: the manager holds one reference while the version is
 * published, every request holds one while it computes. The native model is freed when the count
 * reaches zero, so a retired version finishes its in-flight requests first.
 */
final class LoadedVersion {

  private final ModelVersion meta;
  private final Predictor predictor;
  private final List<String> featureNames;
  private final Map<String, Integer> featureIndex;
  private final Instant availableSince;
  private final AtomicInteger refs = new AtomicInteger(1);
  private final AtomicBoolean retired = new AtomicBoolean();
  private final long charge;
  private volatile long lastUsed = System.nanoTime();

  LoadedVersion(ModelVersion meta, Predictor predictor, Instant availableSince) {
    this.meta = meta;
    this.predictor = predictor;
    this.availableSince = availableSince;
    // The registry's names are authoritative; the model file's are the fallback.
    this.featureNames =
        meta.getFeatureNamesCount() == predictor.numFeatures()
            ? List.copyOf(meta.getFeatureNamesList())
            : predictor.featureNames();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < featureNames.size(); i++) {
      index.put(featureNames.get(i), i);
    }
    this.featureIndex = Map.copyOf(index);
    this.charge = predictor.heapBytes() + Charges.nativeBytes(meta);
  }

  /** What it is charged against the memory budget ({@link Charges}). */
  long charge() {
    return charge;
  }

  /** When a request last took it (nanoTime): the memory budget evicts the least recent. */
  long lastUsed() {
    return lastUsed;
  }

  /** No request holds it (only the manager's own reference is left). */
  boolean idle() {
    return refs.get() == 1;
  }

  VersionKey key() {
    return new VersionKey(meta.getModel(), meta.getVersion());
  }

  ModelVersion meta() {
    return meta;
  }

  Predictor predictor() {
    return predictor;
  }

  List<String> featureNames() {
    return featureNames;
  }

  /** Column of a named feature, or -1. */
  int featureIndex(String name) {
    Integer i = featureIndex.get(name);
    return i == null ? -1 : i;
  }

  Instant availableSince() {
    return availableSince;
  }

  /** Takes a reference for one request; false once the version has been freed. */
  boolean tryAcquire() {
    while (true) {
      int n = refs.get();
      if (n == 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        lastUsed = System.nanoTime();
        return true;
      }
    }
  }

  /** Drops a reference; the last one frees the native model. */
  void release() {
    int n = refs.decrementAndGet();
    if (n == 0) {
      predictor.close();
    } else if (n < 0) {
      throw new IllegalStateException(key() + " released more often than acquired");
    }
  }

  /** Drops the manager's own reference (once): the version frees itself when idle. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  boolean isDisposed() {
    return predictor.isClosed();
  }
}
