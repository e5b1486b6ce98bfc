package io.canopy.gateway.http;

import static io.canopy.gateway.http.JsonInput.invalid;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.canopy.proto.kserve.v2.InferParameter;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferRequest.InferInputTensor;
import io.canopy.proto.kserve.v2.ModelInferRequest.InferRequestedOutputTensor;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * Parses an Open Inference Protocol REST infer body ({@code {"id", "parameters", "inputs": [{name,
 * shape, datatype, data}], "outputs"}}) into a ModelInferRequest. Inputs are FP32; {@code data} may
 * be flat or nested row-major, null meaning missing.
 */
final class InferBodyParser {

  private final JsonFactory json;
  private final int maxRows;

  InferBodyParser(JsonFactory json, int maxRows) {
    this.json = json;
    this.maxRows = maxRows;
  }

  /** The request without model name and version (those come from the path). */
  ModelInferRequest.Builder parse(byte[] body) {
    return JsonInput.parseObject(json, body, this::readObject);
  }

  private ModelInferRequest.Builder readObject(JsonParser p) throws IOException {
    ModelInferRequest.Builder request = ModelInferRequest.newBuilder();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "id" -> request.setId(JsonInput.string(p, "id"));
        case "parameters" -> readParameters(p, "parameters", request::putParameters);
        case "inputs" -> {
          JsonInput.expect(p, JsonToken.START_ARRAY, "inputs", "must be an array");
          while (p.nextToken() != JsonToken.END_ARRAY) {
            request.addInputs(readInput(p, "inputs[" + request.getInputsCount() + "]"));
          }
        }
        case "outputs" -> {
          JsonInput.expect(p, JsonToken.START_ARRAY, "outputs", "must be an array");
          while (p.nextToken() != JsonToken.END_ARRAY) {
            request.addOutputs(readOutput(p, "outputs[" + request.getOutputsCount() + "]"));
          }
        }
        default -> throw invalid(field, "unknown field; expected id, parameters, inputs, outputs");
      }
    }
    if (request.getInputsCount() == 0) {
      throw invalid("inputs", "must hold at least one input tensor");
    }
    return request;
  }

  private InferInputTensor readInput(JsonParser p, String at) throws IOException {
    JsonInput.expect(p, JsonToken.START_OBJECT, at, "must be an object");
    InferInputTensor.Builder input = InferInputTensor.newBuilder();
    boolean sawData = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "name" -> input.setName(JsonInput.string(p, at + ".name"));
        case "datatype" -> input.setDatatype(JsonInput.string(p, at + ".datatype"));
        case "shape" -> {
          JsonInput.expect(p, JsonToken.START_ARRAY, at + ".shape", "must be an array");
          while (p.nextToken() != JsonToken.END_ARRAY) {
            input.addShape(JsonInput.integer(p, at + ".shape"));
          }
        }
        case "parameters" -> readParameters(p, at + ".parameters", input::putParameters);
        case "data" -> {
          readData(p, at + ".data", input.getContentsBuilder());
          sawData = true;
        }
        default ->
            throw invalid(at + "." + field, "unknown field; expected name, shape, datatype, data");
      }
    }
    check(input, sawData, at);
    return input.build();
  }

  private void check(InferInputTensor.Builder input, boolean sawData, String at) {
    if (input.getName().isEmpty()) {
      throw invalid(at + ".name", "is required");
    }
    if (!"FP32".equals(input.getDatatype())) {
      throw invalid(at + ".datatype", "'" + input.getDatatype() + "' is not supported; use FP32");
    }
    if (input.getShapeCount() == 0 || !sawData) {
      throw invalid(at, "needs shape and data");
    }
    long size = 1;
    for (long dim : input.getShapeList()) {
      if (dim < 0 || dim > Integer.MAX_VALUE) {
        throw invalid(at + ".shape", "dimension " + dim + " is out of range");
      }
      size *= dim;
      if (size > Integer.MAX_VALUE) {
        throw invalid(at + ".shape", "describes more values than a request can hold");
      }
    }
    if (input.getShape(0) > maxRows) {
      throw new PayloadTooLarge(
          at + ".shape: " + input.getShape(0) + " rows exceed the gateway's limit of " + maxRows);
    }
    int values = input.getContents().getFp32ContentsCount();
    if (values != size) {
      throw invalid(
          at + ".data",
          "has " + values + " values; shape " + input.getShapeList() + " needs " + size);
    }
  }

  /** Flattens nested arrays of numbers (row-major) into the tensor's FP32 contents. */
  private static void readData(JsonParser p, String at, InferTensorContents.Builder contents)
      throws IOException {
    JsonInput.expect(p, JsonToken.START_ARRAY, at, "must be an array");
    int depth = 1;
    while (depth > 0) {
      JsonToken t = p.nextToken();
      switch (t) {
        case START_ARRAY -> depth++;
        case END_ARRAY -> depth--;
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> contents.addFp32Contents(p.getFloatValue());
        case VALUE_NULL -> contents.addFp32Contents(Float.NaN);
        default -> throw invalid(at, "must hold only numbers or null");
      }
    }
  }

  private static InferRequestedOutputTensor readOutput(JsonParser p, String at) throws IOException {
    JsonInput.expect(p, JsonToken.START_OBJECT, at, "must be an object");
    InferRequestedOutputTensor.Builder output = InferRequestedOutputTensor.newBuilder();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      p.nextToken();
      switch (field) {
        case "name" -> output.setName(JsonInput.string(p, at + ".name"));
        case "parameters" -> readParameters(p, at + ".parameters", output::putParameters);
        default -> throw invalid(at + "." + field, "unknown field; expected name, parameters");
      }
    }
    return output.build();
  }

  private static void readParameters(
      JsonParser p, String at, BiConsumer<String, InferParameter> into) throws IOException {
    JsonInput.expect(p, JsonToken.START_OBJECT, at, "must be an object");
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      InferParameter.Builder value = InferParameter.newBuilder();
      switch (p.nextToken()) {
        case VALUE_TRUE, VALUE_FALSE -> value.setBoolParam(p.getBooleanValue());
        case VALUE_NUMBER_INT -> value.setInt64Param(JsonInput.integer(p, at + "." + name));
        case VALUE_NUMBER_FLOAT -> value.setDoubleParam(p.getDoubleValue());
        case VALUE_STRING ->
            value.setStringParam(JsonInput.wellFormed(at + "." + name, p.getText()));
        default -> throw invalid(at + "." + name, "must be a boolean, number or string");
      }
      into.accept(name, value.build());
    }
  }
}
