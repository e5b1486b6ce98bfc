package io.canopy.bench.jmh;

import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The benchmarks' training set: {@code rows} × {@code features} standard-normal values and a binary
 * label driven mostly by the first ten features, from a fixed seed, so every benchmark that trains
 * "the same model" trains it on the same data.
 */
record SyntheticTraining(float[] data, float[] labels, int rows, int features) {

  static SyntheticTraining generate(int rows, int features, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] data = new float[rows * features];
    float[] labels = new float[rows];
    for (int r = 0; r < rows; r++) {
      double signal = 0;
      for (int f = 0; f < features; f++) {
        float v = (float) random.nextGaussian();
        data[r * features + f] = v;
        signal += (f % 3 == 0 ? v : -0.5 * v) * (f < 10 ? 1 : 0.2);
      }
      labels[r] = signal + random.nextGaussian() > 0 ? 1 : 0;
    }
    return new SyntheticTraining(data, labels, rows, features);
  }

  /** A labelled DMatrix of the data; the caller disposes it. */
  DMatrix matrix() throws XGBoostError {
    DMatrix matrix = new DMatrix(data, rows, features, Float.NaN);
    try {
      matrix.setLabel(labels);
      return matrix;
    } catch (XGBoostError | RuntimeException e) {
      matrix.dispose();
      throw e;
    }
  }
}
