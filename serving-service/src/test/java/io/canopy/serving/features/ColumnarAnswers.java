package io.canopy.serving.features;

import com.google.protobuf.Timestamp;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.FeatureColumn;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;

/** Turns a columnar GetOnlineFeatures answer into the row layout, to compare the two. */
final class ColumnarAnswers {

  private ColumnarAnswers() {}

  static GetOnlineFeaturesResponse asRows(GetOnlineFeaturesResponse columns) {
    GetOnlineFeaturesResponse.Builder rows =
        GetOnlineFeaturesResponse.newBuilder().addAllFeatures(columns.getFeaturesList());
    for (int k = 0; k < columns.getEntityKeysCount(); k++) {
      EntityFeatures.Builder row =
          EntityFeatures.newBuilder().setEntityKey(columns.getEntityKeys(k));
      for (FeatureColumn column : columns.getColumnsList()) {
        FeatureStatus status = column.getStatuses(k);
        row.addStatuses(status);
        if (status == FeatureStatus.FEATURE_STATUS_NOT_FOUND) {
          row.addValues(FeatureValue.getDefaultInstance());
          row.addEventTimes(Timestamp.getDefaultInstance());
          continue;
        }
        long nanos = column.getEventTimeNanos(k);
        row.addEventTimes(
            Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(nanos, 1_000_000_000L))
                .setNanos((int) Math.floorMod(nanos, 1_000_000_000L)));
        FeatureValue.Builder value = FeatureValue.newBuilder();
        switch (column.getType()) {
          case VALUE_TYPE_FLOAT -> value.setFloatValue(column.getFloatValues(k));
          case VALUE_TYPE_DOUBLE -> value.setDoubleValue(column.getDoubleValues(k));
          case VALUE_TYPE_INT64 -> value.setInt64Value(column.getInt64Values(k));
          case VALUE_TYPE_BOOL -> value.setBoolValue(column.getBoolValues(k));
          case VALUE_TYPE_STRING -> value.setStringValue(column.getStringValues(k));
          default -> throw new AssertionError("a column of type " + column.getType());
        }
        row.addValues(value);
      }
      rows.addRows(row);
    }
    return rows.build();
  }
}
