package io.canopy.serving.predict.flat;

/** The engine of record a {@link FlatForest} is checked against (XGBoost4J in serving). */
public interface ReferenceEngine {

  /** Margins of row-major rows, {@code numRows × groups} values. */
  float[] margins(float[] rows, int numRows) throws Exception;

  /** Values (transformed predictions) of row-major rows, {@code numRows × width} values. */
  float[] values(float[] rows, int numRows) throws Exception;
}
