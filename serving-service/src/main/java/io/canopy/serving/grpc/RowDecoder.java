package io.canopy.serving.grpc;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.NamedRow;
import io.canopy.proto.inference.v1.NamedRows;
import io.canopy.serving.model.Lease;
import java.util.Arrays;
import java.util.Map;

/**
 * Turns request rows into the row-major float matrix the predictor takes (NaN = missing), checking
 * them against the leased version: feature count, feature names, finite values.
 */
final class RowDecoder {

  /** {@code count} rows, row-major in {@code values}. */
  /**
   * Decoded rows, row-major; {@code entities} is the feature lookup they came from (entity rows),
   * else null.
   */
  record Rows(float[] values, int count, GetOnlineFeaturesResponse entities) {
    Rows(float[] values, int count) {
      this(values, count, null);
    }
  }

  private RowDecoder() {}

  static Rows dense(DenseRows dense, int numFeatures) {
    if (dense.getNumFeatures() != numFeatures) {
      throw new CanopyException.InvalidArgument(
          "dense.num_features",
          "the model takes " + numFeatures + " features, got " + dense.getNumFeatures());
    }
    int n = dense.getValuesCount();
    if (n == 0 || n % numFeatures != 0) {
      throw new CanopyException.InvalidArgument(
          "dense.values",
          n + " values are not a whole, non-zero number of rows of " + numFeatures + " features");
    }
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = dense.getValues(i);
    }
    checkFinite(values, "dense.values");
    return new Rows(values, n / numFeatures);
  }

  static Rows named(NamedRows named, Lease lease) {
    int count = named.getRowsCount();
    if (count == 0) {
      throw new CanopyException.InvalidArgument("named.rows", "at least one row is required");
    }
    if (lease.featureNames().isEmpty()) {
      throw new CanopyException.InvalidArgument(
          "named", "version " + lease.version() + " has no feature names; send dense rows");
    }
    int width = lease.numFeatures();
    float[] values = new float[count * width];
    Arrays.fill(values, Float.NaN);
    for (int r = 0; r < count; r++) {
      NamedRow row = named.getRows(r);
      int offset = r * width;
      for (Map.Entry<String, Float> feature : row.getFeaturesMap().entrySet()) {
        int column = lease.featureIndex(feature.getKey());
        if (column < 0) {
          throw new CanopyException.InvalidArgument(
              "named.rows[" + r + "].features",
              "the model has no feature '" + feature.getKey() + "'");
        }
        float value = feature.getValue();
        if (Float.isInfinite(value)) {
          throw new CanopyException.InvalidArgument(
              "named.rows[" + r + "].features",
              "feature '"
                  + feature.getKey()
                  + "' is infinite; use NaN or leave it out for missing");
        }
        values[offset + column] = value;
      }
    }
    return new Rows(values, count);
  }

  /** NaN means missing; infinities are refused (XGBoost would silently mis-split on them). */
  static void checkFinite(float[] values, String field) {
    for (int i = 0; i < values.length; i++) {
      if (Float.isInfinite(values[i])) {
        throw new CanopyException.InvalidArgument(
            field, "value " + i + " is infinite; use NaN for missing");
      }
    }
  }
}
