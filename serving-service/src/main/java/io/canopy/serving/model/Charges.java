package io.canopy.serving.model;

import io.canopy.proto.registry.v1.ModelVersion;

/**
 * What a version costs the memory budget. Loaded: the predictor's heap (the flat forest's arrays,
 * exact) plus its native model, as the registry's validation child measured it ({@code
 * native_bytes}: what disposing the model gave back to the C heap) — or, for a version registered
 * before that was measured, its artifact's size (XGBoost holds about that much for a UBJ file).
 * Before a load, the last charge the version had here, else an estimate: the native model plus half
 * as much again for the flat forest.
 */
final class Charges {

  private Charges() {}

  /** The native model's bytes: measured by the registry, else the artifact's size. */
  static long nativeBytes(ModelVersion meta) {
    return meta.getNativeBytes() > 0 ? meta.getNativeBytes() : meta.getSizeBytes();
  }

  /** What loading {@code meta} is expected to charge, before the load tells. */
  static long expected(ModelVersion meta) {
    long nativeBytes = nativeBytes(meta);
    return nativeBytes + nativeBytes / 2;
  }
}
