package io.canopy.gateway;

import io.canopy.proto.inference.v1.DenseRows;
import io.canopy.proto.inference.v1.PredictRequest;
import io.canopy.proto.kserve.v2.InferTensorContents;
import io.canopy.proto.kserve.v2.ModelInferRequest;
import io.canopy.proto.registry.v1.Model;

/**
 * The one-feature model "fraud" the routing tests publish to the fake registry (production is
 * version 1, latest is 3), and one-row requests for it on both gRPC APIs.
 */
final class FraudModel {

  static final Model FRAUD =
      Model.newBuilder().setName("fraud").putAliases("production", 1).setLatestVersion(3).build();

  private FraudModel() {}

  /** A one-row Predict for "fraud" with no version selector. */
  static PredictRequest.Builder request() {
    return PredictRequest.newBuilder()
        .setModel("fraud")
        .setDense(DenseRows.newBuilder().setNumFeatures(1).addValues(0.5f));
  }

  /** A one-row KServe ModelInfer for "fraud"; an empty {@code version} selects none. */
  static ModelInferRequest infer(String version) {
    return ModelInferRequest.newBuilder()
        .setModelName("fraud")
        .setModelVersion(version)
        .addInputs(
            ModelInferRequest.InferInputTensor.newBuilder()
                .setName("input-0")
                .setDatatype("FP32")
                .addShape(1)
                .addShape(1)
                .setContents(InferTensorContents.newBuilder().addFp32Contents(0.5f)))
        .build();
  }
}
