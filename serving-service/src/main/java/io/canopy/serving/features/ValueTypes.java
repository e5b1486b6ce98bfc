package io.canopy.serving.features;

import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.ValueType;

/** Which value kinds a feature type takes, and how numeric features become model inputs. */
final class ValueTypes {

  private ValueTypes() {}

  static boolean matches(ValueType type, FeatureValue value) {
    return switch (type) {
      case VALUE_TYPE_FLOAT -> value.hasFloatValue();
      case VALUE_TYPE_DOUBLE -> value.hasDoubleValue();
      case VALUE_TYPE_INT64 -> value.hasInt64Value();
      case VALUE_TYPE_BOOL -> value.hasBoolValue();
      case VALUE_TYPE_STRING -> value.hasStringValue();
      case VALUE_TYPE_UNSPECIFIED, UNRECOGNIZED -> false;
    };
  }

  static boolean numeric(ValueType type) {
    return type != ValueType.VALUE_TYPE_STRING
        && type != ValueType.VALUE_TYPE_UNSPECIFIED
        && type != ValueType.UNRECOGNIZED;
  }

  /**
   * A model input: floats as they are, doubles and int64s rounded to the nearest float (large
   * int64s lose precision, as they would in XGBoost's float32 matrix), bools as 1 and 0.
   */
  static float toFloat(FeatureValue value) {
    return switch (value.getKindCase()) {
      case FLOAT_VALUE -> value.getFloatValue();
      case DOUBLE_VALUE -> (float) value.getDoubleValue();
      case INT64_VALUE -> (float) value.getInt64Value();
      case BOOL_VALUE -> value.getBoolValue() ? 1f : 0f;
      case STRING_VALUE, KIND_NOT_SET -> Float.NaN;
    };
  }
}
