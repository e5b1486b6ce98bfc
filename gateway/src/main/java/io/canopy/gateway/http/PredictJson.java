package io.canopy.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.canopy.proto.inference.v1.MissingFeatures;
import io.canopy.proto.inference.v1.PredictResponse;
import java.io.IOException;

/**
 * Writes a PredictResponse as TF-Serving-style JSON: {@code predictions} is a flat list for shape
 * [N] and nested lists for [N, k] or [N, c, k], row-major as the proto holds them.
 */
final class PredictJson {

  private PredictJson() {}

  static void write(JsonGenerator g, PredictResponse r) throws IOException {
    g.writeStartObject();
    g.writeStringField("model", r.getModel());
    g.writeNumberField("version", r.getVersion());
    g.writeStringField("sha256", r.getSha256());
    g.writeStringField("output", OutputKinds.name(r.getOutput()));
    if (!r.getRequestId().isEmpty()) {
      g.writeStringField("request_id", r.getRequestId());
    }
    g.writeFieldName("predictions");
    writePredictions(g, r);
    if (r.getMissingFeaturesCount() > 0) {
      g.writeArrayFieldStart("missing_features");
      for (MissingFeatures missing : r.getMissingFeaturesList()) {
        g.writeStartObject();
        g.writeNumberField("row", missing.getRow());
        g.writeArrayFieldStart("features");
        for (String feature : missing.getFeaturesList()) {
          g.writeString(feature);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writePredictions(JsonGenerator g, PredictResponse r) throws IOException {
    long size = 1;
    for (int i = 0; i < r.getShapeCount(); i++) {
      size *= r.getShape(i);
    }
    if (r.getShapeCount() <= 1 || size != r.getValuesCount()) {
      // [N], or a shape that does not describe the values: list them as they are.
      g.writeStartArray();
      for (int i = 0; i < r.getValuesCount(); i++) {
        JsonReplies.writeFloat(g, r.getValues(i));
      }
      g.writeEndArray();
      return;
    }
    writeNested(g, r, 0, 0);
  }

  /** Writes dimension {@code dim} starting at value {@code offset}; returns the next offset. */
  private static int writeNested(JsonGenerator g, PredictResponse r, int dim, int offset)
      throws IOException {
    int n = r.getShape(dim);
    g.writeStartArray();
    if (dim == r.getShapeCount() - 1) {
      for (int i = 0; i < n; i++) {
        JsonReplies.writeFloat(g, r.getValues(offset + i));
      }
      offset += n;
    } else {
      for (int i = 0; i < n; i++) {
        offset = writeNested(g, r, dim + 1, offset);
      }
    }
    g.writeEndArray();
    return offset;
  }
}
