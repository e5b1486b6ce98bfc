package io.canopy.serving.predict;

/** Which engine computes a version's small VALUE, MARGIN and CLASS predictions. */
public enum Engine {
  /** XGBoost4J's native {@code inplace_predict}: the engine of record. */
  XGBOOST,
  /** LightGBM's native library (lightgbm4j): the engine of record for LightGBM models. */
  LIGHTGBM,
  /** The verified pure-Java flat forest ({@link io.canopy.serving.predict.flat.FlatForest}). */
  FLAT
}
