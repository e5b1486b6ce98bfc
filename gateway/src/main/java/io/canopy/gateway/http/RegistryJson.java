package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Timestamp;
import io.canopy.proto.registry.v1.Model;
import io.canopy.proto.registry.v1.ModelVersion;
import io.canopy.proto.registry.v1.TrafficPolicy;
import io.canopy.proto.registry.v1.TrafficSplit;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes registry models and versions as JSON with snake_case names, numbers as numbers, enum names
 * without their prefix ("READY", "UBJ") and times as RFC 3339.
 */
final class RegistryJson {

  private RegistryJson() {}

  /** A model; with its versions when {@code versions} is not null. */
  static void writeModel(JsonGenerator g, Model m, List<ModelVersion> versions) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", m.getName());
    g.writeStringField("description", m.getDescription());
    writeStringMap(g, "labels", m.getLabelsMap());
    g.writeObjectFieldStart("aliases");
    for (Map.Entry<String, Long> alias : m.getAliasesMap().entrySet()) {
      g.writeNumberField(alias.getKey(), alias.getValue());
    }
    g.writeEndObject();
    g.writeNumberField("latest_version", m.getLatestVersion());
    if (m.hasTrafficPolicy()) {
      writePolicy(g, m.getTrafficPolicy());
    }
    g.writeStringField("creator", m.getCreator());
    writeTime(g, "create_time", m.hasCreateTime(), m.getCreateTime());
    writeTime(g, "update_time", m.hasUpdateTime(), m.getUpdateTime());
    if (versions != null) {
      g.writeArrayFieldStart("versions");
      for (ModelVersion v : versions) {
        writeVersion(g, v);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  /** {@code "traffic_policy": {...}}: splits, sticky, the shadow when set, pinned. */
  static void writePolicy(JsonGenerator g, TrafficPolicy policy) throws IOException {
    g.writeObjectFieldStart("traffic_policy");
    g.writeArrayFieldStart("splits");
    for (TrafficSplit split : policy.getSplitsList()) {
      g.writeStartObject();
      switch (split.getTargetCase()) {
        case VERSION -> g.writeNumberField("version", split.getVersion());
        case ALIAS -> g.writeStringField("alias", split.getAlias());
        case TARGET_NOT_SET -> {}
      }
      g.writeNumberField("percent", split.getPercent());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeBooleanField("sticky", policy.getSticky());
    if (policy.hasShadow()) {
      g.writeObjectFieldStart("shadow");
      g.writeNumberField("version", policy.getShadow().getVersion());
      g.writeNumberField("sample_rate", policy.getShadow().getSampleRate());
      g.writeEndObject();
    }
    g.writeBooleanField("pinned", policy.getPinned());
    g.writeEndObject();
  }

  static void writeVersion(JsonGenerator g, ModelVersion v) throws IOException {
    g.writeStartObject();
    g.writeStringField("model", v.getModel());
    g.writeNumberField("version", v.getVersion());
    g.writeStringField("state", v.getState().name().replace("VERSION_STATE_", ""));
    if (!v.getFailureReason().isEmpty()) {
      g.writeStringField("failure_reason", v.getFailureReason());
    }
    g.writeStringField("sha256", v.getSha256());
    g.writeNumberField("size_bytes", v.getSizeBytes());
    g.writeStringField("format", v.getFormat().name().replace("MODEL_FORMAT_", ""));
    g.writeStringField("objective", v.getObjective());
    g.writeNumberField("num_features", v.getNumFeatures());
    writeStrings(g, "feature_names", v.getFeatureNamesList());
    writeStrings(g, "feature_types", v.getFeatureTypesList());
    g.writeNumberField("num_trees", v.getNumTrees());
    g.writeNumberField("num_classes", v.getNumClasses());
    if (v.hasInputBinding()) {
      g.writeObjectFieldStart("input_binding");
      g.writeStringField("feature_view", v.getInputBinding().getFeatureView());
      writeStrings(g, "features", v.getInputBinding().getFeaturesList());
      g.writeEndObject();
    }
    writeStringMap(g, "labels", v.getLabelsMap());
    g.writeStringField("description", v.getDescription());
    g.writeStringField("creator", v.getCreator());
    writeTime(g, "create_time", v.hasCreateTime(), v.getCreateTime());
    writeTime(g, "update_time", v.hasUpdateTime(), v.getUpdateTime());
    g.writeEndObject();
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(field);
    for (String value : values) {
      g.writeString(value);
    }
    g.writeEndArray();
  }

  private static void writeStringMap(JsonGenerator g, String field, Map<String, String> map)
      throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : map.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /** {@code field} as RFC 3339 when {@code present}; nothing otherwise. */
  static void writeTime(JsonGenerator g, String field, boolean present, Timestamp t)
      throws IOException {
    if (present) {
      g.writeStringField(field, Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString());
    }
  }
}
