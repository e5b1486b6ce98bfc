package io.canopy.serving.predict;

import java.util.Arrays;

/**
 * A prediction's output: row-major {@code values} and their {@code shape}, {@code [rows]} or {@code
 * [rows, k]} (or {@code [rows, classes, features + 1]} for multi-class contributions). The arrays
 * are owned by the caller once returned; they are not copied again.
 */
public record Prediction(float[] values, int[] shape) {

  public Prediction {
    long expected = 1;
    for (int dim : shape) {
      expected *= dim;
    }
    if (shape.length == 0 || expected != values.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
    }
  }

  public int rows() {
    return shape[0];
  }
}
