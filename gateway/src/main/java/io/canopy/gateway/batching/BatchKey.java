package io.canopy.gateway.batching;

import io.canopy.proto.inference.v1.OutputKind;
import io.canopy.proto.inference.v1.PredictRequest;

/** Requests that can share one upstream Predict: same model, version, output and row layout. */
record BatchKey(
    String model, long version, OutputKind output, PredictRequest.RowsCase rows, int numFeatures) {

  static BatchKey of(PredictRequest request) {
    return new BatchKey(
        request.getModel(),
        request.getVersion(),
        request.getOutput() == OutputKind.OUTPUT_KIND_UNSPECIFIED
            ? OutputKind.OUTPUT_KIND_VALUE
            : request.getOutput(),
        request.getRowsCase(),
        request.getRowsCase() == PredictRequest.RowsCase.DENSE
            ? request.getDense().getNumFeatures()
            : 0);
  }
}
