package io.canopy.gateway.predict;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.canopy.gateway.batching.BatchingSettings;
import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.inference.v1.PredictResponse;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.kserve.v2.ModelInferRequest.InferInputTensor;
import io.canopy.proto.kserve.v2.ModelInferRequest.InferRequestedOutputTensor;
import io.canopy.proto.kserve.v2.ModelInferResponse;
import io.canopy.proto.kserve.v2.ModelInferResponse.InferOutputTensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A KServe v2 ModelInfer as the Predict it amounts to, and that Predict's answer as the
 * ModelInferResponse serving would have sent, so that a light ModelInfer takes Predict's path
 * through the gateway and shares its batches. Serving's KServe models take one FP32 input {@code
 * [N, F]} (typed contents or one little-endian raw buffer) and answer one FP32 output {@code
 * output-0}, the VALUE prediction, raw when the input was raw. Only a call that says exactly that,
 * with nothing serving could read differently (no parameters, a numeric or no version), of a model
 * the gateway batches and with at most {@code max-batch-rows} rows, is translated; anything else
 * goes upstream as the ModelInfer it is.
 */
final class KServeRows {

  static final String OUTPUT = "output-0";
  static final String FP32 = "FP32";

  private KServeRows() {}

  /** The Predict {@code request} amounts to, or null when it must go upstream as it is. */
  static PredictRequest asPredict(
      ModelInferRequest request, String routingKey, BatchingSettings batching) {
    if (request.getModelName().isEmpty()
        || !batching.batches(request.getModelName())
        || request.getParametersCount() > 0
        || request.getInputsCount() != 1
        || !onlyTheOutput(request)) {
      return null;
    }
    long version = version(request.getModelVersion());
    InferInputTensor input = request.getInputs(0);
    if (version < 0
        || !FP32.equals(input.getDatatype())
        || input.getParametersCount() > 0
        || input.getShapeCount() != 2) {
      return null;
    }
    long rows = input.getShape(0);
    long features = input.getShape(1);
    if (rows < 1 || rows > batching.maxBatchRows() || features < 1) {
      return null;
    }
    if (features > Integer.MAX_VALUE / rows) {
      return null;
    }
    int count = (int) (rows * features);
    DenseRows.Builder dense = DenseRows.newBuilder().setNumFeatures((int) features);
    if (!values(request, input.getContents(), count, dense)) {
      return null;
    }
    PredictRequest.Builder predict =
        PredictRequest.newBuilder()
            .setModel(request.getModelName())
            .setDense(dense)
            .setOutput(OutputKind.OUTPUT_KIND_VALUE)
            .setRequestId(request.getId())
            .setRoutingKey(routingKey);
    if (version > 0) {
      predict.setVersion(version);
    }
    return predict.build();
  }

  /** {@code rows} (the caller's share of a batch) as serving's answer to {@code caller}. */
  static ModelInferResponse answer(ModelInferRequest caller, PredictResponse rows) {
    ModelInferResponse.Builder response =
        ModelInferResponse.newBuilder()
            .setModelName(rows.getModel())
            .setModelVersion(Long.toString(rows.getVersion()))
            .setId(caller.getId());
    InferOutputTensor.Builder output =
        InferOutputTensor.newBuilder().setName(OUTPUT).setDatatype(FP32);
    for (int i = 0; i < rows.getShapeCount(); i++) {
      output.addShape(rows.getShape(i));
    }
    if (caller.getRawInputContentsCount() > 0) {
      ByteBuffer bytes =
          ByteBuffer.allocate(rows.getValuesCount() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < rows.getValuesCount(); i++) {
        bytes.putFloat(rows.getValues(i));
      }
      // The array is not touched again, so wrapping it without a copy is safe.
      response.addRawOutputContents(UnsafeByteOperations.unsafeWrap(bytes.array()));
    } else {
      output.setContents(InferTensorContents.newBuilder().addAllFp32Contents(rows.getValuesList()));
    }
    return response.addOutputs(output).build();
  }

  /**
   * Serving's ModelInfer answer (to a call asked again in its own words, {@link
   * PredictPipeline.OwnWords}) as the Predict answer it amounts to.
   */
  static PredictResponse rows(ModelInferResponse response) {
    if (response.getOutputsCount() != 1 || !FP32.equals(response.getOutputs(0).getDatatype())) {
      throw new IllegalStateException(
          "serving answered ModelInfer with " + response.getOutputsCount() + " outputs");
    }
    InferOutputTensor output = response.getOutputs(0);
    PredictResponse.Builder rows =
        PredictResponse.newBuilder()
            .setModel(response.getModelName())
            .setVersion(Long.parseLong(response.getModelVersion()))
            .setOutput(OutputKind.OUTPUT_KIND_VALUE)
            .setRequestId(response.getId());
    for (long dim : output.getShapeList()) {
      rows.addShape(Math.toIntExact(dim));
    }
    if (response.getRawOutputContentsCount() > 0) {
      FloatBuffer floats =
          response
              .getRawOutputContents(0)
              .asReadOnlyByteBuffer()
              .order(ByteOrder.LITTLE_ENDIAN)
              .asFloatBuffer();
      while (floats.hasRemaining()) {
        rows.addValues(floats.get());
      }
    } else {
      rows.addAllValues(output.getContents().getFp32ContentsList());
    }
    return rows.build();
  }

  /** Requested outputs, if any, name only serving's one output, with no parameters. */
  private static boolean onlyTheOutput(ModelInferRequest request) {
    for (InferRequestedOutputTensor output : request.getOutputsList()) {
      if (!OUTPUT.equals(output.getName()) || output.getParametersCount() > 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * The version a KServe {@code model_version} names: 0 for none (the routing policy picks), the
   * number for digits, -1 for anything else (an alias, or what serving would refuse), which goes
   * upstream as it is.
   */
  static long version(String version) {
    if (version.isEmpty()) {
      return 0;
    }
    if (version.length() > 18 || !version.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    long v = Long.parseLong(version);
    return v > 0 ? v : -1;
  }

  /**
   * Copies the input's {@code count} values into {@code dense}: all as FP32 contents, or all in one
   * raw buffer and no contents; false (nothing usable copied) when the input is given otherwise.
   */
  private static boolean values(
      ModelInferRequest request, InferTensorContents contents, int count, DenseRows.Builder dense) {
    int typed = contents.getFp32ContentsCount();
    boolean otherTypes =
        contents.getBoolContentsCount()
                + contents.getIntContentsCount()
                + contents.getInt64ContentsCount()
                + contents.getUintContentsCount()
                + contents.getUint64ContentsCount()
                + contents.getFp64ContentsCount()
                + contents.getBytesContentsCount()
            > 0;
    if (otherTypes) {
      return false;
    }
    if (request.getRawInputContentsCount() == 0) {
      if (typed != count) {
        return false;
      }
      dense.addAllValues(contents.getFp32ContentsList());
      return true;
    }
    if (request.getRawInputContentsCount() != 1 || typed > 0) {
      return false;
    }
    ByteString raw = request.getRawInputContents(0);
    if (raw.size() != (long) count * Float.BYTES) {
      return false;
    }
    FloatBuffer floats = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    for (int i = 0; i < count; i++) {
      dense.addValues(floats.get(i));
    }
    return true;
  }
}
