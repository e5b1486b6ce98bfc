package io.canopy.serving.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.canopy.common.error.CanopyException;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.serving.model.VersionSelector;
import io.canopy.serving.predict.Prediction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * KServe v2 tensors to and from the predictor's row-major floats: one FP32 input {@code [N, F]}
 * given as {@code contents.fp32_contents} or little-endian {@code raw_input_contents}, and one FP32
 * output {@code [N]} or {@code [N, k]}, raw when the input was raw.
 */
final class KServeTensors {

  static final String INPUT = "input-0";
  static final String OUTPUT = "output-0";
  static final String FP32 = "FP32";

  private KServeTensors() {}

  /** "" selects the default; digits a version number; anything else an alias. */
  static VersionSelector selector(String version, String field) {
    if (version.isEmpty()) {
      return VersionSelector.DEFAULT;
    }
    if (version.chars().allMatch(Character::isDigit)) {
      try {
        long v = Long.parseLong(version);
        if (v > 0) {
          return new VersionSelector.Explicit(v);
        }
      } catch (NumberFormatException e) {
        // Falls through to the error below.
      }
      throw new CanopyException.InvalidArgument(field, "not a valid version number: " + version);
    }
    return new VersionSelector.Alias(version);
  }

  /** Checks the request's single input and returns its row count. */
  static int rows(ModelInferRequest request, int numFeatures) {
    if (request.getInputsCount() != 1) {
      throw new CanopyException.InvalidArgument(
          "inputs", "exactly one FP32 input [N, F] is required");
    }
    ModelInferRequest.InferInputTensor input = request.getInputs(0);
    if (!FP32.equals(input.getDatatype())) {
      throw new CanopyException.InvalidArgument(
          "inputs[0].datatype", "only FP32 is supported, got '" + input.getDatatype() + "'");
    }
    if (input.getShapeCount() != 2
        || input.getShape(0) < 1
        || input.getShape(1) != numFeatures
        || input.getShape(0) * numFeatures > Integer.MAX_VALUE) {
      throw new CanopyException.InvalidArgument(
          "inputs[0].shape",
          "must be [N, " + numFeatures + "] with N >= 1, got " + input.getShapeList());
    }
    for (int i = 0; i < request.getOutputsCount(); i++) {
      if (!OUTPUT.equals(request.getOutputs(i).getName())) {
        throw new CanopyException.InvalidArgument(
            "outputs[" + i + "].name", "the only output is '" + OUTPUT + "'");
      }
    }
    return (int) input.getShape(0);
  }

  /** The input values, row-major. */
  static float[] values(ModelInferRequest request, int count) {
    float[] values = new float[count];
    InferTensorContents contents = request.getInputs(0).getContents();
    if (request.getRawInputContentsCount() > 0) {
      if (request.getRawInputContentsCount() != 1 || contents.getFp32ContentsCount() > 0) {
        throw new CanopyException.InvalidArgument(
            "raw_input_contents", "give the input either raw or as contents, once");
      }
      ByteString raw = request.getRawInputContents(0);
      if (raw.size() != (long) count * Float.BYTES) {
        throw new CanopyException.InvalidArgument(
            "raw_input_contents[0]",
            "expected " + count * Float.BYTES + " bytes, got " + raw.size());
      }
      raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    } else {
      if (contents.getFp32ContentsCount() != count) {
        throw new CanopyException.InvalidArgument(
            "inputs[0].contents.fp32_contents",
            "expected " + count + " values, got " + contents.getFp32ContentsCount());
      }
      for (int i = 0; i < count; i++) {
        values[i] = contents.getFp32Contents(i);
      }
    }
    RowDecoder.checkFinite(values, "inputs[0]");
    return values;
  }

  /** Adds the prediction as the response's one output tensor. */
  static void addOutput(ModelInferResponse.Builder response, Prediction prediction, boolean raw) {
    ModelInferResponse.InferOutputTensor.Builder output =
        ModelInferResponse.InferOutputTensor.newBuilder().setName(OUTPUT).setDatatype(FP32);
    for (int dim : prediction.shape()) {
      output.addShape(dim);
    }
    float[] values = prediction.values();
    if (raw) {
      ByteBuffer bytes =
          ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(values);
      // The array is not touched again, so wrapping it without a copy is safe.
      response.addRawOutputContents(UnsafeByteOperations.unsafeWrap(bytes.array()));
    } else {
      InferTensorContents.Builder contents = InferTensorContents.newBuilder();
      for (float v : values) {
        contents.addFp32Contents(v);
      }
      output.setContents(contents);
    }
    response.addOutputs(output);
  }
}
