package io.canopy.serving.features;

import io.canopy.common.error.CanopyException;
import io.canopy.common.names.ResourceNames;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureView;
import io.canopy.proto.features.v1.ValueType;
import java.util.HashSet;
import java.util.Set;

/** Checks a feature view definition before it is stored. */
final class ViewValidation {

  private ViewValidation() {}

  static void check(FeatureView view) {
    ResourceNames.check("feature_view.name", view.getName());
    if (view.getEntity().isBlank()) {
      throw new CanopyException.InvalidArgument("feature_view.entity", "an entity is required");
    }
    if (view.getFeaturesCount() == 0) {
      throw new CanopyException.InvalidArgument(
          "feature_view.features", "at least one feature is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < view.getFeaturesCount(); i++) {
      Feature feature = view.getFeatures(i);
      String field = "feature_view.features[" + i + "]";
      if (feature.getName().isEmpty()) {
        throw new CanopyException.InvalidArgument(field + ".name", "a name is required");
      }
      if (!names.add(feature.getName())) {
        throw new CanopyException.InvalidArgument(
            field + ".name", "duplicate feature '" + feature.getName() + "'");
      }
      if (feature.getType() == ValueType.VALUE_TYPE_UNSPECIFIED
          || feature.getType() == ValueType.UNRECOGNIZED) {
        throw new CanopyException.InvalidArgument(field + ".type", "a value type is required");
      }
    }
    if (view.hasTtl() && (view.getTtl().getSeconds() < 0 || view.getTtl().getNanos() < 0)) {
      throw new CanopyException.InvalidArgument("feature_view.ttl", "must not be negative");
    }
  }
}
