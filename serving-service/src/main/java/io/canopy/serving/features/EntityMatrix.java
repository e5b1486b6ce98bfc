package io.canopy.serving.features;

import io.canopy.common.error.CanopyException;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Model inputs looked up by entity key: {@code rows} rows of row-major floats in the binding's
 * feature order (NaN where a value was not found or had expired), and per row the names of those
 * missing features (empty lists for complete rows); {@code found} is the lookup as read.
 */
public record EntityMatrix(
    float[] values, int rows, List<List<String>> missing, GetOnlineFeaturesResponse found) {

  /**
   * Reads {@code features} of {@code viewName} for each key as floats ({@link ValueTypes#toFloat}).
   * A view that does not exist is FAILED_PRECONDITION (the model's binding is wrong, not the
   * request); a string feature is INVALID_ARGUMENT on {@code field}.
   */
  static EntityMatrix lookup(
      FeatureStore store,
      String viewName,
      List<String> features,
      List<String> entityKeys,
      String field) {
    FeatureView view;
    try {
      view = store.view(viewName);
    } catch (CanopyException.NotFound e) {
      throw new CanopyException.FailedPrecondition(
          "the model's input binding reads feature view '" + viewName + "', which does not exist");
    }
    for (Feature feature : FeatureStore.columns(view, features, field)) {
      if (!ValueTypes.numeric(feature.getType())) {
        throw new CanopyException.InvalidArgument(
            field,
            "feature '"
                + feature.getName()
                + "' is "
                + feature.getType()
                + "; models take numbers");
      }
    }
    GetOnlineFeaturesResponse found = store.read(viewName, entityKeys, features);
    int width = features.size();
    float[] values = new float[entityKeys.size() * width];
    List<List<String>> missing = new ArrayList<>(entityKeys.size());
    for (int r = 0; r < entityKeys.size(); r++) {
      EntityFeatures row = found.getRows(r);
      List<String> absent = new ArrayList<>();
      for (int f = 0; f < width; f++) {
        float value =
            row.getStatuses(f) == FeatureStatus.FEATURE_STATUS_PRESENT
                ? ValueTypes.toFloat(row.getValues(f))
                : Float.NaN;
        // An infinite double would mis-split silently in XGBoost: it counts as missing.
        if (Float.isFinite(value)) {
          values[r * width + f] = value;
        } else {
          values[r * width + f] = Float.NaN;
          absent.add(features.get(f));
        }
      }
      missing.add(absent);
    }
    return new EntityMatrix(values, entityKeys.size(), missing, found);
  }
}
