package io.canopy.serving.features;

import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import java.util.List;

/**
 * Model inputs looked up by entity key: {@code rows} rows of row-major floats in the binding's
 * feature order (NaN where a value was not found or had expired), and per row the names of those
 * missing features (empty lists for complete rows); {@code found} is the lookup as read.
 */
public record EntityMatrix(
    float[] values, int rows, List<List<String>> missing, GetOnlineFeaturesResponse found) {}
