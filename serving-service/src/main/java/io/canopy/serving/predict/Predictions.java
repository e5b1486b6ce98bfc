package io.canopy.serving.predict;

/** The shapes every engine answers in, and classes from outputs: one rule for both formats. */
final class Predictions {

  private Predictions() {}

  /** {@code [rows]} for one column, else {@code [rows, width]}. */
  static Prediction shaped(float[] values, int numRows, int width) {
    return new Prediction(values, width == 1 ? new int[] {numRows} : new int[] {numRows, width});
  }

  /**
   * Classes from row-major outputs, {@code width} per row: the first largest of a row for
   * multi-class models ({@code multiClass}), else 1 when the value is above 0.5.
   */
  static Prediction classes(float[] out, int numRows, int width, boolean multiClass) {
    float[] classes = new float[numRows];
    for (int r = 0; r < numRows; r++) {
      int from = r * width;
      if (multiClass) {
        int best = 0;
        for (int c = 1; c < width; c++) {
          if (out[from + c] > out[from + best]) {
            best = c;
          }
        }
        classes[r] = best;
      } else {
        classes[r] = out[from] > 0.5f ? 1f : 0f;
      }
    }
    return new Prediction(classes, new int[] {numRows});
  }
}
