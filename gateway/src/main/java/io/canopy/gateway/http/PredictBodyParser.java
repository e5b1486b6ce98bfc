package io.canopy.gateway.http;

import static io.canopy.gateway.http.JsonInput.invalid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.EntityRows;
import io.canopy.proto.inference.v1.NamedRow;
import io.canopy.proto.inference.v1.NamedRows;
import io.canopy.proto.inference.v1.PredictRequest;
import java.io.IOException;

/**
 * Parses a TF-Serving-style predict body ({@code {"instances": [...], "output": ...}}) into a
 * PredictRequest. Rows are arrays of numbers (null = missing), objects of named features, or {@code
 * {"entity": key}}. Dense values stream straight into the proto's float list: no boxing, no
 * intermediate row objects.
 */
final class PredictBodyParser {

  private final JsonFactory json;
  private final int maxRows;

  PredictBodyParser(JsonFactory json, int maxRows) {
    this.json = json;
    this.maxRows = maxRows;
  }

  /** The request without model and version selector (those come from the path). */
  PredictRequest.Builder parse(byte[] body) {
    return JsonInput.parseObject(json, body, this::readObject);
  }

  private PredictRequest.Builder readObject(JsonParser p) throws IOException {
    PredictRequest.Builder request = PredictRequest.newBuilder();
    boolean sawInstances = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "instances" -> {
          readInstances(p, request);
          sawInstances = true;
        }
        case "output" -> request.setOutput(OutputKinds.parse(JsonInput.string(p, "output")));
        case "request_id" -> request.setRequestId(JsonInput.string(p, "request_id"));
        case "routing_key" -> request.setRoutingKey(JsonInput.string(p, "routing_key"));
        default ->
            throw invalid(
                field, "unknown field; expected instances, output, request_id or routing_key");
      }
    }
    if (!sawInstances) {
      throw invalid("instances", "is required");
    }
    return request;
  }

  private void readInstances(JsonParser p, PredictRequest.Builder request) throws IOException {
    JsonInput.expect(p, JsonToken.START_ARRAY, "instances", "must be an array of rows");
    switch (p.nextToken()) {
      case END_ARRAY -> throw invalid("instances", "must hold at least one row");
      case START_ARRAY -> readDense(p, request.getDenseBuilder());
      case START_OBJECT -> readObjects(p, request);
      default ->
          throw invalid(
              "instances[0]", "a row must be an array of numbers or an object of named features");
    }
  }

  private void readDense(JsonParser p, DenseRows.Builder dense) throws IOException {
    int width = -1;
    int row = 0;
    do {
      String field = "instances[" + row + "]";
      JsonInput.expect(p, JsonToken.START_ARRAY, field, "must be an array like the rows before it");
      checkRows(row + 1);
      int n = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        dense.addValues(floatAt(p, row, n));
        n++;
      }
      if (n == 0) {
        throw invalid(field, "is empty");
      }
      if (width >= 0 && n != width) {
        throw invalid(field, "has " + n + " values but instances[0] has " + width);
      }
      width = n;
      row++;
    } while (p.nextToken() != JsonToken.END_ARRAY);
    dense.setNumFeatures(width);
  }

  private static float floatAt(JsonParser p, int row, int column) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
      return p.getFloatValue();
    }
    if (t == JsonToken.VALUE_NULL) {
      return Float.NaN;
    }
    throw invalid("instances[" + row + "][" + column + "]", "must be a number or null");
  }

  private void readObjects(JsonParser p, PredictRequest.Builder request) throws IOException {
    NamedRows.Builder named = NamedRows.newBuilder();
    EntityRows.Builder entities = EntityRows.newBuilder();
    int row = 0;
    do {
      String field = "instances[" + row + "]";
      JsonInput.expect(
          p, JsonToken.START_OBJECT, field, "must be an object like the rows before it");
      checkRows(row + 1);
      String entity = readObjectRow(p, field, named);
      if (entity != null) {
        entities.addKeys(entity);
      }
      if (entities.getKeysCount() > 0 && named.getRowsCount() > 0) {
        throw invalid(field, "mixes entity rows and rows of named features");
      }
      row++;
    } while (p.nextToken() != JsonToken.END_ARRAY);
    if (entities.getKeysCount() > 0) {
      request.setEntities(entities);
    } else {
      request.setNamed(named);
    }
  }

  /** Reads one object row: returns its entity key, or adds it to {@code named} and returns null. */
  private static String readObjectRow(JsonParser p, String field, NamedRows.Builder named)
      throws IOException {
    NamedRow.Builder features = NamedRow.newBuilder();
    boolean first = true;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (first && "entity".equals(name) && value == JsonToken.VALUE_STRING) {
        String key = JsonInput.wellFormed(field + ".entity", p.getText());
        if (p.nextToken() != JsonToken.END_OBJECT) {
          throw invalid(field, "an entity row holds only \"entity\"");
        }
        return key;
      }
      first = false;
      float v = JsonInput.floatOrNull(p, field + "." + name);
      if (!Float.isNaN(v)) {
        features.putFeatures(name, v); // absent and NaN both mean missing
      }
    }
    named.addRows(features);
    return null;
  }

  private void checkRows(int rows) {
    if (rows > maxRows) {
      throw new PayloadTooLarge(
          "instances: more than the gateway's limit of " + maxRows + " rows per request");
    }
  }
}
