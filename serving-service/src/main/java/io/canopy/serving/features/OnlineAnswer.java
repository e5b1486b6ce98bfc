package io.canopy.serving.features;

import com.google.protobuf.Timestamp;
import io.canopy.proto.features.v1.EntityFeatures;
import io.canopy.proto.features.v1.Feature;
import io.canopy.proto.features.v1.FeatureColumn;
import io.canopy.proto.features.v1.FeatureStatus;
import io.canopy.proto.features.v1.FeatureValue;
import io.canopy.proto.features.v1.GetOnlineFeaturesResponse;
import io.canopy.proto.features.v1.ValueType;
import java.util.List;

/**
 * A GetOnlineFeatures answer built from what a lookup found, in either layout: rows (a message per
 * value) or columns (packed arrays per feature). Both read the same {@link FoundCells} with the
 * same rule, so they say the same thing value for value.
 *
 * @param keys the requested entity keys, in request order
 * @param entityOf per requested key, its index among the distinct keys read
 * @param columns the requested features, in request order
 * @param names the requested features' names, in request order
 * @param cellOf per requested feature, its index among the distinct features read
 * @param found what was read
 * @param expiredBefore event times before this are EXPIRED ({@code Long.MIN_VALUE}: never)
 */
record OnlineAnswer(
    List<String> keys,
    int[] entityOf,
    List<Feature> columns,
    List<String> names,
    int[] cellOf,
    FoundCells found,
    long expiredBefore) {

  /** The stored value at (entity, cell) if it is one of {@code type}'s; else NOT_FOUND. */
  private FeatureStatus status(int entity, int cell, ValueType type) {
    int kind = found.kind(entity, cell);
    if (kind == FoundCells.NONE || kind != kindOf(type)) {
      // Nothing stored, or stored under an earlier definition of the feature with another type.
      return FeatureStatus.FEATURE_STATUS_NOT_FOUND;
    }
    return found.eventNanos(entity, cell) < expiredBefore
        ? FeatureStatus.FEATURE_STATUS_EXPIRED
        : FeatureStatus.FEATURE_STATUS_PRESENT;
  }

  private static int kindOf(ValueType type) {
    return switch (type) {
      case VALUE_TYPE_FLOAT -> FeatureValue.KindCase.FLOAT_VALUE.getNumber();
      case VALUE_TYPE_DOUBLE -> FeatureValue.KindCase.DOUBLE_VALUE.getNumber();
      case VALUE_TYPE_INT64 -> FeatureValue.KindCase.INT64_VALUE.getNumber();
      case VALUE_TYPE_BOOL -> FeatureValue.KindCase.BOOL_VALUE.getNumber();
      case VALUE_TYPE_STRING -> FeatureValue.KindCase.STRING_VALUE.getNumber();
      case VALUE_TYPE_UNSPECIFIED, UNRECOGNIZED -> -1;
    };
  }

  /** FEATURE_LAYOUT_ROWS: per entity, a FeatureValue, a status and a Timestamp per feature. */
  GetOnlineFeaturesResponse asRows() {
    GetOnlineFeaturesResponse.Builder response =
        GetOnlineFeaturesResponse.newBuilder().addAllFeatures(names);
    // Cells written together share their event time: one Timestamp for a run of them.
    long lastNanos = Long.MIN_VALUE;
    Timestamp lastTime = null;
    for (int k = 0; k < keys.size(); k++) {
      int entity = entityOf[k];
      EntityFeatures.Builder row = EntityFeatures.newBuilder().setEntityKey(keys.get(k));
      for (int c = 0; c < columns.size(); c++) {
        int cell = cellOf[c];
        FeatureStatus status = status(entity, cell, columns.get(c).getType());
        if (status == FeatureStatus.FEATURE_STATUS_NOT_FOUND) {
          row.addValues(FeatureValue.getDefaultInstance())
              .addStatuses(status)
              .addEventTimes(Timestamp.getDefaultInstance());
          continue;
        }
        long eventNanos = found.eventNanos(entity, cell);
        if (eventNanos != lastNanos) {
          lastNanos = eventNanos;
          lastTime = FeatureStore.timestamp(eventNanos);
        }
        row.addValues(value(entity, cell, columns.get(c).getType()))
            .addStatuses(status)
            .addEventTimes(lastTime);
      }
      response.addRows(row);
    }
    return response.build();
  }

  private FeatureValue value(int entity, int cell, ValueType type) {
    FeatureValue.Builder value = FeatureValue.newBuilder();
    switch (type) {
      case VALUE_TYPE_FLOAT -> value.setFloatValue(found.floatValue(entity, cell));
      case VALUE_TYPE_DOUBLE -> value.setDoubleValue(found.doubleValue(entity, cell));
      case VALUE_TYPE_INT64 -> value.setInt64Value(found.int64Value(entity, cell));
      case VALUE_TYPE_BOOL -> value.setBoolValue(found.boolValue(entity, cell));
      case VALUE_TYPE_STRING -> value.setStringValue(found.stringValue(entity, cell));
      case VALUE_TYPE_UNSPECIFIED, UNRECOGNIZED -> {}
    }
    return value.build();
  }

  /**
   * FEATURE_LAYOUT_COLUMNS: the keys once, then per feature packed statuses, event times (ns) and
   * values of its type, an entry per key (zero, false or empty where NOT_FOUND).
   */
  GetOnlineFeaturesResponse asColumns() {
    GetOnlineFeaturesResponse.Builder response =
        GetOnlineFeaturesResponse.newBuilder().addAllFeatures(names).addAllEntityKeys(keys);
    for (int c = 0; c < columns.size(); c++) {
      response.addColumns(column(cellOf[c], columns.get(c).getType()));
    }
    return response.build();
  }

  private FeatureColumn column(int cell, ValueType type) {
    FeatureColumn.Builder column = FeatureColumn.newBuilder().setType(type);
    for (int k = 0; k < keys.size(); k++) {
      int entity = entityOf[k];
      FeatureStatus status = status(entity, cell, type);
      boolean stored = status != FeatureStatus.FEATURE_STATUS_NOT_FOUND;
      column.addStatusesValue(status.getNumber());
      column.addEventTimeNanos(stored ? found.eventNanos(entity, cell) : 0);
      switch (type) {
        case VALUE_TYPE_FLOAT ->
            column.addFloatValues(stored ? found.floatValue(entity, cell) : 0f);
        case VALUE_TYPE_DOUBLE ->
            column.addDoubleValues(stored ? found.doubleValue(entity, cell) : 0d);
        case VALUE_TYPE_INT64 -> column.addInt64Values(stored ? found.int64Value(entity, cell) : 0);
        case VALUE_TYPE_BOOL -> column.addBoolValues(stored && found.boolValue(entity, cell));
        case VALUE_TYPE_STRING ->
            column.addStringValues(stored ? found.stringValue(entity, cell) : "");
        case VALUE_TYPE_UNSPECIFIED, UNRECOGNIZED -> {}
      }
    }
    return column.build();
  }
}
